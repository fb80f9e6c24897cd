/* The one path from a verified key (or password) to a session, shared by
 * every login method (login.c). */
#ifndef ZC_LOGIN_H
#define ZC_LOGIN_H

#include "mod_zcyca.h"
#include "queries.h"
#include "verify.h"
#include "redirect.h"

typedef struct {
    int form;                /* an HTML form post: answer 303, not JSON */
    const char *return_to;   /* local path from the form, or NULL */
} zc_login_ctx_t;

/* CA login of a proven key: binding → account → region → provider
 * accepted → throttle → session → audit, in one statement, then the
 * response.  Returns the handler's status. */
int zc_login_finish(request_rec *r, const zc_login_ctx_t *ctx, const zc_identity_t *id);

/* Password login: open the session for an account whose password was
 * right, give back the throttle counts, audit, answer. */
int zc_login_open_session(request_rec *r, const zc_login_ctx_t *ctx, const zc_account_t *a);

#endif
