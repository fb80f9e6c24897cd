/* /ca/admin/... (zcyca-admin): search bindings, force unbind, regions on/off
 * and their accepted providers, audit query, status.  Who is an admin is
 * decided by httpd (AuthType + Require on the Location), not here; the
 * handler only insists that someone was authenticated.  Every call, reads
 * included, writes an audit row naming r->user.  See docs/admin.md. */
#include "handlers.h"
#include "config.h"
#include "revocation.h"
#include "cert.h"
#include "admin_query.h"
#include "audit.h"
#include "binding.h"
#include "guard.h"
#include "json_req.h"
#include "queries.h"
#include "refusal.h"
#include "respond.h"
#include "http_protocol.h"
#include "apr_strings.h"

#define ZC_ADMIN_M(m) (AP_METHOD_BIT << (m))
#define ZC_ADMIN_DETAIL_MAX 480   /* bytes of audit detail */
#define ZC_ADMIN_PROVIDERS_MAX 64 /* ids in one region update */

/* What one call did: its audit row and, on success, its answer. */
typedef struct {
    const char *event;       /* audit event */
    const char *what;        /* audit detail, without " by <user>" */
    apr_int64_t account_id;  /* 0: none */
    const char *provider_id, *key_id, *cert_serial;
    int changed;             /* the change was made, even if the answer then failed */
    int status;              /* HTTP status of the answer */
    const char *json;        /* its body; NULL: 204 No Content */
    /* Where and why the call was refused (ZC_ADMIN_FAIL), for the one
     * failure path (refusal.c) that the dispatcher takes. */
    const char *fail_file, *fail_logno, *fail_why;
    int fail_line;
} zc_admin_call_t;

typedef zc_err_t (*zc_admin_fn_t)(request_rec *r, const char *arg, zc_admin_call_t *c);

typedef struct {
    const char *name;        /* the segment after "/admin/" */
    int with_arg;            /* a second segment follows (an id or a code) */
    int method;              /* M_GET, M_PUT, M_DELETE */
    const char *event;       /* audit event */
    zc_admin_fn_t fn;
} zc_admin_route_t;

/* Note the site (its log id) and why, then hand the code back to zc_h_admin,
 * which records the refusal once, with the call's audit row. */
#define ZC_ADMIN_FAIL(r, c, e, logno, ...)                        \
    do {                                                          \
        (c)->fail_file = __FILE__;                                \
        (c)->fail_line = __LINE__;                                \
        (c)->fail_logno = logno;                                  \
        (c)->fail_why = apr_psprintf((r)->pool, __VA_ARGS__);     \
        return (e);                                               \
    } while (0)

/* ---- endpoints ---- */

/* GET …/admin/bindings?account=&key_id=&provider=&expires_before=&limit=&after= */
static zc_err_t zc_admin_bindings(request_rec *r, const char *arg, zc_admin_call_t *c)
{
    zc_aq_binding_filter_t f;
    const char *bad = NULL;
    zc_err_t e;
    if ((e = zc_aq_binding_filter(r, &f, &bad)) != ZC_OK)
        ZC_ADMIN_FAIL(r, c, e, ZCLOGNO(1210), "bad parameter '%s'", bad);
    if ((e = zc_aq_bindings(r, &f, &c->json)) != ZC_OK)
        ZC_ADMIN_FAIL(r, c, e, ZCLOGNO(1211), "search failed");
    return ZC_OK;
}

/* DELETE …/admin/bindings/{id}: the binding goes, and with it (FK cascade)
 * every session that was opened with it. */
static zc_err_t zc_admin_unbind(request_rec *r, const char *arg, zc_admin_call_t *c)
{
    apr_int64_t id = zc_uri_id(r);
    zc_binding_t b;
    zc_err_t e;
    c->what = apr_pstrcat(r->pool, "force unbind of binding ", arg, NULL);
    if (id == 0)
        ZC_ADMIN_FAIL(r, c, ZC_E_NOT_FOUND, ZCLOGNO(1212), "'%s' is not a binding id", arg);
    if ((e = zc_binding_get(r, id, &b)) != ZC_OK)
        ZC_ADMIN_FAIL(r, c, e, ZCLOGNO(1213), "binding %" APR_INT64_T_FMT " not read", id);
    c->account_id = b.account_id;
    c->provider_id = b.provider_id;
    c->key_id = b.key_id;
    c->cert_serial = b.serial;
    c->what = apr_psprintf(r->pool, "force unbind of binding %" APR_INT64_T_FMT " (account %s, provider %s)", id,
                           b.account_login, b.provider_id);
    if ((e = zc_binding_delete(r, id)) != ZC_OK)
        ZC_ADMIN_FAIL(r, c, e, ZCLOGNO(1214), "binding %" APR_INT64_T_FMT " not deleted", id);
    c->changed = 1;
    c->status = HTTP_NO_CONTENT;
    c->json = NULL;
    return ZC_OK;
}

