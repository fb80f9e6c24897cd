/* CRLs without restarts.  Each child keeps, per provider, the CRL set it
 * checks against.  A request that finds the set older than
 * ZcyCACRLCheckInterval stats the files; only when they changed is the set
 * reloaded, into a fresh pool, and swapped in.  The slot's mutex is held for
 * the (fast, read-only) check too, so an old set is never freed under a
 * reader. */
#include "revocation.h"
#include "config.h"
#include "crl.h"
#include "cert.h"
#include "crypto_util.h"
#include "db.h"
#include "ocsp.h"
#include "pools.h"
#include "apr_atomic.h"
#include "apr_strings.h"
#include "apr_thread_mutex.h"
#include "apr_thread_cond.h"
#include "apr_thread_proc.h"

typedef struct {
    apr_uint32_t ocsp_hits, ocsp_misses, ocsp_errors; /* this child's, for the admin status */
    apr_thread_mutex_t *lock;
    zc_crlset_t *set;
    apr_pool_t *set_pool;      /* NULL for the set from the configuration */
    apr_time_t loaded_at, checked_at;
    const char *last_error;    /* allocated from err_pool */
    apr_pool_t *err_pool;
} zc_crl_slot_t;

struct zc_revocation_child_t {
    apr_pool_t *pool;
    server_rec *s;
    zc_crl_slot_t *slots;      /* one per provider, by index */
    int n;
    /* The watcher thread: every child picks up a new CRL within the
     * interval even when it serves no login, so an idle child can never be
     * left behind on an older list when a later file fails to load. */
    apr_thread_t *watcher;
    apr_thread_mutex_t *stop_lock;
    apr_thread_cond_t *stop_cond;
    int stopping;
};

static void zc_revocation_refresh(server_rec *s, apr_pool_t *ptemp, const zc_provider_t *pv, zc_crl_slot_t *sl);

static void *APR_THREAD_FUNC zc_revocation_watch(apr_thread_t *t, void *data)
{
    struct zc_revocation_child_t *rc = data;
    zc_global_t *g = zc_srv_cfg(rc->s)->g;
    apr_pool_t *ptemp;
    apr_pool_create(&ptemp, rc->pool);
    apr_thread_mutex_lock(rc->stop_lock);
    while (!rc->stopping) {
        apr_thread_cond_timedwait(rc->stop_cond, rc->stop_lock, apr_time_from_sec(g->crl_check_interval));
        if (rc->stopping)
            break;
        apr_thread_mutex_unlock(rc->stop_lock);
        for (int i = 0; i < rc->n; i++) {
            zc_crl_slot_t *sl = &rc->slots[i];
            if (!sl->lock)
                continue;
            apr_thread_mutex_lock(sl->lock);
            zc_revocation_refresh(rc->s, ptemp, APR_ARRAY_IDX(g->providers, i, zc_provider_t *), sl);
            apr_thread_mutex_unlock(sl->lock);
            apr_pool_clear(ptemp);
        }
        apr_thread_mutex_lock(rc->stop_lock);
    }
    apr_thread_mutex_unlock(rc->stop_lock);
    return NULL;
}

static apr_status_t zc_revocation_stop(void *data)
{
    struct zc_revocation_child_t *rc = data;
    apr_status_t rv;
    apr_thread_mutex_lock(rc->stop_lock);
    rc->stopping = 1;
    apr_thread_cond_signal(rc->stop_cond);
    apr_thread_mutex_unlock(rc->stop_lock);
    apr_thread_join(&rv, rc->watcher);
    return APR_SUCCESS;
}

