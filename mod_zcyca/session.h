/* Sessions: token, cookie, load, create with rotation, destroy (session.c). */
#ifndef ZC_SESSION_H
#define ZC_SESSION_H

#include "mod_zcyca.h"
#include "queries.h"
#include <jansson.h>

/* The request's first well-formed token (zc_token_shaped) in a cookie
 * called name, or NULL (cookie.h). */
const char *zc_request_cookie_token(request_rec *r, const char *name);

/* The session of this request (cached in zc_req).  ZC_E_LOGIN_REQUIRED when
 * there is no cookie or no live session; SERVICE_UNAVAILABLE when the
 * database cannot answer. */
zc_err_t zc_session_load(request_rec *r, zc_session_t **out);

/* Open a new session (a new token every time) and set the cookie.  A
 * session the request already carried is deleted by the same statement
 * (no fixation). */
zc_err_t zc_session_create(request_rec *r, const zc_session_new_t *n, zc_session_t **out);

/* The same in two steps around a statement of the caller's that stores the
 * row (the CA login's, queries.c): zc_session_begin makes the token and
 * names the session the request carried, which that statement deletes;
 * zc_session_opened, once the row is in, drops the replaced session from
 * the cache, sets the cookie and makes the new one the request's. */
typedef struct {
    const char *token;              /* the cookie value */
    unsigned char *hash;            /* its SHA-256, what the database keeps */
    const unsigned char *replaced;  /* hash of the request's session token, or NULL */
} zc_session_mint_t;

zc_err_t zc_session_begin(request_rec *r, zc_session_mint_t *m);
zc_session_t *zc_session_opened(request_rec *r, const zc_session_mint_t *m, const zc_session_new_t *n,
                                apr_time_t created, apr_time_t expires);

/* Delete the request's session server side and clear the cookie.
 * *account_id: whose it was (0 if none was live). */
zc_err_t zc_session_destroy(request_rec *r, apr_int64_t *account_id);

/* {"account":{...},"method",...} as in DESIGN section 4 (GET /ca/session). */
const char *zc_session_json(request_rec *r, const zc_session_t *s);

/* The warnings for a certificate that expires within ZcyCAExpiryWarning
 * days (or already has): [{"code":"CERT_EXPIRING","message","message_en",
 * "not_after","days_left"}], or an empty list. */
json_t *zc_expiry_warnings(request_rec *r, apr_time_t not_after);

#endif