/* One region as JSON text (after a change, or GET …/regions/{code}). */
static zc_err_t zc_admin_region_json(request_rec *r, const char *code, const char **json)
{
    json_t *list;
    zc_err_t e = zc_aq_regions(r, code, &list);
    if (e != ZC_OK)
        return e;
    json_t *one = json_array_get(list, 0);
    json_incref(one);
    json_decref(list);
    *json = zc_json_dump(r->pool, one);
    return ZC_OK;
}

/* GET …/admin/regions and …/admin/regions/{code} */
static zc_err_t zc_admin_regions(request_rec *r, const char *arg, zc_admin_call_t *c)
{
    const char *bad = NULL;
    json_t *list;
    zc_err_t e = zc_aq_no_args(r, &bad);
    if (e == ZC_OK && arg && !zc_aq_region_code_ok(arg))
        e = ZC_E_BAD_REQUEST, bad = arg;
    if (e != ZC_OK)
        ZC_ADMIN_FAIL(r, c, e, ZCLOGNO(1215), "bad parameter or region code '%s'", bad);
    if (arg)
        e = zc_admin_region_json(r, arg, &c->json);
    else if ((e = zc_aq_regions(r, NULL, &list)) == ZC_OK)
        c->json = zc_json_dump(r->pool, json_pack("{s:o}", "regions", list));
    if (e != ZC_OK)
        ZC_ADMIN_FAIL(r, c, e, ZCLOGNO(1216), "look-up failed");
    return ZC_OK;
}

/* The body of a region update: {"ca_enabled": bool, "providers"?: [ids]}.
 * *ids = NULL when providers is absent or null (keep the set). */
static zc_err_t zc_admin_region_body(request_rec *r, int *enabled, apr_array_header_t **ids, const char **detail)
{
    const char *buf, *key;
    apr_size_t len;
    json_t *val, *o;
    apr_array_header_t *list;
    zc_err_t e;
    *ids = NULL;
    if ((e = zc_read_body(r, &buf, &len)) != ZC_OK) {
        *detail = "body refused";
        return e;
    }
    if (!(o = zc_json_parse_object(r->pool, buf, len, &e, detail)))
        return e;
    json_object_foreach(o, key, val) {
        if (strcmp(key, "ca_enabled") != 0 && strcmp(key, "providers") != 0) {
            *detail = apr_psprintf(r->pool, "unknown field '%s'", key);
            return ZC_E_BAD_REQUEST;
        }
    }
    val = json_object_get(o, "ca_enabled");
    if (!json_is_boolean(val)) {
        *detail = "field 'ca_enabled' must be true or false";
        return ZC_E_BAD_REQUEST;
    }
    *enabled = json_is_true(val);
    val = json_object_get(o, "providers");
    if (!val || json_is_null(val))
        return ZC_OK;
    if (!json_is_array(val)) {
        *detail = "field 'providers' must be a list of provider ids";
        return ZC_E_BAD_REQUEST;
    }
    if ((e = zc_json_get_text_list(r->pool, o, "providers", ZC_ADMIN_PROVIDERS_MAX, ZC_AQ_TEXT_MAX, &list,
                                   detail)) != ZC_OK)
        return e;
    /* Configured ids only, each once, spelt as the configuration spells them. */
    zc_global_t *g = zc_srv_cfg(r->server)->g;
    *ids = apr_array_make(r->pool, list->nelts, sizeof(const char *));
    for (int i = 0; i < list->nelts; i++) {
        const char *id = APR_ARRAY_IDX(list, i, const char *);
        const zc_provider_t *pv = zc_provider_find(g, id);
        if (!pv) {
            *detail = apr_psprintf(r->pool, "provider '%s' is not configured", id);
            return ZC_E_PROVIDER_UNKNOWN;
        }
        int seen = 0;
        for (int j = 0; j < (*ids)->nelts && !seen; j++)
            seen = strcmp(APR_ARRAY_IDX(*ids, j, const char *), pv->id) == 0;
        if (!seen)
            APR_ARRAY_PUSH(*ids, const char *) = pv->id;
    }
    return ZC_OK;
}

