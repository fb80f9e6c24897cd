/* Typed wrappers over the prepared statements of sql.def. */
#include "queries.h"
#include "db.h"
#include "crypto_util.h"
#include "apr_strings.h"

static const char *zc_ll(request_rec *r, apr_int64_t v)
{
    return v ? apr_psprintf(r->pool, "%" APR_INT64_T_FMT, v) : NULL;
}

static const char *zc_us(request_rec *r, apr_time_t t)
{
    return t ? apr_psprintf(r->pool, "%" APR_TIME_T_FMT, t) : NULL;
}

static apr_time_t zc_time_col(PGresult *res, int row, int col)
{
    const char *v = zc_db_val(res, row, col);
    return v ? (apr_time_t)apr_atoi64(v) : 0;
}

static const char *zc_str_col(request_rec *r, PGresult *res, int row, int col)
{
    const char *v = zc_db_val(res, row, col);
    return v ? apr_pstrdup(r->pool, v) : NULL;
}

static const char *zc_client_ip(request_rec *r)
{
    return r->useragent_ip;
}

static const char *zc_user_agent(request_rec *r)
{
    /* Printable ASCII only: a byte the database would refuse as UTF-8 must
     * not turn a login into an error. */
    const char *ua = apr_table_get(r->headers_in, "User-Agent");
    if (!ua)
        return NULL;
    char *clean = apr_pstrndup(r->pool, ua, 256);
    for (char *c = clean; *c; c++)
        if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e)
            *c = '?';
    return clean;
}

