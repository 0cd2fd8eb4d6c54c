/*
 * passkey.h — passkeys (WebAuthn Level 2): register a platform authenticator
 * or security key, sign in with it, name and remove keys. Owns the passkeys
 * and webauthn_challenges tables.
 *
 * The server checks everything itself: the client data (type, the one-time
 * challenge it issued, the origin), the authenticator data (the RP ID's
 * SHA-256, user presence and user verification, the signature counter,
 * which must grow when either side counts), the attestation object (CBOR, libcbor; format
 * "none" only: hao asks for no attestation), the credential's COSE key
 * (ES256: P-256; RS256: RSA), and the assertion's signature over
 * authenticatorData || SHA-256(clientDataJSON) (OpenSSL). A passkey counts
 * as both factors: its sign-in asks for no TOTP code. That holds because
 * the device verified its user (PIN, fingerprint, face: the UV flag), so
 * both ceremonies require user verification; and sign-in finds the key
 * without a user name, so registration requires a discoverable credential.
 *
 * The relying party is the site: its origin is the base_url setting when
 * set, else this request's scheme and Host; the RP ID is that origin's
 * host. Challenges are 32 random bytes, valid 5 minutes, used once.
 *
 * The pages' script (GET /static/passkey.js) is served from here; the JSON
 * endpoints are form-CSRF routes whose token travels in X-CSRF-Token.
 * Loop thread only: one signature check is well under a millisecond.
 */
#ifndef HAO_SEC_PASSKEY_H
#define HAO_SEC_PASSKEY_H

#include "http/http.h"

void sec_passkey_js(hreq_t *r);             /* GET /static/passkey.js */
void sec_passkeys_page(hreq_t *r);          /* GET /account/security/passkeys */
void sec_passkey_reg_options(hreq_t *r);    /* POST /account/security/passkeys/options */
void sec_passkey_register(hreq_t *r);       /* POST /account/security/passkeys */
void sec_passkey_rename(hreq_t *r);         /* POST /account/security/passkeys/rename */
void sec_passkey_remove(hreq_t *r);         /* POST /account/security/passkeys/remove */
void sec_passkey_login_page(hreq_t *r);     /* GET /login/passkey */
void sec_passkey_login_options(hreq_t *r);  /* POST /login/passkey/options */
void sec_passkey_login(hreq_t *r);          /* POST /login/passkey */

#endif
