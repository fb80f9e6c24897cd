/* Bindings: reading rows, rendering them, deleting one.  Shared by the
 * user's binding list (h_bindings.c) and the admin (h_admin.c). */
#include "binding.h"
#include "config.h"
#include "cert.h"
#include "db.h"
#include "json_req.h"
#include "session.h"
#include "cache.h"
#include "crypto_util.h"
#include "util_script.h"
#include "apr_strings.h"
#include "apr_lib.h"

static const char *zc_col(request_rec *r, PGresult *res, int i, int c)
{
    return apr_pstrdup(r->pool, PQgetisnull(res, i, c) ? "" : PQgetvalue(res, i, c));
}

void zc_binding_from_row(request_rec *r, PGresult *res, int i, zc_binding_t *b)
{
    b->id = apr_atoi64(PQgetvalue(res, i, 0));
    b->account_login = zc_col(r, res, i, 1);
    b->account_name = zc_col(r, res, i, 2);
    b->provider_id = zc_col(r, res, i, 3);
    b->key_id = zc_col(r, res, i, 4);
    b->subject = zc_col(r, res, i, 5);
    b->issuer = zc_col(r, res, i, 6);
    b->serial = zc_col(r, res, i, 7);
    b->not_before = (apr_time_t)apr_atoi64(PQgetvalue(res, i, 8));
    b->not_after = (apr_time_t)apr_atoi64(PQgetvalue(res, i, 9));
    b->bound_by_login = zc_col(r, res, i, 10);
    b->bound_by_name = zc_col(r, res, i, 11);
    b->bound_at = (apr_time_t)apr_atoi64(PQgetvalue(res, i, 12));
    b->account_id = apr_atoi64(PQgetvalue(res, i, 13));
    b->org_id = apr_atoi64(PQgetvalue(res, i, 14));
}

json_t *zc_binding_json(request_rec *r, const zc_binding_t *b)
{
    const zc_provider_t *pv = zc_provider_find(zc_srv_cfg(r->server)->g, b->provider_id);
    json_t *o = json_pack("{s:I, s:{s:s, s:s}, s:{s:s, s:s}, s:s, s:{s:s, s:s, s:s, s:s, s:s}, s:s}",
                          "id", (json_int_t)b->id,
                          "account", "login", b->account_login, "name", b->account_name,
                          "provider", "id", b->provider_id, "name", pv ? pv->name : b->provider_id,
                          "key_id", b->key_id,
                          "cert", "subject", b->subject, "issuer", b->issuer, "serial", b->serial,
                          "not_before", zc_rfc3339(r->pool, b->not_before),
                          "not_after", zc_rfc3339(r->pool, b->not_after),
                          "bound_at", zc_rfc3339(r->pool, b->bound_at));
    json_object_set_new(o, "warnings", zc_expiry_warnings(r, b->not_after));
    json_object_set_new(o, "bound_by", *b->bound_by_login
                                           ? json_pack("{s:s, s:s}", "login", b->bound_by_login, "name", b->bound_by_name)
                                           : json_null());
    return o;
}

const char *zc_binding_page_json(request_rec *r, PGresult *res, long limit)
{
    json_t *list = json_array();
    zc_binding_t b = {0};
    int n = PQntuples(res);
    for (int i = 0; i < n; i++) {
        zc_binding_from_row(r, res, i, &b);
        json_array_append_new(list, zc_binding_json(r, &b));
    }
    json_t *out = json_pack("{s:o}", "bindings", list);
    json_object_set_new(out, "next", n > 0 && n == limit ? json_integer((json_int_t)b.id) : json_null());
    return zc_json_dump(r->pool, out);
}

const char *zc_account_page_json(request_rec *r, PGresult *res, long limit)
{
    json_t *list = json_array();
    apr_int64_t last = 0;
    int n = PQntuples(res);
    for (int i = 0; i < n; i++) {
        last = apr_atoi64(PQgetvalue(res, i, 0));
        json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)last, "login",
                                              zc_col(r, res, i, 1), "name", zc_col(r, res, i, 2), "region",
                                              zc_col(r, res, i, 3)));
    }
    json_t *out = json_pack("{s:o}", "accounts", list);
    json_object_set_new(out, "next", n > 0 && n == limit ? json_integer((json_int_t)last) : json_null());
    return zc_json_dump(r->pool, out);
}

zc_err_t zc_binding_get(request_rec *r, apr_int64_t id, zc_binding_t *b)
{
    const char *v[] = {apr_psprintf(r->pool, "%" APR_INT64_T_FMT, id)};
    PGresult *res;
    zc_err_t e = zc_db_exec(r, ZC_Q_BINDING_GET, v, NULL, NULL, &res);
    if (e != ZC_OK)
        return e;
    if (PQntuples(res) == 0)
        return ZC_E_NOT_FOUND;
    zc_binding_from_row(r, res, 0, b);
    return ZC_OK;
}

zc_err_t zc_binding_delete(request_rec *r, apr_int64_t id)
{
    const char *v[] = {apr_psprintf(r->pool, "%" APR_INT64_T_FMT, id)};
    /* Its sessions leave the database by the cascade, and every node hears
     * of them (session_events.c); this node drops them here as well, after
     * the delete, so the next request cannot find them even for the moment
     * the notification takes. */
    PGresult *hashes, *res;
    zc_err_t e = zc_db_exec(r, ZC_Q_SESSION_HASHES_BY_BINDING, v, NULL, NULL, &hashes);
    if (e != ZC_OK)
        return e;
    e = zc_db_exec(r, ZC_Q_BINDING_DELETE, v, NULL, NULL, &res);
    if (e != ZC_OK)
        return e;
    for (int i = 0; i < PQntuples(hashes); i++) {
        size_t n = 0;
        unsigned char *h = PQunescapeBytea((const unsigned char *)PQgetvalue(hashes, i, 0), &n);
        if (h && n == ZC_SHA256_LEN)
            zc_cache_remove(r, h);
        PQfreemem(h);
    }
    return PQntuples(res) ? ZC_OK : ZC_E_NOT_FOUND;
}

static int zc_digits(const char *s, size_t max)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!apr_isdigit(s[n]) || n >= max)
            return 0;
    return n > 0;
}

zc_err_t zc_page_args(request_rec *r, long *limit, apr_int64_t *after)
{
    apr_table_t *args;
    ap_args_to_table(r, &args);
    const char *l = apr_table_get(args, "limit"), *a = apr_table_get(args, "after");
    *limit = 20;
    *after = 0;
    /* Empty fields count as absent, as HTML forms send every field. */
    if (l && !*l)
        l = NULL;
    if (a && !*a)
        a = NULL;
    if (l) {
        if (!zc_digits(l, 3) || atol(l) < 1 || atol(l) > 100)
            return ZC_E_BAD_REQUEST;
        *limit = atol(l);
    }
    if (a) {
        if (!zc_digits(a, 18))
            return ZC_E_BAD_REQUEST;
        *after = apr_atoi64(a);
    }
    return ZC_OK;
}

apr_int64_t zc_uri_id(request_rec *r)
{
    const char *slash = strrchr(r->uri, '/');
    const char *seg = slash ? slash + 1 : r->uri;
    return zc_digits(seg, 18) ? apr_atoi64(seg) : 0;
}