zc_err_t zc_q_session_insert(request_rec *r, const zc_session_new_t *n, apr_time_t *created, apr_time_t *expires)
{
    const char *v[] = {(const char *)n->token_hash, zc_ll(r, n->account_id), n->method, zc_ll(r, n->binding_id),
                       n->provider_id, n->key_id, zc_us(r, n->cert_not_after),
                       apr_psprintf(r->pool, "%ld", n->max_seconds), zc_client_ip(r), zc_user_agent(r),
                       (const char *)n->replaced_hash};
    const int len[] = {ZC_SHA256_LEN, 0, 0, 0, 0, 0, 0, 0, 0, 0, ZC_SHA256_LEN};
    const int fmt[] = {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    PGresult *res;
    zc_err_t e = zc_db_exec(r, ZC_Q_SESSION_INSERT, v, len, fmt, &res);
    if (e != ZC_OK)
        return e;
    *created = zc_time_col(res, 0, 0);
    *expires = zc_time_col(res, 0, 1);
    return ZC_OK;
}

zc_err_t zc_q_login_ca(request_rec *r, const zc_session_new_t *n, const zc_identity_t *id, const char *throttle_key,
                       long throttle_max, long throttle_window, zc_login_row_t **row)
{
    const zc_cert_info_t *c = &id->cert;
    const char *v[] = {id->provider->id, id->key_id, (const char *)n->token_hash, (const char *)n->replaced_hash,
                       zc_us(r, c->not_after), apr_psprintf(r->pool, "%ld", n->max_seconds), zc_client_ip(r),
                       zc_user_agent(r), c->cert_sha256, c->serial, c->issuer, c->subject, zc_us(r, c->not_before),
                       throttle_key ? throttle_key : "", apr_psprintf(r->pool, "%ld", throttle_max),
                       apr_psprintf(r->pool, "%ld", throttle_window)};
    const int len[] = {0, 0, ZC_SHA256_LEN, ZC_SHA256_LEN, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    const int fmt[] = {0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    PGresult *res;
    zc_err_t e = zc_db_exec(r, ZC_Q_LOGIN_CA, v, len, fmt, &res);
    *row = NULL;
    if (e != ZC_OK || PQntuples(res) == 0)
        return e;
    zc_login_row_t *b = apr_pcalloc(r->pool, sizeof *b);
    b->binding_id = apr_atoi64(PQgetvalue(res, 0, 0));
    b->account_id = apr_atoi64(PQgetvalue(res, 0, 1));
    b->login = zc_str_col(r, res, 0, 2);
    b->display_name = zc_str_col(r, res, 0, 3);
    b->region = zc_str_col(r, res, 0, 4);
    b->status = zc_str_col(r, res, 0, 5);
    b->region_enabled = *PQgetvalue(res, 0, 6) == 't';
    b->provider_accepted = *PQgetvalue(res, 0, 7) == 't';
    b->throttle_wait = zc_db_val(res, 0, 8) ? atol(PQgetvalue(res, 0, 8)) : 0;
    b->created_at = zc_time_col(res, 0, 9);
    b->expires_at = zc_time_col(res, 0, 10);
    b->audit_written = *PQgetvalue(res, 0, 11) == 't';
    *row = b;
    return ZC_OK;
}

zc_err_t zc_q_session_get(request_rec *r, const unsigned char *token_hash, long idle, zc_session_t *s,
                          apr_time_t *now_db)
{
    const char *v[] = {(const char *)token_hash, apr_psprintf(r->pool, "%ld", idle)};
    const int len[] = {ZC_SHA256_LEN, 0};
    const int fmt[] = {1, 0};
    PGresult *res;
    zc_err_t e = zc_db_exec(r, ZC_Q_SESSION_GET, v, len, fmt, &res);
    if (e != ZC_OK)
        return e;
    if (PQntuples(res) == 0)
        return ZC_E_LOGIN_REQUIRED;
    s->account_id = apr_atoi64(PQgetvalue(res, 0, 0));
    s->login = zc_str_col(r, res, 0, 1);
    s->display_name = zc_str_col(r, res, 0, 2);
    s->region = zc_str_col(r, res, 0, 3);
    s->method = zc_str_col(r, res, 0, 4);
    s->provider_id = zc_str_col(r, res, 0, 5);
    s->key_id = zc_str_col(r, res, 0, 6);
    s->binding_id = apr_atoi64(PQgetvalue(res, 0, 7));
    s->cert_not_after = zc_time_col(res, 0, 8);
    s->created_at = zc_time_col(res, 0, 9);
    s->last_seen_at = zc_time_col(res, 0, 10);
    s->expires_at = zc_time_col(res, 0, 11);
    *now_db = zc_time_col(res, 0, 12);
    if (!*s->provider_id)
        s->provider_id = NULL;
    if (!*s->key_id)
        s->key_id = NULL;
    return ZC_OK;
}

zc_err_t zc_q_session_touch(request_rec *r, const unsigned char *token_hash, int *alive)
{
    const char *v[] = {(const char *)token_hash};
    const int len[] = {ZC_SHA256_LEN};
    const int fmt[] = {1};
    PGresult *res;
    zc_err_t e = zc_db_exec(r, ZC_Q_SESSION_TOUCH, v, len, fmt, &res);
    *alive = e == ZC_OK && PQntuples(res) > 0;
    return e;
}

zc_err_t zc_q_session_delete(request_rec *r, const unsigned char *token_hash, apr_int64_t *account_id)
{
    const char *v[] = {(const char *)token_hash};
    const int len[] = {ZC_SHA256_LEN};
    const int fmt[] = {1};
    PGresult *res;
    zc_err_t e = zc_db_exec(r, ZC_Q_SESSION_DELETE, v, len, fmt, &res);
    *account_id = 0;
    if (e == ZC_OK && PQntuples(res) > 0)
        *account_id = apr_atoi64(PQgetvalue(res, 0, 0));
    return e;
}

zc_err_t zc_q_region_providers(request_rec *r, const char *region, apr_array_header_t **ids)
{
    const char *v[] = {region};
    PGresult *res;
    zc_err_t e = zc_db_exec(r, ZC_Q_REGION_PROVIDERS, v, NULL, NULL, &res);
    if (e != ZC_OK)
        return e;
    int n = PQntuples(res);
    *ids = apr_array_make(r->pool, n ? n : 1, sizeof(const char *));
    for (int i = 0; i < n; i++)
        APR_ARRAY_PUSH(*ids, const char *) = zc_str_col(r, res, i, 0);
    return ZC_OK;
}

zc_err_t zc_q_audit_insert(request_rec *r, const zc_audit_t *a)
{
    const zc_err_info_t *info = zc_err_info(a->code);
    const char *v[] = {a->event, a->success ? "success" : "failure", info ? info->code : NULL,
                       zc_ll(r, a->actor_id), zc_ll(r, a->account_id), a->provider_id, a->key_id,
                       a->cert_serial, zc_client_ip(r), zc_user_agent(r), a->detail};
    PGresult *res;
    return zc_db_exec(r, ZC_Q_AUDIT_INSERT, v, NULL, NULL, &res);
}

zc_err_t zc_q_audit_junk(request_rec *r, const zc_audit_t *a, long sample, long days)
{
    const zc_err_info_t *info = zc_err_info(a->code);
    const char *v[] = {a->event, a->success ? "success" : "failure", info ? info->code : NULL,
                       zc_ll(r, a->actor_id), zc_ll(r, a->account_id), a->provider_id, a->key_id,
                       a->cert_serial, zc_client_ip(r), zc_user_agent(r), a->detail,
                       apr_psprintf(r->pool, "%ld", sample), apr_psprintf(r->pool, "%ld", days)};
    PGresult *res;
    return zc_db_exec(r, ZC_Q_AUDIT_JUNK, v, NULL, NULL, &res);
}

zc_err_t zc_q_account_by_login(request_rec *r, const char *login, zc_account_t *a)
{
    const char *v[] = {login};
    PGresult *res;
    zc_err_t e = zc_db_exec(r, ZC_Q_ACCOUNT_BY_LOGIN, v, NULL, NULL, &res);
    if (e != ZC_OK)
        return e;
    if (PQntuples(res) == 0)
        return ZC_E_NOT_FOUND;
    a->id = apr_atoi64(PQgetvalue(res, 0, 0));
    a->login = zc_str_col(r, res, 0, 1);
    a->name = zc_str_col(r, res, 0, 2);
    a->org_id = apr_atoi64(PQgetvalue(res, 0, 3));
    a->region = zc_str_col(r, res, 0, 4);
    a->is_org_admin = *PQgetvalue(res, 0, 5) == 't';
    a->status = zc_str_col(r, res, 0, 6);
    a->region_enabled = *PQgetvalue(res, 0, 7) == 't';
    return ZC_OK;
}

zc_err_t zc_q_region_accepts(request_rec *r, const char *region, const char *provider_id, int *accepts)
{
    const char *v[] = {region, provider_id};
    PGresult *res;
    zc_err_t e = zc_db_exec(r, ZC_Q_REGION_ACCEPTS, v, NULL, NULL, &res);
    if (e == ZC_OK)
        *accepts = *PQgetvalue(res, 0, 0) == 't';
    return e;
}

zc_err_t zc_q_binding_insert(request_rec *r, const zc_account_t *target, const zc_account_t *me,
                             const zc_identity_t *id, apr_int64_t *binding_id, apr_int64_t *owner, int *created)
{
    const zc_cert_info_t *c = &id->cert;
    const char *entity = id->provider->keyid_mode == ZC_KEYID_EXT ? id->key_id : NULL;
    const char *v[] = {zc_ll(r, target->id), id->provider->id, id->key_id, c->cert_sha256, c->spki_sha256, c->issuer,
                       c->serial, c->subject, entity, zc_us(r, c->not_before), zc_us(r, c->not_after), zc_ll(r, me->id)};
    PGresult *res;
    zc_err_t e = zc_db_exec(r, ZC_Q_BINDING_INSERT, v, NULL, NULL, &res);
    if (e != ZC_OK)
        return e;
    *created = PQntuples(res) == 1;
    if (*created) {
        *binding_id = apr_atoi64(PQgetvalue(res, 0, 0));
        *owner = target->id;
        return ZC_OK;
    }
    /* Lost the race or bound before: who holds the key now? */
    const char *k[] = {id->provider->id, id->key_id};
    if ((e = zc_db_exec(r, ZC_Q_BINDING_ID_BY_KEY, k, NULL, NULL, &res)) != ZC_OK)
        return e;
    if (PQntuples(res) == 0)
        return ZC_E_SERVICE_UNAVAILABLE; /* inserted and deleted in between: let the client retry */
    *binding_id = apr_atoi64(PQgetvalue(res, 0, 0));
    *owner = apr_atoi64(PQgetvalue(res, 0, 1));
    return ZC_OK;
}
