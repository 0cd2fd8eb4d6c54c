/*
 * profile.h — a person's own profile (issue 18, item 3): display name,
 * avatar and bio, edited at /account/profile and shown on the author page
 * /u/HANDLE. Owned by the people part; owns the users.bio and users.avatar
 * columns (migration "people"), updates users.display_name.
 *
 * The avatar is an ordinary upload through the media pipeline
 * (media_upload_form: decoded and re-encoded in the helper process, only
 * pictures kept), stored as the user's media id and shown from its
 * smallest variant. A bad file is refused and leaves no file and no row.
 * The bio is plain text (line breaks kept, no markup), at most
 * PROFILE_BIO_MAX characters. The password is changed at /account/security
 * (the account-security part), linked from here.
 */
#ifndef HAO_PEOPLE_PROFILE_H
#define HAO_PEOPLE_PROFILE_H

#include <stdint.h>

#include "core/buf.h"
#include "db/db.h"
#include "http/http.h"

#define PROFILE_NAME_MAX 50  /* characters, as registration allows */
#define PROFILE_BIO_MAX 300  /* characters */
#define PROFILE_AVATAR_MAX (10u << 20) /* bytes of an avatar upload */

/* Why a change was refused: status, i18n key, the field at fault. */
typedef struct {
    int status;
    const char *key;
    const char *field; /* "name", "bio", "avatar" */
} profile_err_t;

/* Save user_id's display name and bio (both checked first; one
 * statement). 0, or -1 with e (422 name/bio, 500). */
int profile_save(db_t *db, int64_t user_id, const char *name, const char *bio, profile_err_t *e);
/* Make media_id (a picture this user uploaded; "" for none) the avatar.
 * 0, or -1 with e (422 not a picture of theirs, 500). */
int profile_set_avatar(db_t *db, int64_t user_id, const char *media_id, profile_err_t *e);

/* For the author page: the avatar and the bio of user_id (nothing for
 * what is unset). */
void profile_author_head(hreq_t *r, buf_t *b, int64_t user_id);

/* Handlers (routes.c), ROLE_READER. */
void profile_page(hreq_t *r);          /* GET  /account/profile                    */
void profile_post(hreq_t *r);          /* POST /account/profile             (CSRF) */
void profile_avatar_post(hreq_t *r);   /* POST /account/profile/avatar (multipart) */
void profile_avatar_remove(hreq_t *r); /* POST /account/profile/avatar/remove (CSRF) */

#endif
