/* Session look-ups through httpd's socache (shmcb on one node, memcache or
 * redis across nodes), the mod_authn_socache way: the provider is resolved
 * by the directive, the global mutex exists only for providers that are not
 * MP-safe, and every store happens under it (never skipped on a busy lock).
 * An entry holds what AuthType zcyca needs; PostgreSQL stays the truth. */
#include "cache.h"
#include "crypto_util.h"
#include "json_req.h"
#include "ap_socache.h"
#include "http_core.h"
#include "ap_provider.h"
#include "util_mutex.h"
#include "apr_strings.h"
#include <jansson.h>

#define ZC_CACHE_MUTEX "zcyca-session-cache"
#define ZC_CACHE_MAX 4096

const char *zc_cache_configure(cmd_parms *cmd, const char *arg)
{
    zc_global_t *g = zc_srv_cfg(cmd->server)->g;
    const char *sep = strchr(arg, ':');
    const char *name = sep ? apr_pstrmemdup(cmd->pool, arg, (apr_size_t)(sep - arg)) : arg;
    g->cache_provider = ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, name, AP_SOCACHE_PROVIDER_VERSION);
    if (!g->cache_provider)
        return apr_psprintf(cmd->pool, "%s %s: no socache provider '%s' is loaded (load socache_%s_module, "
                            "e.g. a2enmod socache_%s)", cmd->cmd->name, arg, name, name, name);
    const char *err = g->cache_provider->create(&g->cache, sep ? sep + 1 : NULL, cmd->temp_pool, cmd->pool);
    if (err)
        return apr_psprintf(cmd->pool, "%s %s: %s", cmd->cmd->name, arg, err);
    return NULL;
}

void zc_cache_pre_config(apr_pool_t *pconf)
{
    ap_mutex_register(pconf, ZC_CACHE_MUTEX, NULL, APR_LOCK_DEFAULT, 0);
}

static apr_status_t zc_cache_destroy(void *data)
{
    zc_global_t *g = data;
    g->cache_provider->destroy(g->cache, NULL);
    return APR_SUCCESS;
}

int zc_cache_post_config(apr_pool_t *pconf, server_rec *s)
{
    zc_global_t *g = zc_srv_cfg(s)->g;
    if (!g->cache_provider || ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG)
        return OK;
    if (g->cache_provider->flags & AP_SOCACHE_FLAG_NOTMPSAFE) {
        apr_status_t rv = ap_global_mutex_create(&g->cache_mutex, NULL, ZC_CACHE_MUTEX, NULL, s, pconf, 0);
        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, ZCLOGNO(1701) "cannot create the session cache mutex");
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    struct ap_socache_hints hints = {.avg_id_len = 32, .avg_obj_size = 512, .expiry_interval = 30};
    apr_status_t rv = g->cache_provider->init(g->cache, "zcyca-session", &hints, s, pconf);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, ZCLOGNO(1702) "cannot initialise the session cache");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    apr_pool_cleanup_register(pconf, g, zc_cache_destroy, apr_pool_cleanup_null);
    return OK;
}

void zc_cache_child_init(apr_pool_t *pchild, server_rec *s)
{
    zc_global_t *g = zc_srv_cfg(s)->g;
    if (g->cache_mutex
        && apr_global_mutex_child_init(&g->cache_mutex, apr_global_mutex_lockfile(g->cache_mutex), pchild) != APR_SUCCESS)
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, ZCLOGNO(1703) "cannot attach the session cache mutex in this child");
}

static int zc_cache_lock(zc_global_t *g)
{
    return !g->cache_mutex || apr_global_mutex_lock(g->cache_mutex) == APR_SUCCESS;
}

static void zc_cache_unlock(zc_global_t *g)
{
    if (g->cache_mutex)
        apr_global_mutex_unlock(g->cache_mutex);
}

static const char *zc_cache_str(json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v && *v ? v : NULL;
}

static apr_time_t zc_cache_int(json_t *o, const char *k)
{
    return (apr_time_t)json_integer_value(json_object_get(o, k));
}