/* PUT …/admin/regions/{code} {"ca_enabled", "providers"?} → the region. */
static zc_err_t zc_admin_region_put(request_rec *r, const char *arg, zc_admin_call_t *c)
{
    int enabled = 0;
    apr_array_header_t *ids;
    const char *detail = NULL;
    zc_aq_region_change_t ch;
    zc_err_t e;
    c->what = apr_pstrcat(r->pool, "region ", arg, ": update refused", NULL);
    if (!zc_aq_region_code_ok(arg))
        ZC_ADMIN_FAIL(r, c, ZC_E_BAD_REQUEST, ZCLOGNO(1217), "bad code '%s'", arg);
    if ((e = zc_admin_region_body(r, &enabled, &ids, &detail)) != ZC_OK) {
        c->what = apr_pstrcat(r->pool, c->what, " (", detail, ")", NULL);
        ZC_ADMIN_FAIL(r, c, e, ZCLOGNO(1218), "%s: %s", arg, detail);
    }
    if ((e = zc_aq_region_update(r, arg, enabled, ids, &ch)) != ZC_OK)
        ZC_ADMIN_FAIL(r, c, e, ZCLOGNO(1219), "%s: not updated", arg);
    c->changed = 1;
    c->what = apr_psprintf(r->pool, "region %s: ca_enabled %s -> %s; providers %s%s%s%s%s", arg,
                           ch.was_enabled ? "true" : "false", enabled ? "true" : "false",
                           ids ? "set to [" : "unchanged", ids ? apr_array_pstrcat(r->pool, ids, ',') : "",
                           ids ? "]" : "", ch.removed ? apr_pstrcat(r->pool, ", removed ", ch.removed, NULL) : "",
                           ch.added ? apr_pstrcat(r->pool, ", added ", ch.added, NULL) : "");
    if ((e = zc_admin_region_json(r, arg, &c->json)) != ZC_OK)
        ZC_ADMIN_FAIL(r, c, e, ZCLOGNO(1220), "%s: updated, but could not be read back", arg);
    return ZC_OK;
}

/* GET …/admin/audit?event=&account=&outcome=&code=&since=&until=&limit=&after= */
static zc_err_t zc_admin_audit(request_rec *r, const char *arg, zc_admin_call_t *c)
{
    zc_aq_audit_filter_t f;
    const char *bad = NULL;
    zc_err_t e;
    if ((e = zc_aq_audit_filter(r, &f, &bad)) != ZC_OK)
        ZC_ADMIN_FAIL(r, c, e, ZCLOGNO(1221), "bad parameter '%s'", bad);
    if ((e = zc_aq_audit(r, &f, &c->json)) != ZC_OK)
        ZC_ADMIN_FAIL(r, c, e, ZCLOGNO(1222), "search failed");
    return ZC_OK;
}

/* GET …/admin/audit/summary?event=&code=&since=&until=&limit=: the hourly
 * counts of anonymous refusals (zcyca.audit_summary). */
static zc_err_t zc_admin_audit_summary(request_rec *r, const char *arg, zc_admin_call_t *c)
{
    zc_aq_audit_filter_t f;
    const char *bad = NULL;
    zc_err_t e;
    if (strcmp(arg, "summary") != 0)
        ZC_ADMIN_FAIL(r, c, ZC_E_NOT_FOUND, ZCLOGNO(2141), "no endpoint audit/%s", arg);
    if ((e = zc_aq_audit_summary_filter(r, &f, &bad)) != ZC_OK)
        ZC_ADMIN_FAIL(r, c, e, ZCLOGNO(2142), "audit summary: bad parameter '%s'", bad);
    if ((e = zc_aq_audit_summary(r, &f, &c->json)) != ZC_OK)
        ZC_ADMIN_FAIL(r, c, e, ZCLOGNO(2143), "audit summary: query failed");
    return ZC_OK;
}

