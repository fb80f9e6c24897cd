/* GET /ca/session (zcyca-session) and POST /ca/logout (zcyca-logout). */
#include "handlers.h"
#include "config.h"
#include "audit.h"
#include "guard.h"
#include "refusal.h"
#include "respond.h"
#include "session.h"
#include "http_protocol.h"
#include "apr_strings.h"

int zc_h_session(request_rec *r)
{
    zc_session_t *s;
    zc_err_t e = zc_session_load(r, &s);
    if (e != ZC_OK)
        return ZC_REFUSE(r, ZCLOGNO(0801), .code = e, .event = "session", .quiet = 1, .detail = "no live session");
    return zc_respond_json(r, HTTP_OK, zc_session_json(r, s));
}

int zc_h_logout(request_rec *r)
{
    int form;
    zc_err_t e = zc_guard_state_change(r, ZC_GUARD_JSON_OR_FORM, &form);
    if (e != ZC_OK)
        return ZC_REFUSE(r, ZCLOGNO(0805), .code = e, .event = "logout", .detail = "content type or origin");
    zc_session_t *s;
    if ((e = zc_session_load(r, &s)) != ZC_OK)
        return ZC_REFUSE(r, ZCLOGNO(0802), .code = e, .event = "logout", .quiet = 1, .detail = "without a live session");
    apr_int64_t account_id;
    if ((e = zc_session_destroy(r, &account_id)) != ZC_OK)
        return ZC_REFUSE(r, ZCLOGNO(0803), .code = e, .event = "logout",
                         .detail = apr_psprintf(r->pool, "session %s could not be deleted", s->token_hash_hex));
    zc_audit_t a = {.event = "logout", .success = 1, .account_id = s->account_id, .actor_id = s->account_id,
                    .provider_id = s->provider_id, .key_id = s->key_id};
    zc_audit(r, &a);
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, ZCLOGNO(0804) "logout: account %s (session %s)", s->login,
                  s->token_hash_hex);
    if (form && zc_wants_html(r)) {
        const char *to = zc_dir_cfg(r)->login_url;
        return zc_respond_redirect(r, HTTP_SEE_OTHER, to ? to : "/");
    }
    return zc_respond_no_content(r);
}
