/* Configuration structures: create and merge.  Every field is listed once
 * in config.h (ZC_SRV_FIELDS / ZC_DIR_FIELDS); the macros below turn that
 * list into defaults and merge rules, so no field is merged by hand. */
#include "config.h"
#include "cache.h"

#define ZC_DEFAULT(t, n, d) c->n = d;
#define ZC_MERGE(t, n, d)                          \
    c->n = add->n##_set ? add->n : base->n;        \
    c->n##_set = add->n##_set | base->n##_set;

void *zc_create_srv_cfg(apr_pool_t *p, server_rec *s)
{
    zc_srv_cfg_t *c = apr_pcalloc(p, sizeof *c);
    ZC_SRV_FIELDS(ZC_DEFAULT)
    c->g = apr_pcalloc(p, sizeof *c->g);
    c->g->pool_min = 0;
    c->g->pool_keep = 2;
    c->g->pool_max = 8;
    c->g->pool_ttl = 300;
    c->g->db_timeout = 5;
    c->g->crl_check_interval = 60;
    c->g->cache_ttl = 60;
    c->g->housekeeping_interval = 60;
    c->g->cache = zc_cache_new(p);
    c->g->providers = apr_array_make(p, 4, sizeof(zc_provider_t *));
    return c;
}

void *zc_merge_srv_cfg(apr_pool_t *p, void *base_, void *add_)
{
    zc_srv_cfg_t *base = base_, *add = add_;
    zc_srv_cfg_t *c = apr_pcalloc(p, sizeof *c);
    ZC_SRV_FIELDS(ZC_MERGE)
    /* Process-wide resources always come from the main server. */
    c->g = base->g;
    return c;
}

void *zc_create_dir_cfg(apr_pool_t *p, char *dir)
{
    zc_dir_cfg_t *c = apr_pcalloc(p, sizeof *c);
    ZC_DIR_FIELDS(ZC_DEFAULT)
    return c;
}

void *zc_merge_dir_cfg(apr_pool_t *p, void *base_, void *add_)
{
    zc_dir_cfg_t *base = base_, *add = add_;
    zc_dir_cfg_t *c = apr_pcalloc(p, sizeof *c);
    ZC_DIR_FIELDS(ZC_MERGE)
    return c;
}

const zc_provider_t *zc_provider_find(const zc_global_t *g, const char *id)
{
    if (!id)
        return NULL;
    for (int i = 0; i < g->providers->nelts; i++) {
        const zc_provider_t *pv = APR_ARRAY_IDX(g->providers, i, zc_provider_t *);
        if (strcmp(pv->id, id) == 0)
            return pv;
    }
    return NULL;
}

zc_req_t *zc_req(request_rec *r)
{
    request_rec *main = zc_top_request(r);
    zc_req_t *rq = ap_get_module_config(main->request_config, &zcyca_module);
    if (!rq) {
        rq = apr_pcalloc(main->pool, sizeof *rq);
        ap_set_module_config(main->request_config, &zcyca_module, rq);
    }
    return rq;
}