/* Per provider, as the answering child sees it: the CRL set in force. */
static json_t *zc_admin_provider_status(request_rec *r)
{
    zc_global_t *g = zc_srv_cfg(r->server)->g;
    json_t *list = json_array();
    for (int i = 0; i < g->providers->nelts; i++) {
        const zc_provider_t *pv = APR_ARRAY_IDX(g->providers, i, zc_provider_t *);
        zc_revocation_info_t ri;
        zc_revocation_info(r, pv, &ri);
        json_t *o = json_pack("{s:s, s:s}", "id", pv->id, "name", pv->name);
        if (ri.configured) {
            json_t *crl = json_pack("{s:s, s:i, s:s, s:s}", "path", pv->crl_path, "count", ri.count, "loaded_at",
                                    zc_rfc3339(r->pool, ri.loaded_at), "checked_at", zc_rfc3339(r->pool, ri.checked_at));
            json_object_set_new(crl, "this_update", ri.this_update ? json_string(zc_rfc3339(r->pool, ri.this_update)) : json_null());
            json_object_set_new(crl, "next_update", ri.next_update ? json_string(zc_rfc3339(r->pool, ri.next_update)) : json_null());
            json_object_set_new(crl, "stale", json_boolean(ri.next_update && ri.next_update < apr_time_now()));
            json_object_set_new(crl, "last_error", ri.last_error ? json_string(ri.last_error) : json_null());
            json_object_set_new(crl, "on_unknown", json_string(pv->revocation_soft ? "soft-fail" : "hard-fail"));
            json_object_set_new(o, "crl", crl);
        }
        else
            json_object_set_new(o, "crl", json_null());
        json_object_set_new(o, "ocsp", pv->ocsp_url ? json_pack("{s:s, s:i, s:i, s:i}", "responder", pv->ocsp_url,
                                                                "cache_hits", (int)ri.ocsp_hits, "cache_misses",
                                                                (int)ri.ocsp_misses, "responder_errors", (int)ri.ocsp_errors)
                                                    : json_null());
        json_array_append_new(list, o);
    }
    return list;
}

/* GET …/admin/status: 200 with the numbers, or 503 when the database is down. */
static zc_err_t zc_admin_status(request_rec *r, const char *arg, zc_admin_call_t *c)
{
    const char *bad = NULL;
    json_t *st;
    zc_err_t e = zc_aq_no_args(r, &bad);
    if (e != ZC_OK)
        ZC_ADMIN_FAIL(r, c, e, ZCLOGNO(1223), "bad parameter '%s'", bad);
    if ((e = zc_aq_status(r, &st)) != ZC_OK)
        ZC_ADMIN_FAIL(r, c, e, ZCLOGNO(1224), "database not reachable");
    json_object_set_new(st, "providers", zc_admin_provider_status(r));
    c->json = zc_json_dump(r->pool, st);
    return ZC_OK;
}

/* ---- dispatch ---- */

static const zc_admin_route_t zc_admin_routes[] = {
    {"bindings", 0, M_GET, "admin_query", zc_admin_bindings},
    {"bindings", 1, M_DELETE, "force_unbind", zc_admin_unbind},
    {"regions", 0, M_GET, "admin_query", zc_admin_regions},
    {"regions", 1, M_GET, "admin_query", zc_admin_regions},
    {"regions", 1, M_PUT, "admin_region", zc_admin_region_put},
    {"audit", 0, M_GET, "admin_query", zc_admin_audit},
    {"audit", 1, M_GET, "admin_query", zc_admin_audit_summary},
    {"status", 0, M_GET, "admin_query", zc_admin_status},
};

/* The path after the last "/admin/" of the URI: name and optional argument
 * (/ca/admin/regions/330100 → "regions", "330100").  *name = NULL when the
 * URI has no "/admin/". */
static void zc_admin_split(request_rec *r, const char **name, const char **arg)
{
    const char *rest = NULL;
    for (const char *s = r->uri; (s = strstr(s, "/admin/")) != NULL; s++)
        rest = s + strlen("/admin/");
    *name = *arg = NULL;
    if (!rest)
        return;
    const char *slash = strchr(rest, '/');
    *name = slash ? apr_pstrmemdup(r->pool, rest, (apr_size_t)(slash - rest)) : rest;
    *arg = slash ? slash + 1 : NULL;
}

/* The audit detail of a call: what it did, and who. */
static const char *zc_admin_detail(request_rec *r, const zc_admin_call_t *c)
{
    return zc_aq_clean(r, apr_pstrcat(r->pool, c->what, " by ", r->user, NULL), ZC_ADMIN_DETAIL_MAX);
}

static apr_int64_t zc_admin_actor(request_rec *r)
{
    zc_account_t a;
    return zc_q_account_by_login(r, r->user, &a) == ZC_OK ? a.id : 0;
}

