/* Throttling.  Counts live in zcyca.throttle (PostgreSQL), so they hold
 * across children and nodes: one row per (scope, key) with the start of
 * its window and the failures in it, updated by one upsert per failure. */
#include "throttle.h"
#include "db.h"
#include "apr_strings.h"

static int zc_throttle_on(request_rec *r)
{
    return zc_srv_cfg(r->server)->throttle_max > 0;
}

void zc_throttle_set_key(request_rec *r, const char *key)
{
    zc_req(r)->throttle_key = key;
}

/* Seconds until the row (scope, key) lets attempts through again; 0: now. */
static zc_err_t zc_throttle_wait(request_rec *r, const char *scope, const char *key, long *wait)
{
    zc_srv_cfg_t *sc = zc_srv_cfg(r->server);
    const char *v[] = {scope, key, apr_psprintf(r->pool, "%ld", sc->throttle_window),
                       apr_psprintf(r->pool, "%ld", sc->throttle_max)};
    PGresult *res;
    zc_err_t e = zc_db_exec(r, ZC_Q_THROTTLE_WAIT, v, NULL, NULL, &res);
    *wait = e == ZC_OK && PQntuples(res) == 1 ? atol(PQgetvalue(res, 0, 0)) : 0;
    return e;
}

zc_err_t zc_throttle_check(request_rec *r)
{
    if (!zc_throttle_on(r))
        return ZC_OK;
    const char *key = zc_req(r)->throttle_key;
    long wait = 0;
    zc_err_t e = zc_throttle_wait(r, "ip", r->useragent_ip, &wait);
    if (e == ZC_OK && wait == 0 && key)
        e = zc_throttle_wait(r, "key", key, &wait);
    if (e != ZC_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, ZCLOGNO(1601) "throttle look-up failed; attempt allowed");
        return ZC_OK;
    }
    if (wait <= 0)
        return ZC_OK;
    apr_table_setn(r->err_headers_out, "Retry-After", apr_psprintf(r->pool, "%ld", wait));
    return ZC_E_THROTTLED;
}

static void zc_throttle_count(request_rec *r, const char *scope, const char *key)
{
    const char *v[] = {scope, key, apr_psprintf(r->pool, "%ld", zc_srv_cfg(r->server)->throttle_window)};
    PGresult *res;
    if (zc_db_exec(r, ZC_Q_THROTTLE_FAIL, v, NULL, NULL, &res) != ZC_OK)
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, ZCLOGNO(1602) "a failed attempt of %s %s was not counted",
                      scope, key);
}

void zc_throttle_failed(request_rec *r)
{
    if (!zc_throttle_on(r))
        return;
    zc_throttle_count(r, "ip", r->useragent_ip);
    if (zc_req(r)->throttle_key)
        zc_throttle_count(r, "key", zc_req(r)->throttle_key);
}

void zc_throttle_succeeded(request_rec *r)
{
    const char *key = zc_req(r)->throttle_key;
    if (!zc_throttle_on(r) || !key)
        return;
    const char *v[] = {"key", key};
    PGresult *res;
    (void)zc_db_exec(r, ZC_Q_THROTTLE_CLEAR, v, NULL, NULL, &res);
}
