/* The one path from a verified key to a session, shared by every login
 * method (login.c). */
#ifndef ZC_LOGIN_H
#define ZC_LOGIN_H

#include "mod_zcyca.h"
#include "verify.h"

typedef struct {
    int form;                /* an HTML form post: answer 303, not JSON */
    const char *return_to;   /* local path from the form, or NULL */
} zc_login_ctx_t;

/* Binding → account → region → provider accepted → session → audit →
 * response.  Returns the handler's status. */
int zc_login_finish(request_rec *r, const zc_login_ctx_t *ctx, const zc_identity_t *id);

/* Log, audit and answer a failed login. */
int zc_login_fail(request_rec *r, zc_err_t e, const char *provider_id, const zc_identity_t *id,
                  apr_int64_t account_id, const char *detail);

#endif
