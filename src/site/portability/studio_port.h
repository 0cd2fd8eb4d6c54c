/*
 * studio_port.h — the studio's export and import page (/studio/portability):
 * start an export of one's own works (built by the portability thread, with
 * its progress and a download link that expires), upload a hao export,
 * WordPress or Ghost file to import into one's own account (checked whole,
 * run as a job, its report shown). Owned by site/portability; loop threads,
 * the upload's parsing and writing on the worker pool.
 */
#ifndef HAO_PORT_STUDIO_H
#define HAO_PORT_STUDIO_H

#include "http/http.h"

#define PORT_UPLOAD_MAX ((size_t)256 << 20)

void port_studio_page(hreq_t *r);
void port_studio_export(hreq_t *r);
void port_studio_import(hreq_t *r);
void port_studio_download(hreq_t *r);

#endif