void zc_revocation_child_init(apr_pool_t *pchild, server_rec *s)
{
    zc_global_t *g = zc_srv_cfg(s)->g;
    struct zc_revocation_child_t *rc = apr_pcalloc(pchild, sizeof *rc);
    /* CRL sets are made and freed by the watcher and by logins at once. */
    rc->pool = zc_pool_create_threadsafe(pchild);
    if (!rc->pool) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s, ZCLOGNO(1507) "no thread-safe pool for CRL reloads; using the child's");
        rc->pool = pchild;
    }
    rc->n = g->providers->nelts;
    rc->slots = apr_pcalloc(pchild, (apr_size_t)(rc->n ? rc->n : 1) * sizeof *rc->slots);
    int has_crl = 0;
    for (int i = 0; i < rc->n; i++) {
        const zc_provider_t *pv = APR_ARRAY_IDX(g->providers, i, zc_provider_t *);
        zc_crl_slot_t *sl = &rc->slots[i];
        if (!pv->crl)
            continue; /* OCSP counters need no set-up: zeroed above */
        apr_thread_mutex_create(&sl->lock, APR_THREAD_MUTEX_DEFAULT, pchild);
        apr_pool_create(&sl->err_pool, rc->pool);
        sl->set = pv->crl;
        sl->loaded_at = sl->checked_at = apr_time_now();
        has_crl = 1;
    }
    rc->s = s;
    g->revocation = rc;
    if (!has_crl)
        return;
    if (apr_thread_mutex_create(&rc->stop_lock, APR_THREAD_MUTEX_DEFAULT, pchild) != APR_SUCCESS
        || apr_thread_cond_create(&rc->stop_cond, pchild) != APR_SUCCESS
        || apr_thread_create(&rc->watcher, NULL, zc_revocation_watch, rc, pchild) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s,
                     ZCLOGNO(1505) "cannot start the CRL watcher; CRLs are then re-read only when logins come");
        return;
    }
    /* Runs before the pool's own cleanups free what the thread uses. */
    apr_pool_pre_cleanup_register(pchild, rc, zc_revocation_stop);
}

/* Under the slot's lock: look at the files, reload when they changed. */
static void zc_revocation_refresh(server_rec *s, apr_pool_t *ptemp, const zc_provider_t *pv, zc_crl_slot_t *sl)
{
    zc_global_t *g = zc_srv_cfg(s)->g;
    apr_time_t now = apr_time_now();
    if (now - sl->checked_at < apr_time_from_sec(g->crl_check_interval))
        return;
    sl->checked_at = now;
    if (!zc_crl_changed(ptemp, sl->set))
        return;
    apr_pool_t *np;
    const char *why = NULL;
    apr_pool_create(&np, g->revocation->pool);
    zc_crlset_t *set = zc_crl_load(np, pv->crl_path, pv->trust, &why);
    if (!set) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s,
                     ZCLOGNO(1501) "provider %s: the changed CRL at %s was not loaded, the previous one stays: %s",
                      pv->id, pv->crl_path, why ? why : "unknown error");
        apr_pool_clear(sl->err_pool);
        sl->last_error = apr_pstrdup(sl->err_pool, why ? why : "unknown error");
        apr_pool_destroy(np);
        return;
    }
    if (sl->set_pool)
        apr_pool_destroy(sl->set_pool);
    sl->set = set;
    sl->set_pool = np;
    sl->loaded_at = now;
    sl->last_error = NULL;
    ap_log_error(APLOG_MARK, APLOG_INFO, 0, s, ZCLOGNO(1502) "provider %s: reloaded %d CRL(s) from %s", pv->id,
                 zc_crl_count(set), pv->crl_path);
}

static zc_err_t zc_revocation_crl(request_rec *r, const zc_provider_t *pv, zc_crl_slot_t *sl, X509 *cert,
                                  const char **why)
{
    if (!pv->crl) {
        *why = "no ZcyCAProviderCRL";
        return ZC_E_CERT_STATUS_UNKNOWN;
    }
    apr_thread_mutex_lock(sl->lock);
    zc_revocation_refresh(r->server, r->pool, pv, sl);
    zc_err_t e = zc_crl_check(r->pool, sl->set, cert, 0, why);
    apr_thread_mutex_unlock(sl->lock);
    return e;
}

/* OCSP through the shared answer cache (zcyca.ocsp_cache): a good or
 * revoked answer is reused by every child and node until it runs out.
 * issuer is the certificate above cert in the verified chain: the request's
 * CertID (issuer name and key hashes) and the response's signer are checked
 * against it, so a look-alike CA the client sends changes nothing. */
