/* The admin endpoints' reading side: query-string filters in (checked
 * here, so a bad one is BAD_REQUEST, never a database error), the
 * statements of sql_admin.def, JSON out.  Like queries.c and binding.c, this
 * is the only place their PGresults are read. */
#include "admin_query.h"
#include "binding.h"
#include "cert.h"
#include "db.h"
#include "json_req.h"
#include "util_script.h"
#include "apr_strings.h"
#include "apr_lib.h"

/* ---- query-string filters ---- */

static int zc_aq_utf8(const char *s)
{
    json_t *j = json_string(s); /* jansson refuses invalid UTF-8 */
    int ok = j != NULL;
    json_decref(j);
    return ok;
}

/* 1..max bytes of UTF-8 without control characters. */
static int zc_aq_text_ok(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max)
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return 0;
    return zc_aq_utf8(s);
}

/* 1..max characters of [A-Za-z0-9] plus the characters in extra. */
static int zc_aq_token_ok(const char *s, size_t max, const char *extra)
{
    size_t n = strlen(s);
    if (n == 0 || n > max)
        return 0;
    for (; *s; s++)
        if (!apr_isalnum(*s) && !strchr(extra, *s))
            return 0;
    return 1;
}

int zc_aq_region_code_ok(const char *code)
{
    return zc_aq_token_ok(code, 32, "_-");
}

static int zc_aq_digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!apr_isdigit(s[i]))
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

/* "YYYY-MM-DD" (midnight UTC) or RFC 3339 "YYYY-MM-DDTHH:MM:SS[.frac]"
 * followed by "Z" or "+HH:MM"/"-HH:MM".  Years 1970..9999. */
static int zc_aq_time(const char *s, apr_time_t *t)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, mo, d, h = 0, mi = 0, sec = 0, usec = 0, oh, om;
    long off = 0;
    if (!zc_aq_digits(s, 4, &y) || s[4] != '-' || !zc_aq_digits(s + 5, 2, &mo) || s[7] != '-'
        || !zc_aq_digits(s + 8, 2, &d) || y < 1970 || mo < 1 || mo > 12 || d < 1)
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[mo - 1] + (mo == 2 && leap))
        return 0;
    const char *p = s + 10;
    if (*p) {
        if ((*p != 'T' && *p != 't') || !zc_aq_digits(p + 1, 2, &h) || p[3] != ':'
            || !zc_aq_digits(p + 4, 2, &mi) || p[6] != ':' || !zc_aq_digits(p + 7, 2, &sec) || h > 23
            || mi > 59 || sec > 60)
            return 0;
        p += 9;
        if (*p == '.') {
            int n = 0;
            for (p++; apr_isdigit(*p); p++, n++)
                if (n < 6)
                    usec = usec * 10 + (*p - '0');
            if (n == 0 || n > 9)
                return 0;
            for (; n < 6; n++)
                usec *= 10;
        }
        if ((*p == 'Z' || *p == 'z') && !p[1])
            off = 0;
        else if ((*p == '+' || *p == '-') && zc_aq_digits(p + 1, 2, &oh) && p[3] == ':'
                 && zc_aq_digits(p + 4, 2, &om) && !p[6] && oh <= 23 && om <= 59)
            off = (*p == '-' ? -1 : 1) * (oh * 3600L + om * 60L);
        else
            return 0;
    }
    apr_time_exp_t e = {0};
    e.tm_year = y - 1900;
    e.tm_mon = mo - 1;
    e.tm_mday = d;
    e.tm_hour = h;
    e.tm_min = mi;
    e.tm_sec = sec;
    if (apr_time_exp_gmt_get(t, &e) != APR_SUCCESS)
        return 0;
    *t += usec - apr_time_from_sec(off);
    return 1;
}

/* The query string; a parameter not in known is refused, so a misspelt
 * filter never widens a search silently. */
