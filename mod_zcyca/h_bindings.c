/* /ca/bindings (zcyca-bindings): list, bind with proof of possession,
 * unbind.  The caller is r->user under any AuthType; they may act on their
 * own account, or on their organisation's accounts when they are its admin. */
#include "handlers.h"
#include "config.h"
#include "audit.h"
#include "policy.h"
#include "refusal.h"
#include "binding.h"
#include "db.h"
#include "guard.h"
#include "json_req.h"
#include "proof.h"
#include "respond.h"
#include "http_protocol.h"
#include "apr_strings.h"


/* The caller's account: LOGIN_REQUIRED without r->user, NOT_PERMITTED when
 * r->user is no active account of ours. */
static zc_err_t zc_bindings_caller(request_rec *r, zc_account_t *me)
{
    if (!r->user)
        return ZC_E_LOGIN_REQUIRED;
    zc_err_t e = zc_q_account_by_login(r, r->user, me);
    if (e == ZC_E_NOT_FOUND || (e == ZC_OK && strcmp(me->status, "active") != 0))
        return ZC_E_NOT_PERMITTED;
    return e;
}

static int zc_may_act_for(const zc_account_t *me, apr_int64_t account_id, apr_int64_t org_id)
{
    zc_actor_t a = {.id = me->id, .org_id = me->org_id, .is_org_admin = me->is_org_admin};
    return zc_access_may_act_for(&a, account_id, org_id); /* access.c */
}

/* GET /ca/bindings (the bindings) and GET /ca/bindings/accounts (whom the
 * caller may bind keys for: the 姓名 list of the CA绑定 dialog).  Both are
 * pages of what zc_may_act_for allows. */
static int zc_bindings_list(request_rec *r, const zc_account_t *me)
{
    long limit;
    apr_int64_t after;
    zc_err_t e = zc_page_args(r, &limit, &after);
    if (e != ZC_OK)
        return ZC_REFUSE(r, ZCLOGNO(1401), .code = e, .event = "bindings", .detail = "bad limit or after");
    const char *v[] = {apr_psprintf(r->pool, "%" APR_INT64_T_FMT, me->id),
                       apr_psprintf(r->pool, "%" APR_INT64_T_FMT, me->org_id), me->is_org_admin ? "true" : "false",
                       apr_psprintf(r->pool, "%" APR_INT64_T_FMT, after), apr_psprintf(r->pool, "%ld", limit)};
    size_t n = strlen(r->uri);
    int accounts = n >= 9 && strcmp(r->uri + n - 9, "/accounts") == 0;
    PGresult *res;
    if ((e = zc_db_exec(r, accounts ? ZC_Q_ACCOUNT_LIST_VISIBLE : ZC_Q_BINDING_LIST_VISIBLE, v, NULL, NULL, &res))
        != ZC_OK)
        return ZC_REFUSE(r, ZCLOGNO(1419), .code = e, .event = "bindings", .detail = "list failed");
    return zc_respond_json(r, HTTP_OK, accounts ? zc_account_page_json(r, res, limit)
                                                : zc_binding_page_json(r, res, limit));
}

/* A refused bind: the site's log id and the audit row (caller, target). */
#define ZC_BIND_REFUSE(r, logno, me, ...) \
    ZC_REFUSE(r, logno, .event = "bind", .audit = 1, .actor_id = (me)->id, __VA_ARGS__)

