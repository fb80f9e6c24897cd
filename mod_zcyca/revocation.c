/* CRLs without restarts.  Each child keeps, per provider, the CRL set it
 * checks against.  A request that finds the set older than
 * ZcyCACRLCheckInterval stats the files; only when they changed is the set
 * reloaded, into a fresh pool, and swapped in.  The slot's mutex is held for
 * the (fast, read-only) check too, so an old set is never freed under a
 * reader. */
#include "revocation.h"
#include "crl.h"
#include "apr_strings.h"
#include "apr_thread_mutex.h"

typedef struct {
    apr_thread_mutex_t *lock;
    zc_crlset_t *set;
    apr_pool_t *set_pool;      /* NULL for the set from the configuration */
    apr_time_t loaded_at, checked_at;
    const char *last_error;    /* allocated from err_pool */
    apr_pool_t *err_pool;
} zc_crl_slot_t;

struct zc_revocation_child_t {
    apr_pool_t *pool;
    zc_crl_slot_t *slots;      /* one per provider, by index */
    int n;
};

void zc_revocation_child_init(apr_pool_t *pchild, server_rec *s)
{
    zc_global_t *g = zc_srv_cfg(s)->g;
    struct zc_revocation_child_t *rc = apr_pcalloc(pchild, sizeof *rc);
    rc->pool = pchild;
    rc->n = g->providers->nelts;
    rc->slots = apr_pcalloc(pchild, (apr_size_t)(rc->n ? rc->n : 1) * sizeof *rc->slots);
    for (int i = 0; i < rc->n; i++) {
        const zc_provider_t *pv = APR_ARRAY_IDX(g->providers, i, zc_provider_t *);
        zc_crl_slot_t *sl = &rc->slots[i];
        if (!pv->crl)
            continue;
        apr_thread_mutex_create(&sl->lock, APR_THREAD_MUTEX_DEFAULT, pchild);
        apr_pool_create(&sl->err_pool, pchild);
        sl->set = pv->crl;
        sl->loaded_at = sl->checked_at = apr_time_now();
    }
    g->revocation = rc;
}

/* Under the slot's lock: look at the files, reload when they changed. */
static void zc_revocation_refresh(request_rec *r, const zc_provider_t *pv, zc_crl_slot_t *sl)
{
    zc_global_t *g = zc_srv_cfg(r->server)->g;
    apr_time_t now = apr_time_now();
    if (now - sl->checked_at < apr_time_from_sec(g->crl_check_interval))
        return;
    sl->checked_at = now;
    if (!zc_crl_changed(r->pool, sl->set))
        return;
    apr_pool_t *np;
    const char *why = NULL;
    apr_pool_create(&np, g->revocation->pool);
    zc_crlset_t *set = zc_crl_load(np, pv->crl_path, pv->trust, &why);
    if (!set) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
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
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, ZCLOGNO(1502) "provider %s: reloaded %d CRL(s) from %s", pv->id,
                  zc_crl_count(set), pv->crl_path);
}

zc_err_t zc_revocation_check(request_rec *r, const zc_provider_t *pv, X509 *leaf, const char **detail)
{
    struct zc_revocation_child_t *rc = zc_srv_cfg(r->server)->g->revocation;
    if (!pv->crl || !rc || pv->index >= rc->n)
        return ZC_OK;
    zc_crl_slot_t *sl = &rc->slots[pv->index];
    apr_thread_mutex_lock(sl->lock);
    zc_revocation_refresh(r, pv, sl);
    const char *why = NULL;
    zc_err_t e = zc_crl_check(r->pool, sl->set, leaf, 0, &why);
    apr_thread_mutex_unlock(sl->lock);
    if (e == ZC_E_CERT_STATUS_UNKNOWN && pv->revocation_soft) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                      ZCLOGNO(1503) "provider %s: revocation status unknown (%s); let through (soft-fail)", pv->id,
                      why ? why : "no CRL");
        return ZC_OK;
    }
    if (e != ZC_OK)
        *detail = apr_psprintf(r->pool, "provider %s: %s", pv->id, why ? why : "revocation check failed");
    return e;
}

void zc_revocation_info(request_rec *r, const zc_provider_t *pv, zc_revocation_info_t *out)
{
    struct zc_revocation_child_t *rc = zc_srv_cfg(r->server)->g->revocation;
    memset(out, 0, sizeof *out);
    if (!pv->crl || !rc || pv->index >= rc->n)
        return;
    zc_crl_slot_t *sl = &rc->slots[pv->index];
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
