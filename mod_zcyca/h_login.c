/* POST /ca/login (zcyca-login).  The body names the provider; the proof is
 * either a signed challenge (challenge_id, nonce, certificate, signature) or
 * the client certificate of the TLS handshake on the login virtual host.
 * Both continue through the same verification and login_finish.  Every
 * step returns early with its section 7 code. */
#include "handlers.h"
#include "config.h"
#include "guard.h"
#include "json_req.h"
#include "login.h"
#include "proof.h"
#include "respond.h"
#include "apr_strings.h"
#include "http_protocol.h"
#include "password.h"
#include "throttle.h"
#include "queries.h"
#include "policy.h"
#include "refusal.h"


typedef struct {
    const char *provider, *return_to;
    zc_challenge_answer_t answer;  /* challenge_id set: a signed-challenge login */
} zc_login_body_t;

static zc_err_t zc_login_read(request_rec *r, int form, zc_login_body_t *b, const char **detail)
{
    const char *buf;
    apr_size_t len;
    zc_err_t e = zc_read_body(r, &buf, &len);
    if (e != ZC_OK) {
        *detail = "request body";
        return e;
    }
    memset(b, 0, sizeof *b);
    if (form) {
        if ((e = zc_form_get_string(r->pool, buf, len, "provider", 0, ZC_FIELD_MAX, &b->provider, detail)) != ZC_OK)
            return e;
        return zc_form_get_string(r->pool, buf, len, "return", 0, 2048, &b->return_to, detail);
    }
    json_t *o = zc_json_parse_object(r->pool, buf, len, &e, detail);
    if (!o)
        return e;
    if ((e = zc_json_get_string(r->pool, o, "provider", 0, ZC_FIELD_MAX, &b->provider, detail)) != ZC_OK)
        return e;
    return zc_proof_read_answer(r, o, &b->answer, detail);
}

/* A refused CA login: the site's log id, the throttle, the audit row. */
#define ZC_LOGIN_REFUSE(r, logno, ...) ZC_REFUSE(r, logno, .event = "login", .audit = 1, .login = 1, __VA_ARGS__)
#define ZC_PASSWORD_REFUSE(r, logno, ...) \
    ZC_REFUSE(r, logno, .event = "password_login", .audit = 1, .login = 1, __VA_ARGS__)

int zc_h_login(request_rec *r)
{
    zc_global_t *g = zc_srv_cfg(r->server)->g;
    zc_login_ctx_t ctx = {0};
    zc_login_body_t body;
    const char *detail = NULL;
    zc_err_t e = zc_guard_state_change(r, ZC_GUARD_JSON_OR_FORM, &ctx.form);
    if (e != ZC_OK)
        return ZC_LOGIN_REFUSE(r, ZCLOGNO(0704), .code = e, .detail = "content type or origin");
    if ((e = zc_login_read(r, ctx.form, &body, &detail)) != ZC_OK)
        return ZC_LOGIN_REFUSE(r, ZCLOGNO(0705), .code = e, .detail = detail);
    /* No count up front: a failure is counted when it happens and one past
     * the limit answers THROTTLED (throttle.c); the login statement refuses
     * an address or key at its limit. */
    ctx.return_to = body.return_to;
    /* No provider named: the certificate tells (DESIGN auto-detection). */
    const zc_provider_t *pv = NULL;
    if (body.provider && !(pv = zc_provider_find(g, body.provider)))
        return ZC_LOGIN_REFUSE(r, ZCLOGNO(0707), .code = ZC_E_PROVIDER_UNKNOWN, .detail = body.provider);

    zc_proof_req_t q = {.purpose = "login", .answer = &body.answer, .provider = pv, .throttle_key = 1};
    zc_proven_t p;
    if ((e = zc_proof_run(r, &q, &p, &detail)) != ZC_OK)
        return ZC_LOGIN_REFUSE(r, ZCLOGNO(0708), .code = e, .detail = detail, .provider_id = p.provider ? p.provider->id : NULL,
                               .id = p.id.cert.serial ? &p.id : NULL, .proven = p.proven);
    return zc_login_finish(r, &ctx, &p.id);
}

/* The account a refused password login names, when it exists: its failures
 * are audited in full (an unknown login is anonymous junk). */
static apr_int64_t zc_password_account(request_rec *r, const char *login)
{
    zc_account_t a;
    return login && zc_q_account_by_login(r, login, &a) == ZC_OK ? a.id : 0;
}

/* POST /ca/password-login (zcyca-password-login): {"login","password"} or
 * the same HTML form.  The session it opens has method "password". */
int zc_h_password_login(request_rec *r)
{
    zc_login_ctx_t ctx = {0};
    const char *buf, *login = NULL, *password = NULL, *detail = NULL;
    apr_size_t len;
    zc_err_t e = zc_guard_state_change(r, ZC_GUARD_JSON_OR_FORM, &ctx.form);
    if (e == ZC_OK && (e = zc_read_body(r, &buf, &len)) == ZC_OK) {
        if (ctx.form) {
            if ((e = zc_form_get_string(r->pool, buf, len, "login", 1, ZC_FIELD_MAX, &login, &detail)) == ZC_OK
                && (e = zc_form_get_string(r->pool, buf, len, "password", 1, 1024, &password, &detail)) == ZC_OK)
                e = zc_form_get_string(r->pool, buf, len, "return", 0, 2048, &ctx.return_to, &detail);
        }
        else {
            json_t *o = zc_json_parse_object(r->pool, buf, len, &e, &detail);
            if (o && (e = zc_json_get_string(r->pool, o, "login", 1, ZC_FIELD_MAX, &login, &detail)) == ZC_OK)
                e = zc_json_get_string(r->pool, o, "password", 1, 1024, &password, &detail);
        }
    }
    if (e != ZC_OK)
        return ZC_PASSWORD_REFUSE(r, ZCLOGNO(0709), .code = e, .detail = detail);
    zc_throttle_set_key(r, apr_pstrcat(r->pool, "login:", login, NULL));
    if ((e = zc_throttle_begin(r)) != ZC_OK)
        return ZC_PASSWORD_REFUSE(r, ZCLOGNO(0710), .code = e, .account_id = zc_password_account(r, login),
                                  .detail = apr_pstrcat(r->pool, "too many failed logins: ", login, NULL));
    if ((e = zc_password_check(r, login, password)) != ZC_OK)
        return ZC_PASSWORD_REFUSE(r, ZCLOGNO(0711), .code = e, .account_id = zc_password_account(r, login),
                                  .detail = apr_pstrcat(r->pool, "password not accepted: ", login, NULL));
    zc_account_t a;
    if ((e = zc_q_account_by_login(r, login, &a)) != ZC_OK)
        return ZC_PASSWORD_REFUSE(r, ZCLOGNO(0712), .code = e == ZC_E_NOT_FOUND ? ZC_E_PASSWORD_INVALID : e,
                                  .detail = "the password is right but no zcyca account has this login");
    zc_policy_facts_t f = {.login = a.login, .status = a.status};
    if ((e = zc_policy_account(&f, &detail)) != ZC_OK)
        return ZC_PASSWORD_REFUSE(r, ZCLOGNO(0713), .code = e, .account_id = a.id, .detail = detail);
    return zc_login_open_session(r, &ctx, &a);
}
