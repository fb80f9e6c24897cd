/* Login completion.  Whatever proved the key (mutual TLS now, a signed
 * challenge later), the account is found and checked here, in one place. */
#include "login.h"
#include "config.h"
#include "audit.h"
#include "policy.h"
#include "refusal.h"
#include "throttle.h"
#include "respond.h"
#include "session.h"
#include "json_req.h"
#include "http_protocol.h"
#include "apr_strings.h"

#define ZC_LOGIN_REFUSE(r, logno, id, ...)                                                              \
    ZC_REFUSE(r, logno, .event = "login", .audit = 1, .login = 1, .id = (id), .provider_id = (id)->provider->id, \
              .proven = 1, __VA_ARGS__)

static const char *zc_login_target(request_rec *r, const zc_login_ctx_t *ctx)
{
    return zc_redirect_target(ctx->return_to, zc_dir_cfg(r)->after_login); /* redirect.c: never an open redirect */
}

/* The logged-in answer: a log line, then 303 for a form, JSON otherwise. */
static int zc_login_answer(request_rec *r, const zc_login_ctx_t *ctx, const zc_account_t *a, const char *event,
                           const zc_identity_t *id, const zc_session_t *s)
{
    r->user = apr_pstrdup(r->pool, a->login); /* %u in the access log names who logged in */
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, ZCLOGNO(0703) "%s: account %s, method %s, provider %s (session %s)",
                  event, a->login, s->method, id ? id->provider->id : "-", s->token_hash_hex);
    const char *target = zc_login_target(r, ctx);
    if (ctx->form)
        return zc_respond_redirect(r, HTTP_SEE_OTHER, target);
    json_t *o = json_pack("{s:{s:s, s:s, s:s}, s:s, s:s, s:o}", "account", "login", a->login, "name", a->name,
                          "region", a->region ? a->region : "", "method", s->method, "redirect", target, "warnings",
                          zc_expiry_warnings(r, id ? id->cert.not_after : 0));
    return zc_respond_json(r, HTTP_OK, zc_json_dump(r->pool, o));
}

/* One statement (LOGIN_CA) finds the binding and its account, checks the
 * throttle, and when all is well opens the session and audits it; the
 * facts it returns are judged here by policy.c, which names a refusal. */
int zc_login_finish(request_rec *r, const zc_login_ctx_t *ctx, const zc_identity_t *id)
{
    zc_srv_cfg_t *sc = zc_srv_cfg(r->server);
    zc_session_mint_t m;
    zc_login_row_t *b;
    const char *detail = NULL;
    zc_err_t e = zc_session_begin(r, &m);
    if (e != ZC_OK)
        return ZC_LOGIN_REFUSE(r, ZCLOGNO(0716), id, .code = e, .detail = "no session token");
    zc_session_new_t n = {.token_hash = m.hash, .replaced_hash = m.replaced, .max_seconds = sc->session_max,
                          .method = "ca", .provider_id = id->provider->id, .key_id = id->key_id,
                          .cert_not_after = id->cert.not_after};
    e = zc_q_login_ca(r, &n, id, zc_req(r)->throttle_key, sc->throttle_max, sc->throttle_window, &b);
    if (e != ZC_OK)
        return ZC_LOGIN_REFUSE(r, ZCLOGNO(0714), id, .code = e, .detail = "login statement failed");
    if (!b)
        return ZC_LOGIN_REFUSE(r, ZCLOGNO(0715), id, .code = ZC_E_NOT_BOUND, .detail = "no binding for this key");
    if (b->throttle_wait > 0)
        return ZC_LOGIN_REFUSE(r, ZCLOGNO(0717), id, .code = zc_throttle_refused(r, b->throttle_wait),
                               .account_id = b->account_id, .detail = "too many failed logins from this address or key");
    zc_policy_facts_t f = {.login = b->login, .status = b->status, .region = b->region,
                           .region_enabled = b->region_enabled, .provider_accepted = b->provider_accepted};
    if ((e = zc_policy_ca_login(&f, &detail)) != ZC_OK)
        return ZC_LOGIN_REFUSE(r, ZCLOGNO(0701), id, .code = e, .account_id = b->account_id, .detail = detail);
    if (!b->created_at) /* the statement and policy.c disagree: a bug, not the client's */
        return ZC_LOGIN_REFUSE(r, ZCLOGNO(0702), id, .code = ZC_E_SERVICE_UNAVAILABLE, .account_id = b->account_id,
                               .detail = "the facts passed but no session was opened");
    if (!b->audit_written)
        zc_audit_lost(r, "login", 1); /* the statement wrote the rest; the login goes on */
    n.account_id = b->account_id;
    n.binding_id = b->binding_id;
    zc_session_t *s = zc_session_opened(r, &m, &n, b->created_at, b->expires_at);
    zc_account_t a = {.id = b->account_id, .login = b->login, .name = b->display_name, .region = b->region};
    s->login = a.login;
    s->display_name = a.name;
    s->region = a.region;
    return zc_login_answer(r, ctx, &a, "login", id, s);
}

int zc_login_open_session(request_rec *r, const zc_login_ctx_t *ctx, const zc_account_t *a)
{
    zc_session_new_t n = {.account_id = a->id, .method = "password"};
    zc_session_t *s;
    zc_err_t e;
    if ((e = zc_session_create(r, &n, &s)) != ZC_OK)
        return ZC_REFUSE(r, ZCLOGNO(0718), .code = e, .event = "password_login", .audit = 1, .login = 1,
                         .account_id = a->id, .detail = "session could not be stored");
    s->login = a->login;
    s->display_name = a->name;
    s->region = a->region;
    zc_throttle_succeeded(r);
    zc_audit_t au = {.event = "password_login", .success = 1, .account_id = a->id, .actor_id = a->id};
    zc_audit(r, &au);
    return zc_login_answer(r, ctx, a, "password_login", NULL, s);
}