static zc_err_t zc_aq_args(request_rec *r, const char *const *known, apr_table_t **args, const char **bad)
{
    ap_args_to_table(r, args);
    const apr_array_header_t *a = apr_table_elts(*args);
    const apr_table_entry_t *el = (const apr_table_entry_t *)a->elts;
    for (int i = 0; i < a->nelts; i++) {
        const char *const *k = known;
        while (*k && strcmp(*k, el[i].key) != 0)
            k++;
        if (!*k) {
            *bad = el[i].key;
            return ZC_E_BAD_REQUEST;
        }
    }
    return ZC_OK;
}

zc_err_t zc_aq_no_args(request_rec *r, const char **bad)
{
    static const char *const none[] = {NULL};
    apr_table_t *args;
    return zc_aq_args(r, none, &args, bad);
}

/* A filter value; an empty one ("account=") counts as absent, because
 * HTML forms send every field. */
static const char *zc_aq_arg(apr_table_t *args, const char *name)
{
    const char *v = apr_table_get(args, name);
    return v && *v ? v : NULL;
}

zc_err_t zc_aq_binding_filter(request_rec *r, zc_aq_binding_filter_t *f, const char **bad)
{
    static const char *const known[] = {"account", "key_id", "provider", "expires_before", "limit", "after", NULL};
    apr_table_t *args;
    memset(f, 0, sizeof *f);
    if (zc_aq_args(r, known, &args, bad) != ZC_OK)
        return ZC_E_BAD_REQUEST;
    f->account = zc_aq_arg(args, "account");
    f->key_id = zc_aq_arg(args, "key_id");
    f->provider = zc_aq_arg(args, "provider");
    const char *eb = zc_aq_arg(args, "expires_before");
    if (f->account && !zc_aq_text_ok(f->account, ZC_AQ_TEXT_MAX))
        *bad = "account";
    else if (f->key_id && !zc_aq_text_ok(f->key_id, ZC_AQ_TEXT_MAX))
        *bad = "key_id";
    else if (f->provider && zc_parse_provider_id(r->pool, f->provider))
        *bad = "provider";
    else if (eb && !(f->has_expires_before = zc_aq_time(eb, &f->expires_before)))
        *bad = "expires_before";
    else if (zc_page_args(r, &f->limit, &f->after) != ZC_OK)
        *bad = "limit/after";
    else
        return ZC_OK;
    return ZC_E_BAD_REQUEST;
}

zc_err_t zc_aq_audit_filter(request_rec *r, zc_aq_audit_filter_t *f, const char **bad)
{
    static const char *const known[] = {"event", "account", "outcome", "code", "since", "until",
                                        "limit", "after", NULL};
    apr_table_t *args;
    memset(f, 0, sizeof *f);
    if (zc_aq_args(r, known, &args, bad) != ZC_OK)
        return ZC_E_BAD_REQUEST;
    f->event = zc_aq_arg(args, "event");
    f->account = zc_aq_arg(args, "account");
    f->outcome = zc_aq_arg(args, "outcome");
    f->code = zc_aq_arg(args, "code");
    const char *since = zc_aq_arg(args, "since"), *until = zc_aq_arg(args, "until");
    if (f->event && !zc_aq_token_ok(f->event, 64, "_.-"))
        *bad = "event";
    else if (f->account && !zc_aq_text_ok(f->account, ZC_AQ_TEXT_MAX))
        *bad = "account";
    else if (f->outcome && strcmp(f->outcome, "success") != 0 && strcmp(f->outcome, "failure") != 0)
        *bad = "outcome";
    else if (f->code && zc_err_by_code(f->code) == ZC_OK)
        *bad = "code";
    else if (since && !(f->has_since = zc_aq_time(since, &f->since)))
        *bad = "since";
    else if (until && !(f->has_until = zc_aq_time(until, &f->until)))
        *bad = "until";
    else if (zc_page_args(r, &f->limit, &f->after) != ZC_OK)
        *bad = "limit/after";
    else
        return ZC_OK;
    return ZC_E_BAD_REQUEST;
}

