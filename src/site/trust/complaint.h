/*
 * complaint.h — internal complaints: a creator contests a removal of their
 * work, once per removal (/studio/notices/:td/complaint); a moderator other
 * than the one who decided the removal settles it in /mod (moderation.h),
 * and an upheld complaint restores the work (takedown.h). Owns the
 * complaints table.
 */
#ifndef HAO_COMPLAINT_H
#define HAO_COMPLAINT_H

#include "http/http.h"

void complaint_form(hreq_t *r); /* GET  /studio/notices/:td/complaint        */
void complaint_post(hreq_t *r); /* POST /studio/notices/:td/complaint (CSRF) */

#endif