static int zc_bindings_create(request_rec *r, const zc_account_t *me)
{
    const char *buf, *detail = NULL, *login, *provider;
    apr_size_t len;
    zc_err_t e;
    if ((e = zc_read_body(r, &buf, &len)) != ZC_OK)
        return ZC_BIND_REFUSE(r, ZCLOGNO(1402), me, .code = e, .detail = "body");
    json_t *o = zc_json_parse_object(r->pool, buf, len, &e, &detail);
    if (!o || (e = zc_json_get_string(r->pool, o, "account", 1, ZC_FIELD_MAX, &login, &detail)) != ZC_OK
        || (e = zc_json_get_string(r->pool, o, "provider", 0, ZC_FIELD_MAX, &provider, &detail)) != ZC_OK)
        return ZC_BIND_REFUSE(r, ZCLOGNO(1407), me, .code = e, .detail = detail);
    zc_account_t target;
    if ((e = zc_q_account_by_login(r, login, &target)) == ZC_E_NOT_FOUND
        || (e == ZC_OK && !zc_may_act_for(me, target.id, target.org_id)))
        return ZC_BIND_REFUSE(r, ZCLOGNO(1408), me, .code = ZC_E_NOT_PERMITTED,
                              .detail = apr_pstrcat(r->pool, "target ", login, NULL));
    if (e != ZC_OK)
        return ZC_BIND_REFUSE(r, ZCLOGNO(1409), me, .code = e, .detail = "account look-up");
    const zc_provider_t *pv = provider ? zc_provider_find(zc_srv_cfg(r->server)->g, provider) : NULL;
    if (provider && !pv)
        return ZC_BIND_REFUSE(r, ZCLOGNO(1410), me, .code = ZC_E_PROVIDER_UNKNOWN, .account_id = target.id,
                              .detail = provider);
    zc_policy_facts_t f = {.login = target.login, .region = target.region, .region_enabled = target.region_enabled};
    if ((e = zc_policy_region(&f, &detail)) != ZC_OK)
        return ZC_BIND_REFUSE(r, ZCLOGNO(1411), me, .code = e, .account_id = target.id,
                              .provider_id = pv ? pv->id : NULL, .detail = detail);

    /* The proof of possession: a bind challenge for this very account, or
     * the TLS client certificate on the login host.  Without a provider,
     * the proof's certificate names it. */
    zc_challenge_answer_t answer;
    if ((e = zc_proof_read_answer(r, o, &answer, &detail)) != ZC_OK)
        return ZC_BIND_REFUSE(r, ZCLOGNO(1412), me, .code = e, .account_id = target.id, .detail = detail);
    zc_proof_req_t q = {.purpose = "bind", .answer = &answer, .provider = pv, .account_id = target.id};
    zc_proven_t p;
    if ((e = zc_proof_run(r, &q, &p, &detail)) != ZC_OK)
        return ZC_BIND_REFUSE(r, ZCLOGNO(1413), me, .code = e, .account_id = target.id,
                              .provider_id = p.provider ? p.provider->id : NULL,
                              .id = p.id.cert.serial ? &p.id : NULL, .proven = p.proven, .detail = detail);
    pv = p.provider;
    zc_identity_t id = p.id;
    if ((e = zc_q_region_accepts(r, target.region, pv->id, &f.provider_accepted)) == ZC_OK)
        e = zc_policy_provider(&f, &detail);
    if (e != ZC_OK)
        return ZC_BIND_REFUSE(r, ZCLOGNO(1414), me, .code = e, .account_id = target.id, .provider_id = pv->id,
                              .id = &id, .proven = 1, .detail = detail);

    apr_int64_t binding_id, owner;
    int created;
    if ((e = zc_q_binding_insert(r, &target, me, &id, &binding_id, &owner, &created)) != ZC_OK)
        return ZC_BIND_REFUSE(r, ZCLOGNO(1415), me, .code = e, .account_id = target.id, .provider_id = pv->id,
                              .id = &id, .proven = 1, .detail = "binding could not be stored");
    if (!created && owner != target.id)
        return ZC_BIND_REFUSE(r, ZCLOGNO(1416), me, .code = ZC_E_KEY_BOUND_ELSEWHERE, .account_id = target.id,
                              .provider_id = pv->id, .id = &id, .proven = 1, .detail = "bound to another account");
    zc_binding_t b;
    if ((e = zc_binding_get(r, binding_id, &b)) != ZC_OK)
        return ZC_REFUSE(r, ZCLOGNO(1417), .code = e, .event = "bind",
                         .detail = "the binding was stored but could not be read back");
    if (created) {
        zc_audit_t au = {.event = "bind", .success = 1, .actor_id = me->id, .account_id = target.id,
                         .provider_id = pv->id, .key_id = id.key_id, .cert_serial = id.cert.serial};
        zc_audit(r, &au);
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, ZCLOGNO(1403) "bind: %s bound provider %s key %s to %s",
                      me->login, pv->id, id.key_id, target.login);
    }
    return zc_respond_json(r, created ? HTTP_CREATED : HTTP_OK, zc_json_dump(r->pool, zc_binding_json(r, &b)));
}

static int zc_bindings_delete(request_rec *r, const zc_account_t *me)
{
    apr_int64_t bid = zc_uri_id(r);
    zc_binding_t b;
    zc_err_t e = bid ? zc_binding_get(r, bid, &b) : ZC_E_NOT_FOUND;
    /* A binding the caller may not see does not exist for them. */
    if (e == ZC_OK && !zc_may_act_for(me, b.account_id, b.org_id))
        e = ZC_E_NOT_FOUND;
    if (e == ZC_OK)
        e = zc_binding_delete(r, bid);
    if (e != ZC_OK)
        return ZC_REFUSE(r, ZCLOGNO(1404), .code = e, .event = "unbind",
                         .detail = apr_psprintf(r->pool, "binding %" APR_INT64_T_FMT, bid));
    zc_audit_t au = {.event = "unbind", .success = 1, .actor_id = me->id, .account_id = b.account_id,
                     .provider_id = b.provider_id, .key_id = b.key_id, .cert_serial = b.serial};
    zc_audit(r, &au);
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, ZCLOGNO(1405) "unbind: %s removed binding %" APR_INT64_T_FMT " of %s",
                  me->login, bid, b.account_login);
    return zc_respond_no_content(r);
}

int zc_h_bindings(request_rec *r)
{
    zc_account_t me;
    zc_err_t e;
    if (r->method_number != M_GET && (e = zc_guard_state_change(r, ZC_GUARD_JSON, NULL)) != ZC_OK)
        return ZC_REFUSE(r, ZCLOGNO(1418), .code = e, .event = "bindings", .detail = "content type or origin");
    if ((e = zc_bindings_caller(r, &me)) != ZC_OK)
        return ZC_REFUSE(r, ZCLOGNO(1406), .code = e, .event = "bindings", .detail = "the caller is no active account");
    switch (r->method_number) {
    case M_GET:
        return zc_bindings_list(r, &me);
    case M_POST:
        return zc_bindings_create(r, &me);
    default:
        return zc_bindings_delete(r, &me);
    }
}