zc_err_t zc_aq_audit_summary_filter(request_rec *r, zc_aq_audit_filter_t *f, const char **bad)
{
    static const char *const known[] = {"event", "code", "since", "until", "limit", NULL};
    apr_table_t *args;
    memset(f, 0, sizeof *f);
    if (zc_aq_args(r, known, &args, bad) != ZC_OK)
        return ZC_E_BAD_REQUEST;
    f->event = zc_aq_arg(args, "event");
    f->code = zc_aq_arg(args, "code");
    const char *since = zc_aq_arg(args, "since"), *until = zc_aq_arg(args, "until");
    if (f->event && !zc_aq_token_ok(f->event, 64, "_.-"))
        *bad = "event";
    else if (f->code && zc_err_by_code(f->code) == ZC_OK)
        *bad = "code";
    else if (since && !(f->has_since = zc_aq_time(since, &f->since)))
        *bad = "since";
    else if (until && !(f->has_until = zc_aq_time(until, &f->until)))
        *bad = "until";
    else if (zc_page_args(r, &f->limit, &f->after) != ZC_OK)
        *bad = "limit";
    else
        return ZC_OK;
    return ZC_E_BAD_REQUEST;
}

const char *zc_aq_clean(request_rec *r, const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
            n--;
    }
    char *c = apr_pstrmemdup(r->pool, s, n);
    for (char *p = c; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    if (!zc_aq_utf8(c))
        for (char *p = c; *p; p++)
            if ((unsigned char)*p > 0x7e)
                *p = '?';
    return c;
}

/* ---- statements ---- */

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
        /* one of an hour's sample of anonymous refusals (GET …/audit/summary counts them all) */
        json_object_set_new(o, "anonymous", json_boolean(*PQgetvalue(res, i, 13) == 't'));
        json_array_append_new(list, o);
    }
    json_t *out = json_pack("{s:o}", "audit", list);
    json_object_set_new(out, "next", n > 0 && n == f->limit ? json_integer(last) : json_null());
    *json = zc_json_dump(r->pool, out);
    return ZC_OK;
}

zc_err_t zc_aq_audit_summary(request_rec *r, const zc_aq_audit_filter_t *f, const char **json)
{
    const char *v[] = {f->event, f->code,
                       f->has_since ? apr_psprintf(r->pool, "%" APR_TIME_T_FMT, f->since) : NULL,
                       f->has_until ? apr_psprintf(r->pool, "%" APR_TIME_T_FMT, f->until) : NULL,
                       apr_psprintf(r->pool, "%ld", f->limit)};
    PGresult *res;
    zc_err_t e = zc_db_exec(r, ZC_Q_ADMIN_AUDIT_SUMMARY, v, NULL, NULL, &res);
    if (e != ZC_OK)
        return e;
    json_t *list = json_array();
    for (int i = 0, n = PQntuples(res); i < n; i++) {
        json_t *o = json_pack("{s:s, s:o, s:o, s:I, s:s, s:s, s:o}", "hour",
                              zc_rfc3339(r->pool, (apr_time_t)zc_aq_int(res, i, 0)), "event", zc_aq_text(r, res, i, 1),
                              "code", zc_aq_text(r, res, i, 2), "count", zc_aq_int(res, i, 3), "first_at",
                              zc_rfc3339(r->pool, (apr_time_t)zc_aq_int(res, i, 4)), "last_at",
                              zc_rfc3339(r->pool, (apr_time_t)zc_aq_int(res, i, 5)), "last_ip",
                              zc_aq_text(r, res, i, 6));
        json_array_append_new(list, o);
    }
    *json = zc_json_dump(r->pool, json_pack("{s:o}", "summary", list));
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
    *out = json_pack("{s:s, s:I, s:i, s:I, s:I, s:I, s:{s:I, s:I}, s:I}", "database", "ok",
                     "schema_version", zc_aq_int(res, 0, 0), "expected_schema_version", ZC_SCHEMA_VERSION,
                     "bindings", zc_aq_int(res, 0, 1), "sessions", zc_aq_int(res, 0, 2),
                     "challenges_pending", zc_aq_int(res, 0, 3), "logins_24h",
                     "success", zc_aq_int(res, 0, 4), "failure", zc_aq_int(res, 0, 5),
                     "anonymous_refusals_24h", zc_aq_int(res, 0, 6));
    return ZC_OK;
}