static zc_err_t zc_revocation_ocsp(request_rec *r, const zc_provider_t *pv, zc_crl_slot_t *sl, X509 *cert,
                                   X509 *issuer, const char **why)
{
    unsigned char nh[ZC_SHA256_LEN];
    unsigned char *der = NULL;
    int dlen = i2d_X509_NAME(X509_get_issuer_name(cert), &der);
    zc_sha256(der, dlen > 0 ? (size_t)dlen : 0, nh);
    OPENSSL_free(der);
    zc_cert_info_t ci;
    (void)zc_cert_info(r->pool, cert, &ci);
    const char *key = apr_psprintf(r->pool, "%s:%s:%s", pv->id, zc_hex(r->pool, nh, 8), ci.serial);
    const char *v[] = {key};
    PGresult *res;
    zc_err_t e = zc_db_exec(r, ZC_Q_OCSP_CACHE_GET, v, NULL, NULL, &res);
    if (e != ZC_OK)
        return e;
    if (PQntuples(res) == 1) {
        apr_atomic_inc32(&sl->ocsp_hits);
        *why = "OCSP (cached)";
        return strcmp(PQgetvalue(res, 0, 0), "good") == 0 ? ZC_OK : ZC_E_CERT_REVOKED;
    }
    apr_atomic_inc32(&sl->ocsp_misses);
    const char *url = strcmp(pv->ocsp_url, "aia") == 0 ? zc_ocsp_aia_url(r->pool, cert) : pv->ocsp_url;
    if (!url) {
        *why = "the certificate names no OCSP responder (AIA)";
        return ZC_E_CERT_STATUS_UNKNOWN;
    }
    zc_ocsp_result_t o;
    zc_ocsp_query(r->pool, url, cert, issuer, pv->trust, pv->ocsp_responder, pv->ocsp_timeout, &o, why);
    if (o.responder_error) {
        apr_atomic_inc32(&sl->ocsp_errors);
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, ZCLOGNO(1504) "provider %s: OCSP responder %s: %s", pv->id, url,
                      *why ? *why : "no usable answer");
    }
    if (o.status == ZC_OK || o.status == ZC_E_CERT_REVOKED) {
        apr_time_t until = apr_time_now() + apr_time_from_sec(pv->ocsp_max_age);
        if (o.next_update && o.next_update < until)
            until = o.next_update;
        if (!o.next_update && until > apr_time_now() + apr_time_from_sec(300))
            until = apr_time_now() + apr_time_from_sec(300); /* no nextUpdate: ask again soon */
        const char *pv_[] = {key, o.status == ZC_OK ? "good" : "revoked",
                             o.this_update ? apr_psprintf(r->pool, "%" APR_TIME_T_FMT, o.this_update) : NULL,
                             o.next_update ? apr_psprintf(r->pool, "%" APR_TIME_T_FMT, o.next_update) : NULL,
                             apr_psprintf(r->pool, "%" APR_TIME_T_FMT, until)};
        if (pv->ocsp_max_age > 0)
            (void)zc_db_exec(r, ZC_Q_OCSP_CACHE_PUT, pv_, NULL, NULL, &res);
    }
    return o.status;
}

/* One certificate of the chain (cert, issued by issuer) by the methods in
 * order, the first definite answer deciding: ZC_OK, ZC_E_CERT_REVOKED, a
 * database error, or ZC_E_CERT_STATUS_UNKNOWN with *why saying what each
 * method found. */
static zc_err_t zc_revocation_one(request_rec *r, const zc_provider_t *pv, zc_crl_slot_t *sl, const int *order,
                                  X509 *cert, X509 *issuer, const char **why)
{
    const char *unknown = NULL;

    for (int i = 0; i < 2 && order[i]; i++) {
        const char *w = NULL;
        zc_err_t e = order[i] == ZC_REV_CRL ? zc_revocation_crl(r, pv, sl, cert, &w)
                                            : zc_revocation_ocsp(r, pv, sl, cert, issuer, &w);
        if (e != ZC_E_CERT_STATUS_UNKNOWN) {
            *why = w;
            return e;
        }
        unknown = apr_pstrcat(r->pool, unknown ? unknown : "", unknown ? "; " : "",
                              order[i] == ZC_REV_CRL ? "CRL: " : "OCSP: ", w ? w : "unknown", NULL);
    }
    *why = unknown;
    return ZC_E_CERT_STATUS_UNKNOWN;
}

