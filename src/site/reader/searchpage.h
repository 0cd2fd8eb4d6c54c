/*
 * searchpage.h — search for readers and clients: the /search page, the
 * GET /api/v1/search endpoint and the `hao search` subcommands. The index
 * itself is search/search.h.
 */
#ifndef HAO_SEARCH_UI_H
#define HAO_SEARCH_UI_H

#include "http/http.h"

void searchpage_html(hreq_t *r);
void searchpage_api(hreq_t *r);

/* hao search rebuild|normalize|query TEXT [--data DIR]; an exit code. */
int searchpage_cli(const char *data_dir, int npos, char **pos);

#endif
