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

int zc_login_finish(request_rec *r, const zc_login_ctx_t *ctx, const zc_identity_t *id)
{
    zc_login_row_t *b;
    const char *detail = NULL;
    zc_err_t e = zc_q_binding_for_login(r, id->provider->id, id->key_id, &b);
    if (e != ZC_OK)
        return ZC_LOGIN_REFUSE(r, ZCLOGNO(0714), id, .code = e, .detail = "binding look-up failed");
    if (!b)
        return ZC_LOGIN_REFUSE(r, ZCLOGNO(0715), id, .code = ZC_E_NOT_BOUND, .detail = "no binding for this key");
    zc_policy_facts_t f = {.login = b->login, .status = b->status, .region = b->region,
                           .region_enabled = b->region_enabled, .provider_accepted = b->provider_accepted};
    if ((e = zc_policy_ca_login(&f, &detail)) != ZC_OK)
        return ZC_LOGIN_REFUSE(r, ZCLOGNO(0701), id, .code = e, .account_id = b->account_id, .detail = detail);

    if (strcmp(b->cert_sha256, id->cert.cert_sha256) != 0
        && zc_q_binding_refresh_cert(r, b->binding_id, &id->cert) != ZC_OK)
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                      ZCLOGNO(0702) "could not record the renewed certificate of binding %" APR_INT64_T_FMT, b->binding_id);

    zc_account_t a = {.id = b->account_id, .login = b->login, .name = b->display_name, .region = b->region};
    return zc_login_open_session(r, ctx, &a, "ca", id, b->binding_id);
}

int zc_login_open_session(request_rec *r, const zc_login_ctx_t *ctx, const zc_account_t *a, const char *method,
                          const zc_identity_t *id, apr_int64_t binding_id)
{
    const char *pid = id ? id->provider->id : NULL;
    const char *event = id ? "login" : "password_login";
    zc_session_new_t n = {.account_id = a->id, .method = method, .binding_id = binding_id, .provider_id = pid,
                          .key_id = id ? id->key_id : NULL, .cert_not_after = id ? id->cert.not_after : 0};
    zc_session_t *s;
    zc_err_t e;
    if ((e = zc_session_create(r, &n, &s)) != ZC_OK)
        return ZC_REFUSE(r, ZCLOGNO(0716), .code = e, .event = event, .audit = 1, .login = 1, .id = id, .proven = 1,
                         .provider_id = pid, .account_id = a->id, .detail = "session could not be stored");
    s->login = a->login;
    s->display_name = a->name;
    s->region = a->region;
    r->user = apr_pstrdup(r->pool, a->login); /* %u in the access log names who logged in */

    zc_throttle_succeeded(r);
    zc_audit_t au = {.event = event, .success = 1, .account_id = a->id, .actor_id = a->id, .provider_id = pid,
                     .key_id = n.key_id, .cert_serial = id ? id->cert.serial : NULL};
    zc_audit(r, &au);
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, ZCLOGNO(0703) "%s: account %s, method %s, provider %s (session %s)",
                  event, a->login, method, pid ? pid : "-", s->token_hash_hex);

    const char *target = zc_login_target(r, ctx);
    if (ctx->form)
        return zc_respond_redirect(r, HTTP_SEE_OTHER, target);
    json_t *o = json_pack("{s:{s:s, s:s, s:s}, s:s, s:s, s:o}", "account", "login", a->login, "name", a->name,
                          "region", a->region ? a->region : "", "method", method, "redirect", target, "warnings",
                          zc_expiry_warnings(r, id ? id->cert.not_after : 0));
    return zc_respond_json(r, HTTP_OK, zc_json_dump(r->pool, o));
}
