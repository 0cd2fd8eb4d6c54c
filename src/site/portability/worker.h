/*
 * worker.h — the portability thread: runs the exports and imports queued
 * from the studio (table port_jobs), one at a time, on its own database
 * connection, and removes finished exports when their link expires.
 * Owned by site/portability. Started and stopped by app.c; port_worker_wake
 * may be called from any thread.
 *
 * A job survives a restart: at start every job left 'running' is queued
 * again. An export then starts over; so does an import, which writes all
 * or nothing (importer.h): a crash left none of its rows, and works an
 * earlier run did commit are in import_items and are not created twice.
 * An import fetches the pictures its file names but does not hold, here on
 * this thread (fetch.h), never on a loop thread.
 */
#ifndef HAO_PORT_WORKER_H
#define HAO_PORT_WORKER_H

#include "core/buf.h"

#define PORT_LINK_SECONDS (24 * 3600) /* an export's download link lives this long */

int port_worker_start(const char *data_dir, buf_t *err);
void port_worker_stop(void);
void port_worker_wake(void);
/* DATA/portability, where archives and uploads are kept. */
const char *port_dir(void);

#endif
