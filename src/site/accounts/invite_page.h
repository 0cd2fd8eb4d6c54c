/*
 * invite_page.h — the administrator's invitations page (/admin/invites):
 * make an invitation link for registration = invite, and see the links made
 * and whether each was used. The rules are invite.h's.
 */
#ifndef HAO_INVITE_PAGE_H
#define HAO_INVITE_PAGE_H

#include "http/http.h"

/* Handlers (routes.c), ROLE_ADMIN: GET /admin/invites, POST /admin/invites. */
void invite_admin_page(hreq_t *r);
void invite_admin_post(hreq_t *r);

#endif