/* A call that did what it was asked (or made its change before its
 * answer failed): the log line and the audit row. */
static void zc_admin_done(request_rec *r, const zc_admin_call_t *c)
{
    const char *detail = zc_admin_detail(r, c);
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, ZCLOGNO(1202) "admin %s done: %s", c->event,
                  ap_escape_logitem(r->pool, detail));
    zc_audit_t au = {.event = c->event, .success = 1, .actor_id = zc_admin_actor(r), .account_id = c->account_id,
                     .provider_id = c->provider_id, .key_id = c->key_id, .cert_serial = c->cert_serial,
                     .detail = detail};
    zc_audit(r, &au);
}

/* A refused call, through the one failure path, logged with the id of the
 * site that refused it (ZC_ADMIN_FAIL) or of the dispatcher. */
static void zc_admin_refused(request_rec *r, const zc_admin_call_t *c, zc_err_t e, const char *file, int line,
                             const char *logno)
{
    if (c->fail_file)
        file = c->fail_file, line = c->fail_line, logno = c->fail_logno;
    zc_refusal_t f = {.code = e, .event = c->event, .audit = 1, .detail = zc_admin_detail(r, c), .note = c->fail_why,
                      .actor_id = zc_admin_actor(r), .account_id = c->account_id, .provider_id = c->provider_id};
    zc_refusal_record(r, file, line, logno, &f);
}

int zc_h_admin(request_rec *r)
{
    /* Fail closed: an admin Location without authentication is a
     * configuration mistake, not an open door. */
    if (!r->user || !*r->user)
        return ZC_REFUSE(r, ZCLOGNO(1201), .code = ZC_E_NOT_PERMITTED, .event = "admin",
                         .detail = apr_pstrcat(r->pool, "no authenticated user for ", r->uri, NULL),
                         .note = "protect the admin <Location> with AuthType and Require (see docs/admin.md)");
    const char *name, *arg;
    zc_admin_split(r, &name, &arg);
    zc_admin_call_t c = {.event = "admin_query", .status = HTTP_OK};
    c.what = apr_psprintf(r->pool, "%s %s%s%s%s%s", r->method, name ? name : r->uri, arg ? "/" : "",
                          arg ? arg : "", r->args ? "?" : "", r->args ? r->args : "");
    const zc_admin_route_t *rt = NULL;
    apr_int64_t allowed = 0;
    for (size_t i = 0; name && i < sizeof zc_admin_routes / sizeof zc_admin_routes[0]; i++) {
        const zc_admin_route_t *x = &zc_admin_routes[i];
        if (strcmp(x->name, name) != 0 || (x->with_arg ? !arg || !*arg || strchr(arg, '/') : arg != NULL))
            continue;
        allowed |= ZC_ADMIN_M(x->method);
        if (x->method == r->method_number)
            rt = x;
    }
    zc_err_t e;
    if (!rt && allowed) {
        c.what = apr_pstrcat(r->pool, c.what, ": method not allowed", NULL);
        zc_admin_refused(r, &c, ZC_E_BAD_REQUEST, __FILE__, __LINE__, ZCLOGNO(1204));
        r->allowed = allowed;
        r->allowed_methods->method_mask = allowed; /* what the Allow header lists */
        return HTTP_METHOD_NOT_ALLOWED;
    }
    if (!rt) {
        c.what = apr_pstrcat(r->pool, c.what, ": no such admin endpoint", NULL);
        e = ZC_E_NOT_FOUND;
    }
    else {
        c.event = rt->event;
        /* Changes need Origin + the JSON content type, even a DELETE without a body. */
        if (rt->method != M_GET && (e = zc_guard_state_change(r, ZC_GUARD_JSON, NULL)) != ZC_OK) {
            c.fail_file = __FILE__, c.fail_line = __LINE__, c.fail_logno = ZCLOGNO(1205);
            c.fail_why = "content type or origin";
        }
        else
            e = rt->fn(r, arg, &c);
    }
    if (e == ZC_OK || c.changed)
        zc_admin_done(r, &c);
    else
        zc_admin_refused(r, &c, e, __FILE__, __LINE__, ZCLOGNO(1203));
    if (e != ZC_OK)
        return zc_respond_error(r, e);
    return c.json ? zc_respond_json(r, c.status, c.json) : zc_respond_no_content(r);
}
