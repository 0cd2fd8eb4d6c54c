/*
 * redirect.h — imported works answer at their former paths. Owned by
 * site/portability (table import_redirects). Loop thread (one indexed read).
 */
#ifndef HAO_PORT_REDIRECT_H
#define HAO_PORT_REDIRECT_H

#include <stddef.h>

#include "http/http.h"

/* The application's not_found hook (http/server.h): a path (with its
 * query) an import recorded for a published work answers 301 to /a/ID. */
int port_redirect(hreq_t *r, const char *path, size_t plen);

#endif
