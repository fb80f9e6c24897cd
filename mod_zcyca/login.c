/* Login completion.  Whatever proved the key (mutual TLS now, a signed
 * challenge later), the account is found and checked here, in one place. */
#include "login.h"
#include "audit.h"
#include "respond.h"
#include "session.h"
#include "json_req.h"
#include "http_protocol.h"
#include "apr_strings.h"

int zc_login_fail(request_rec *r, zc_err_t e, const char *provider_id, const zc_identity_t *id,
                  apr_int64_t account_id, const char *detail)
{
    const zc_err_info_t *info = zc_err_info(e);
    ap_log_rerror(APLOG_MARK, e == ZC_E_SERVICE_UNAVAILABLE ? APLOG_ERR : APLOG_INFO, 0, r,
                  ZCLOGNO(0701) "login refused: %s (provider %s, key %s, serial %s): %s", info ? info->code : "?",
                  provider_id ? provider_id : "-", id && id->key_id ? id->key_id : "-",
                  id && id->cert.serial ? id->cert.serial : "-", detail ? detail : "");
    if (e != ZC_E_SERVICE_UNAVAILABLE) {
        zc_audit_t a = {.event = "login", .success = 0, .code = e, .account_id = account_id,
                        .provider_id = provider_id, .key_id = id ? id->key_id : NULL,
                        .cert_serial = id ? id->cert.serial : NULL, .detail = detail};
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

    zc_session_new_t n = {.account_id = b->account_id, .method = "ca", .binding_id = b->binding_id,
                          .provider_id = pid, .key_id = id->key_id, .cert_not_after = id->cert.not_after};
    zc_session_t *s;
    if ((e = zc_session_create(r, &n, &s)) != ZC_OK)
        return zc_login_fail(r, e, pid, id, b->account_id, "session could not be stored");
    s->login = b->login;
    s->display_name = b->display_name;
    s->region = b->region;

    zc_audit_t a = {.event = "login", .success = 1, .account_id = b->account_id, .actor_id = b->account_id,
                    .provider_id = pid, .key_id = id->key_id, .cert_serial = id->cert.serial};
    zc_audit(r, &a);
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, ZCLOGNO(0703) "login: account %s with provider %s key %s (session %s)",
                  b->login, pid, id->key_id, s->token_hash_hex);

    const char *target = zc_login_target(r, ctx);
    if (ctx->form)
        return zc_respond_redirect(r, HTTP_SEE_OTHER, target);
    json_t *o = json_pack("{s:{s:s, s:s, s:s}, s:s, s:s}", "account", "login", b->login, "name", b->display_name,
                          "region", b->region, "method", "ca", "redirect", target);
    return zc_respond_json(r, HTTP_OK, zc_json_dump(r->pool, o));
}
