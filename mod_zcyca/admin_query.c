/* The admin endpoints' statements (sql_admin.def): parameters in, JSON out.
 * Like queries.c and binding.c, this is the only place their PGresults are
 * read. */
#include "admin_query.h"
#include "binding.h"
#include "cert.h"
#include "db.h"
#include "json_req.h"
#include "apr_strings.h"

static const char *zc_aq_ll(request_rec *r, apr_int64_t v)
{
    return apr_psprintf(r->pool, "%" APR_INT64_T_FMT, v);
}

/* A text column as JSON: null for SQL NULL.  A UTF-8 database gives valid
 * UTF-8; anything else is shown with its non-ASCII bytes as '?' rather
 * than failing the whole list. */
static json_t *zc_aq_text(request_rec *r, PGresult *res, int i, int c)
{
    const char *v = zc_db_val(res, i, c);
    if (!v)
        return json_null();
    json_t *j = json_string(v);
    if (j)
        return j;
    char *copy = apr_pstrdup(r->pool, v);
    for (char *p = copy; *p; p++)
        if ((unsigned char)*p > 0x7e)
            *p = '?';
    return json_string(copy);
}

static json_int_t zc_aq_int(PGresult *res, int i, int c)
{
    const char *v = zc_db_val(res, i, c);
    return v ? (json_int_t)apr_atoi64(v) : 0;
}

zc_err_t zc_aq_bindings(request_rec *r, const zc_aq_binding_filter_t *f, const char **json)
{
    const char *v[] = {f->account, f->key_id, f->provider,
                       f->has_expires_before ? apr_psprintf(r->pool, "%" APR_TIME_T_FMT, f->expires_before) : NULL,
                       zc_aq_ll(r, f->after), apr_psprintf(r->pool, "%ld", f->limit)};
    PGresult *res;
    zc_err_t e = zc_db_exec(r, ZC_Q_ADMIN_BINDING_SEARCH, v, NULL, NULL, &res);
    if (e != ZC_OK)
        return e;
    *json = zc_binding_page_json(r, res, f->limit);
    return ZC_OK;
}

zc_err_t zc_aq_audit(request_rec *r, const zc_aq_audit_filter_t *f, const char **json)
{
    const char *v[] = {f->event, f->account, f->outcome, f->code,
                       f->has_since ? apr_psprintf(r->pool, "%" APR_TIME_T_FMT, f->since) : NULL,
                       f->has_until ? apr_psprintf(r->pool, "%" APR_TIME_T_FMT, f->until) : NULL,
                       zc_aq_ll(r, f->after), apr_psprintf(r->pool, "%ld", f->limit)};
    static const char *const cols[] = {"event", "outcome", "code", "actor", "account", "provider",
                                       "key_id", "cert_serial", "ip", "user_agent", "detail"};
    PGresult *res;
    zc_err_t e = zc_db_exec(r, ZC_Q_ADMIN_AUDIT_SEARCH, v, NULL, NULL, &res);
    if (e != ZC_OK)
        return e;
    json_t *list = json_array();
    int n = PQntuples(res);
    json_int_t last = 0;
    for (int i = 0; i < n; i++) {
        last = zc_aq_int(res, i, 0);
        json_t *o = json_pack("{s:I, s:s}", "id", last, "at",
                              zc_rfc3339(r->pool, (apr_time_t)zc_aq_int(res, i, 1)));
        /* columns 2.. are the texts, in the order of cols */
        for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++)
            json_object_set_new(o, cols[c], zc_aq_text(r, res, i, (int)c + 2));
        json_array_append_new(list, o);
    }
    json_t *out = json_pack("{s:o}", "audit", list);
    json_object_set_new(out, "next", n > 0 && n == f->limit ? json_integer(last) : json_null());
    *json = zc_json_dump(r->pool, out);
    return ZC_OK;
}

