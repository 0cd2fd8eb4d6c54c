/*
 * counter.h — the creator's side of a removal: the list of their removed
 * works with the statement of reasons (which notice or report, ground,
 * reason, whether automated, what they can do), and the counter-notice
 * (only the work's author, only for a work removed on a notice, once),
 * which restores at once or schedules the restore (restore_mode) and is
 * shown to the complainant on the notice's status page.
 */
#ifndef HAO_COUNTER_H
#define HAO_COUNTER_H

#include "http/http.h"

void notice_studio(hreq_t *r);  /* GET  /studio/notices                        */
void counter_form(hreq_t *r);   /* GET  /studio/notices/:td/counter            */
void counter_post(hreq_t *r);   /* POST /studio/notices/:td/counter     (CSRF) */

#endif
