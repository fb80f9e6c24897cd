/* POST /ca/challenge (zcyca-challenge): {"purpose","provider","account"?}
 * → {"challenge_id","nonce","tbs","expires_at"}.  No session is needed for
 * login; a bind challenge names the account and needs a session. */
#include "handlers.h"
#include "config.h"
#include "challenge.h"
#include "queries.h"
#include "guard.h"
#include "json_req.h"
#include "refusal.h"
#include "respond.h"
#include "session.h"
#include "http_protocol.h"


int zc_h_challenge(request_rec *r)
{
    const char *buf, *detail = NULL, *purpose, *provider, *account;
    apr_size_t len;
    zc_err_t e;
    if ((e = zc_guard_state_change(r, ZC_GUARD_JSON, NULL)) != ZC_OK)
        return ZC_REFUSE(r, ZCLOGNO(1110), .code = e, .event = "challenge", .detail = "content type or origin");
    if ((e = zc_read_body(r, &buf, &len)) != ZC_OK)
        return ZC_REFUSE(r, ZCLOGNO(1101), .code = e, .event = "challenge", .detail = "body refused");
    json_t *o = zc_json_parse_object(r->pool, buf, len, &e, &detail);
    if (!o || (e = zc_json_get_string(r->pool, o, "purpose", 1, 16, &purpose, &detail)) != ZC_OK
        || (e = zc_json_get_string(r->pool, o, "provider", 0, ZC_FIELD_MAX, &provider, &detail)) != ZC_OK
        || (e = zc_json_get_string(r->pool, o, "account", 0, ZC_FIELD_MAX, &account, &detail)) != ZC_OK)
        return ZC_REFUSE(r, ZCLOGNO(1102), .code = e, .event = "challenge", .detail = detail);
    int bind = strcmp(purpose, "bind") == 0;
    if (!bind && strcmp(purpose, "login") != 0)
        return ZC_REFUSE(r, ZCLOGNO(1103), .code = ZC_E_BAD_REQUEST, .event = "challenge", .detail = "purpose must be login or bind");
    /* Without a provider the challenge is for whichever one the certificate
     * turns out to be from. */
    const zc_provider_t *pv = provider ? zc_provider_find(zc_srv_cfg(r->server)->g, provider) : NULL;
    if (provider && !pv)
        return ZC_REFUSE(r, ZCLOGNO(1104), .code = ZC_E_PROVIDER_UNKNOWN, .event = "challenge", .detail = "unknown provider");
    apr_int64_t account_id = 0;
    zc_session_t *s = NULL;
    if (bind) {
        if ((e = zc_session_load(r, &s)) != ZC_OK)
            return ZC_REFUSE(r, ZCLOGNO(1105), .code = e, .event = "challenge", .detail = "bind needs a session");
        if (!account)
            return ZC_REFUSE(r, ZCLOGNO(1106), .code = ZC_E_BAD_REQUEST, .event = "challenge", .detail = "bind needs the account");
        zc_account_t target;
        if ((e = zc_q_account_by_login(r, account, &target)) == ZC_OK)
            account_id = target.id;
        else
            return ZC_REFUSE(r, ZCLOGNO(1107), .code = e, .event = "challenge", .detail = "no account for bind");
    }
    else if (account)
        return ZC_REFUSE(r, ZCLOGNO(1108), .code = ZC_E_BAD_REQUEST, .event = "challenge", .detail = "account only goes with bind");

    zc_challenge_issued_t c;
    if ((e = zc_challenge_issue(r, purpose, pv, account_id, &c)) == ZC_E_THROTTLED)
        /* A flood shows in the audit; without a session it is anonymous junk,
         * counted per hour rather than written row by row (audit.c). */
        return ZC_REFUSE(r, ZCLOGNO(2140), .code = e, .event = "challenge", .audit = 1,
                         .detail = "ZcyCAChallengeLimit reached for this address", .provider_id = pv ? pv->id : NULL,
                         .actor_id = s ? s->account_id : 0, .account_id = account_id);
    if (e != ZC_OK)
        return ZC_REFUSE(r, ZCLOGNO(1109), .code = e, .event = "challenge", .detail = "could not be stored");
    json_t *out = json_pack("{s:s, s:s, s:s, s:s, s:s}", "challenge_id", c.id, "nonce", c.nonce, "tbs", c.tbs,
                            "signed_data", pv && pv->signs_nonce ? "nonce" : "tbs", "expires_at",
                            zc_rfc3339(r->pool, c.expires_at));
    return zc_respond_json(r, HTTP_OK, zc_json_dump(r->pool, out));
}
