/*
 * transparency.h — the public transparency report (/transparency): per
 * quarter or year, notices received by ground and their outcomes, removals
 * by cause, the median time from notice to action, counter-notices,
 * restorations, reader reports, internal complaints and suspensions. Read
 * only; counts come from the tables the other modules own.
 */
#ifndef HAO_TRANSPARENCY_H
#define HAO_TRANSPARENCY_H

#include "http/http.h"

void transparency_page(hreq_t *r); /* GET /transparency?period=2026|2026-Q4      */
void transparency_json(hreq_t *r); /* GET /transparency.json?period=2026|2026-Q4 */

#endif
