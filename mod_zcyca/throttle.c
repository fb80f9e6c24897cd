/* Throttling.  Counts live in zcyca.throttle (PostgreSQL), so they hold
 * across children and nodes: one row per (scope, key) with the start of
 * its window and the failures in it.
 *
 * Every count is one statement that also reads it (an upsert RETURNING the
 * count), so parallel failures cannot all slip under the limit:
 *   - a password attempt is counted *before* it runs (zc_throttle_begin): a
 *     password can be guessed, so no attempt past the limit may even run;
 *   - a CA login attempt is counted only when it fails (zc_throttle_settle),
 *     and a failure counted past the limit answers THROTTLED.  Its success
 *     path reads the counts inside the login statement (LOGIN_CA), so a
 *     good login costs no throttle round trip (issue 15).
 * A key's count moves only once possession of the key is proven (the TLS
 * handshake, or a verified signature): certificates are public, and counting
 * what a client merely sends would let anyone lock its holder out. */
#include "throttle.h"
#include "config.h"
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

static const char *zc_throttle_window(request_rec *r)
{
    return apr_psprintf(r->pool, "%ld", zc_srv_cfg(r->server)->throttle_window);
}

/* One more failure for (scope, key), and the count and seconds left in its
 * window as they are after it.  The same statement purges a few rows whose
 * window has long passed, so the table keeps only live counts. */
static zc_err_t zc_throttle_count(request_rec *r, const char *scope, const char *key, long *count, long *wait)
{
    const char *v[] = {scope, key, zc_throttle_window(r)};
    PGresult *res;
    zc_err_t e = zc_db_exec(r, ZC_Q_THROTTLE_COUNT, v, NULL, NULL, &res);
    if (e != ZC_OK || PQntuples(res) != 1) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, ZCLOGNO(1602) "a failed attempt of %s %s was not counted",
                      scope, key);
        return e != ZC_OK ? e : ZC_E_SERVICE_UNAVAILABLE;
    }
    *count = atol(PQgetvalue(res, 0, 0));
    *wait = atol(PQgetvalue(res, 0, 1));
    return ZC_OK;
}

zc_err_t zc_throttle_refused(request_rec *r, long wait)
{
    apr_table_setn(r->err_headers_out, "Retry-After", apr_psprintf(r->pool, "%ld", wait > 0 ? wait : 1));
    return ZC_E_THROTTLED;
}

/* Count the attempt for (scope, key) up front; THROTTLED past the limit. */
static zc_err_t zc_throttle_reserve(request_rec *r, const char *scope, const char *key, unsigned *counted)
{
    long count, wait;
    if (zc_throttle_count(r, scope, key, &count, &wait) != ZC_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, ZCLOGNO(1601) "throttle look-up failed; attempt allowed");
        return ZC_OK;
    }
    *counted = 1;
    return count > zc_srv_cfg(r->server)->throttle_max ? zc_throttle_refused(r, wait) : ZC_OK;
}

zc_err_t zc_throttle_begin(request_rec *r)
{
    if (!zc_throttle_on(r))
        return ZC_OK;
    zc_req_t *q = zc_req(r);
    unsigned ip = 0, key = 0;
    zc_err_t e = zc_throttle_reserve(r, "ip", r->useragent_ip, &ip);
    q->throttle_ip_counted = ip;
    if (e == ZC_OK && q->throttle_key) {
        e = zc_throttle_reserve(r, "key", q->throttle_key, &key);
        q->throttle_key_counted = key;
    }
    return e;
}

static void zc_throttle_release(request_rec *r, const char *scope, const char *key)
{
    const char *v[] = {scope, key};
    PGresult *res;
    (void)zc_db_exec(r, ZC_Q_THROTTLE_RELEASE, v, NULL, NULL, &res);
}

zc_err_t zc_throttle_settle(request_rec *r, zc_err_t e)
{
    const zc_err_info_t *info = zc_err_info(e);
    zc_req_t *q = zc_req(r);
    long count, wait, past = 0, max = zc_srv_cfg(r->server)->throttle_max;
    if (!zc_throttle_on(r) || e == ZC_E_THROTTLED || e == ZC_E_CSRF_REJECTED)
        return e;
    if (!info || info->status >= 500) {
        /* Our outage, not the client's failure: give back what was counted. */
        if (q->throttle_ip_counted)
            zc_throttle_release(r, "ip", r->useragent_ip);
        if (q->throttle_key_counted)
            zc_throttle_release(r, "key", q->throttle_key);
        q->throttle_ip_counted = q->throttle_key_counted = 0;
        return e;
    }
    if (!q->throttle_ip_counted && zc_throttle_count(r, "ip", r->useragent_ip, &count, &wait) == ZC_OK
        && count > max)
        past = wait;
    if (q->throttle_key && !q->throttle_key_counted
        && zc_throttle_count(r, "key", q->throttle_key, &count, &wait) == ZC_OK && count > max && wait > past)
        past = wait;
    q->throttle_ip_counted = 1;
    q->throttle_key_counted = q->throttle_key != NULL;
    return past ? zc_throttle_refused(r, past) : e;
}

void zc_throttle_succeeded(request_rec *r)
{
    zc_req_t *q = zc_req(r);
    if (!zc_throttle_on(r))
        return;
    if (q->throttle_ip_counted)
        zc_throttle_release(r, "ip", r->useragent_ip);
    q->throttle_ip_counted = 0;
    if (q->throttle_key) {
        const char *v[] = {"key", q->throttle_key};
        PGresult *res;
        (void)zc_db_exec(r, ZC_Q_THROTTLE_CLEAR, v, NULL, NULL, &res);
    }
}