zc_err_t zc_revocation_check(request_rec *r, const zc_provider_t *pv, STACK_OF(X509) *chain, const char **detail)
{
    struct zc_revocation_child_t *rc = zc_srv_cfg(r->server)->g->revocation;
    int order[2] = {pv->revocation_order[0], pv->revocation_order[1]};
    if (!order[0]) { /* default: whatever is configured, CRL first */
        int n = 0;
        if (pv->crl)
            order[n++] = ZC_REV_CRL;
        if (pv->ocsp_url)
            order[n++] = ZC_REV_OCSP;
    }
    if (!order[0] || !rc || pv->index >= rc->n)
        return ZC_OK;
    zc_crl_slot_t *sl = &rc->slots[pv->index];
    int n = chain ? sk_X509_num(chain) : 0;
    if (n < 2) {
        *detail = apr_psprintf(r->pool, "provider %s: no verified chain to check revocation on", pv->id);
        return ZC_E_CERT_STATUS_UNKNOWN;
    }
    const char *unknown = NULL;
    /* The leaf, then every CA certificate up to the top of the chain (the
     * anchor, which is not checked).  A revoked certificate anywhere
     * decides; unknown ones are collected for hard-/soft-fail. */
    for (int c = 0; c + 1 < n; c++) {
        X509 *cert = sk_X509_value(chain, c);
        const char *why = NULL;
        const char *who = c == 0 ? "" : apr_psprintf(r->pool, "CA certificate %s: ",
                                                    zc_cert_name(r->pool, X509_get_subject_name(cert)));
        zc_err_t e = zc_revocation_one(r, pv, sl, order, cert, sk_X509_value(chain, c + 1), &why);
        if (e == ZC_OK)
            continue;
        if (e != ZC_E_CERT_STATUS_UNKNOWN) {
            *detail = apr_psprintf(r->pool, "provider %s: %s%s", pv->id, who, why ? why : "revocation check failed");
            return e;
        }
        unknown = apr_pstrcat(r->pool, unknown ? unknown : "", unknown ? "; " : "", who, why, NULL);
    }
    if (!unknown)
        return ZC_OK;
    if (pv->revocation_soft) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                      ZCLOGNO(1503) "provider %s: revocation status unknown (%s); let through (soft-fail)", pv->id,
                      unknown);
        return ZC_OK;
    }
    *detail = apr_psprintf(r->pool, "provider %s: %s", pv->id, unknown);
    return ZC_E_CERT_STATUS_UNKNOWN;
}

void zc_revocation_info(request_rec *r, const zc_provider_t *pv, zc_revocation_info_t *out)
{
    struct zc_revocation_child_t *rc = zc_srv_cfg(r->server)->g->revocation;
    memset(out, 0, sizeof *out);
    if (!rc || pv->index >= rc->n)
        return;
    zc_crl_slot_t *sl = &rc->slots[pv->index];
    out->ocsp_hits = apr_atomic_read32(&sl->ocsp_hits);
    out->ocsp_misses = apr_atomic_read32(&sl->ocsp_misses);
    out->ocsp_errors = apr_atomic_read32(&sl->ocsp_errors);
    if (!pv->crl)
        return;
    apr_thread_mutex_lock(sl->lock);
    out->configured = 1;
    out->count = zc_crl_count(sl->set);
    out->this_update = zc_crl_this_update(sl->set);
    out->next_update = zc_crl_next_update(sl->set);
    out->loaded_at = sl->loaded_at;
    out->checked_at = sl->checked_at;
    out->last_error = sl->last_error ? apr_pstrdup(r->pool, sl->last_error) : NULL;
    apr_thread_mutex_unlock(sl->lock);
}
