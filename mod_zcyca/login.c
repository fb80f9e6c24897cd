/* Login completion.  Whatever proved the key (mutual TLS now, a signed
 * challenge later), the account is found and checked here, in one place. */
#include "login.h"
#include "audit.h"
#include "throttle.h"
#include "respond.h"
#include "session.h"
#include "json_req.h"
#include "http_protocol.h"
#include "apr_strings.h"

int zc_login_fail_as(request_rec *r, const char *event, zc_err_t e, const char *provider_id,
                     const zc_identity_t *id, apr_int64_t account_id, const char *detail)
{
    const zc_err_info_t *info = zc_err_info(e);
    ap_log_rerror(APLOG_MARK, e == ZC_E_SERVICE_UNAVAILABLE ? APLOG_ERR : APLOG_INFO, 0, r,
                  ZCLOGNO(0701) "%s refused: %s (provider %s, key %s, serial %s): %s", event, info ? info->code : "?",
                  provider_id ? provider_id : "-", id && id->key_id ? id->key_id : "-",
                  id && id->cert.serial ? id->cert.serial : "-", detail ? detail : "");
    zc_throttle_settle(r, e);
    if (e != ZC_E_SERVICE_UNAVAILABLE) {
        zc_audit_t a = {.event = event, .success = 0, .code = e, .account_id = account_id,
                        .provider_id = provider_id, .key_id = id ? id->key_id : NULL,
                        .cert_serial = id ? id->cert.serial : NULL, .detail = detail,
                        .anonymous = account_id == 0 && !(id && id->key_id)};
        zc_audit(r, &a);
    }
    return zc_respond_error(r, e);
}

static const char *zc_login_target(request_rec *r, const zc_login_ctx_t *ctx)
{
    const char *t = ctx->return_to;
    /* Only a local path: never an open redirect. */
    if (t && t[0] == '/' && t[1] != '/' && t[1] != '\\' && !strpbrk(t, "\r\n"))
        return t;
    return zc_dir_cfg(r)->after_login;
}

int zc_login_finish(request_rec *r, const zc_login_ctx_t *ctx, const zc_identity_t *id)
{
    const char *pid = id->provider->id;
    zc_login_row_t *b;
    zc_err_t e = zc_q_binding_for_login(r, pid, id->key_id, &b);
    if (e != ZC_OK)
        return zc_login_fail(r, e, pid, id, 0, "binding look-up failed");
    if (!b)
        return zc_login_fail(r, ZC_E_NOT_BOUND, pid, id, 0, "no binding for this key");
    if (strcmp(b->status, "active") != 0)
        return zc_login_fail(r, ZC_E_ACCOUNT_DISABLED, pid, id, b->account_id, b->login);
    if (!b->region_enabled)
        return zc_login_fail(r, ZC_E_REGION_DISABLED, pid, id, b->account_id, b->region);
    if (!b->provider_accepted)
        return zc_login_fail(r, ZC_E_PROVIDER_NOT_ACCEPTED, pid, id, b->account_id, b->region);

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
        return zc_login_fail_as(r, event, e, pid, id, a->id, "session could not be stored");
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