int zc_cache_get(request_rec *r, const unsigned char *hash, zc_session_t *s)
{
    zc_global_t *g = zc_srv_cfg(r->server)->g;
    if (!g->cache_provider)
        return 0;
    unsigned char buf[ZC_CACHE_MAX];
    unsigned int len = sizeof buf - 1;
    apr_status_t rv = APR_EGENERAL;
    if (zc_cache_lock(g)) {
        rv = g->cache_provider->retrieve(g->cache, r->server, hash, ZC_SHA256_LEN, buf, &len, r->pool);
        zc_cache_unlock(g);
    }
    if (rv != APR_SUCCESS)
        return 0;
    json_error_t jerr;
    json_t *o = json_loadb((const char *)buf, len, 0, &jerr);
    if (!o)
        return 0;
    s->account_id = (apr_int64_t)json_integer_value(json_object_get(o, "a"));
    s->login = apr_pstrdup(r->pool, zc_cache_str(o, "l") ? zc_cache_str(o, "l") : "");
    s->display_name = apr_pstrdup(r->pool, zc_cache_str(o, "n") ? zc_cache_str(o, "n") : "");
    s->region = apr_pstrdup(r->pool, zc_cache_str(o, "r") ? zc_cache_str(o, "r") : "");
    s->method = apr_pstrdup(r->pool, zc_cache_str(o, "m") ? zc_cache_str(o, "m") : "");
    s->provider_id = zc_cache_str(o, "p") ? apr_pstrdup(r->pool, zc_cache_str(o, "p")) : NULL;
    s->key_id = zc_cache_str(o, "k") ? apr_pstrdup(r->pool, zc_cache_str(o, "k")) : NULL;
    s->binding_id = (apr_int64_t)json_integer_value(json_object_get(o, "b"));
    s->cert_not_after = zc_cache_int(o, "c");
    s->created_at = zc_cache_int(o, "cr");
    s->last_seen_at = zc_cache_int(o, "ls");
    s->expires_at = zc_cache_int(o, "e");
    json_decref(o);
    return s->account_id > 0 && *s->login && *s->method;
}

void zc_cache_put(request_rec *r, const unsigned char *hash, const zc_session_t *s)
{
    zc_global_t *g = zc_srv_cfg(r->server)->g;
    if (!g->cache_provider)
        return;
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "a", (json_int_t)s->account_id,
                          "l", s->login, "n", s->display_name ? s->display_name : "", "r", s->region ? s->region : "",
                          "m", s->method, "p", s->provider_id ? s->provider_id : "", "k", s->key_id ? s->key_id : "",
                          "b", (json_int_t)s->binding_id, "c", (json_int_t)s->cert_not_after, "cr",
                          (json_int_t)s->created_at, "ls", (json_int_t)s->last_seen_at, "e", (json_int_t)s->expires_at);
    if (!o)
        return;
    const char *data = zc_json_dump(r->pool, o);
    size_t len = strlen(data);
    apr_time_t until = apr_time_now() + apr_time_from_sec(g->cache_ttl);
    if (s->expires_at < until)
        until = s->expires_at;
    if (len >= ZC_CACHE_MAX || !zc_cache_lock(g))
        return;
    apr_status_t rv = g->cache_provider->store(g->cache, r->server, hash, ZC_SHA256_LEN, until,
                                               (unsigned char *)data, (unsigned int)len, r->pool);
    zc_cache_unlock(g);
    if (rv != APR_SUCCESS)
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, rv, r, ZCLOGNO(1704) "session not stored in the cache");
}

void zc_cache_remove(request_rec *r, const unsigned char *hash)
{
    zc_global_t *g = zc_srv_cfg(r->server)->g;
    if (!g->cache_provider || !zc_cache_lock(g))
        return;
    g->cache_provider->remove(g->cache, r->server, hash, ZC_SHA256_LEN, r->pool);
    zc_cache_unlock(g);
}