zc_err_t zc_aq_regions(request_rec *r, const char *code, json_t **out)
{
    const char *v[] = {code};
    PGresult *res;
    zc_err_t e = zc_db_exec(r, ZC_Q_ADMIN_REGION_LIST, v, NULL, NULL, &res);
    if (e != ZC_OK)
        return e;
    int n = PQntuples(res);
    if (code && n == 0)
        return ZC_E_NOT_FOUND;
    json_t *list = json_array(), *region = NULL;
    const char *current = NULL;
    /* Rows come by code, one per accepted provider: start a region object
     * whenever the code changes. */
    for (int i = 0; i < n; i++) {
        const char *c = PQgetvalue(res, i, 0);
        if (!current || strcmp(current, c) != 0) {
            current = c;
            region = json_object();
            json_object_set_new(region, "code", zc_aq_text(r, res, i, 0));
            json_object_set_new(region, "name", zc_aq_text(r, res, i, 1));
            json_object_set_new(region, "ca_enabled", json_boolean(*PQgetvalue(res, i, 2) == 't'));
            json_object_set_new(region, "providers", json_array());
            json_array_append_new(list, region);
        }
        if (!PQgetisnull(res, i, 3))
            json_array_append_new(json_object_get(region, "providers"), zc_aq_text(r, res, i, 3));
    }
    *out = list;
    return ZC_OK;
}

/* '{"pa","pb"}': a text[] literal.  The ids are configured provider ids
 * ([a-z0-9_-], checked by the directive), so quoting cannot be escaped;
 * anything else is refused here too, whatever the caller checked. */
static const char *zc_aq_text_array(request_rec *r, const apr_array_header_t *ids)
{
    const char *lit = "{";
    for (int i = 0; i < ids->nelts; i++) {
        const char *id = APR_ARRAY_IDX(ids, i, const char *);
        if (strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789_-") != strlen(id) || !*id)
            return NULL;
        lit = apr_pstrcat(r->pool, lit, i ? "," : "", "\"", id, "\"", NULL);
    }
    return apr_pstrcat(r->pool, lit, "}", NULL);
}

zc_err_t zc_aq_region_update(request_rec *r, const char *code, int enabled,
                             const apr_array_header_t *providers, zc_aq_region_change_t *ch)
{
    const char *v[] = {code, enabled ? "true" : "false", providers ? zc_aq_text_array(r, providers) : NULL};
    if (providers && !v[2])
        return ZC_E_PROVIDER_UNKNOWN;
    PGresult *res;
    zc_err_t e = zc_db_exec(r, ZC_Q_ADMIN_REGION_UPDATE, v, NULL, NULL, &res);
    if (e != ZC_OK)
        return e;
    if (PQntuples(res) == 0)
        return ZC_E_NOT_FOUND;
    ch->was_enabled = *PQgetvalue(res, 0, 0) == 't';
    ch->removed = zc_db_val(res, 0, 1) ? apr_pstrdup(r->pool, zc_db_val(res, 0, 1)) : NULL;
    ch->added = zc_db_val(res, 0, 2) ? apr_pstrdup(r->pool, zc_db_val(res, 0, 2)) : NULL;
    return ZC_OK;
}

zc_err_t zc_aq_status(request_rec *r, json_t **out)
{
    PGresult *res;
    zc_err_t e = zc_db_exec(r, ZC_Q_ADMIN_STATUS, NULL, NULL, NULL, &res);
    if (e != ZC_OK)
        return e;
    if (PQntuples(res) != 1)
        return ZC_E_SERVICE_UNAVAILABLE;
    *out = json_pack("{s:s, s:I, s:i, s:I, s:I, s:I, s:{s:I, s:I}}", "database", "ok",
                     "schema_version", zc_aq_int(res, 0, 0), "expected_schema_version", ZC_SCHEMA_VERSION,
                     "bindings", zc_aq_int(res, 0, 1), "sessions", zc_aq_int(res, 0, 2),
                     "challenges_pending", zc_aq_int(res, 0, 3), "logins_24h",
                     "success", zc_aq_int(res, 0, 4), "failure", zc_aq_int(res, 0, 5));
    return ZC_OK;
}
