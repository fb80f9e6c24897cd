/* Session look-ups through httpd's socache (shmcb on one node, memcache or
 * redis across nodes), the mod_authn_socache way: the provider is resolved
 * by the directive, the global mutex exists only for providers that are not
 * MP-safe, and every store happens under it (never skipped on a busy lock).
 * An entry holds what AuthType zcyca needs (session_entry.c, a binary
 * record: no JSON parse on the hot path); PostgreSQL stays the truth. */
#include "cache.h"
#include "crypto_util.h"
#include "ap_socache.h"
#include "http_core.h"
#include "ap_provider.h"
#include "util_mutex.h"
#include "apr_strings.h"
#include "apr_shm.h"
#include "apr_atomic.h"
#include "apr_file_io.h"
#include "http_config.h"
#include <openssl/crypto.h>
#include <openssl/rand.h>

#define ZC_CACHE_MUTEX "zcyca-session-cache"
#define ZC_CACHE_MAX 4096

struct zc_cache_t {
    const ap_socache_provider_t *provider; /* NULL: no ZcyCASessionCache */
    ap_socache_instance_t *instance;
    apr_global_mutex_t *mutex;  /* only for providers that are not MP-safe */
    apr_uint32_t *generation;   /* shared memory, moved on by every removal */
    int node_local;             /* shmcb, dbm: only this node's children change it */
    unsigned char mac_key[32];  /* MAC of the entries (session_entry.h) */
    const char *key_file;       /* ZcyCASessionCacheKey; NULL: a random key per start */
};

zc_cache_t *zc_cache_new(apr_pool_t *p)
{
    return apr_pcalloc(p, sizeof(zc_cache_t));
}

int zc_cache_on(const zc_global_t *g)
{
    return g->cache->provider != NULL;
}

int zc_cache_shared_without_key(const zc_global_t *g)
{
    return g->cache->provider && !g->cache->node_local && !g->cache->key_file;
}

const char *zc_cache_configure(cmd_parms *cmd, const char *arg)
{
    zc_global_t *g = zc_srv_cfg(cmd->server)->g;
    const char *sep = strchr(arg, ':');
    const char *name = sep ? apr_pstrmemdup(cmd->pool, arg, (apr_size_t)(sep - arg)) : arg;
    g->cache->provider = ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, name, AP_SOCACHE_PROVIDER_VERSION);
    if (!g->cache->provider)
        return apr_psprintf(cmd->pool, "%s %s: no socache provider '%s' is loaded (load socache_%s_module, "
                            "e.g. a2enmod socache_%s)", cmd->cmd->name, arg, name, name, name);
    /* Only a cache that no other node writes can vouch for a connection's
     * memo: a shared one (memcache, redis) loses entries to other nodes'
     * logouts without this node hearing of it until the session event. */
    g->cache->node_local = strcmp(name, "shmcb") == 0 || strcmp(name, "dbm") == 0;
    const char *err = g->cache->provider->create(&g->cache->instance, sep ? sep + 1 : NULL, cmd->temp_pool, cmd->pool);
    if (err)
        return apr_psprintf(cmd->pool, "%s %s: %s", cmd->cmd->name, arg, err);
    return NULL;
}

/* ZcyCASessionCacheKey <file>: the entries' MAC key is the SHA-256 of the
 * file, so every node that reads the same file (any length from 32 bytes)
 * accepts the others' entries, and nobody who can only write to the cache
 * can make one.  Read while the configuration is read, as root. */
const char *zc_cache_key_file(cmd_parms *cmd, const char *arg)
{
    zc_global_t *g = zc_srv_cfg(cmd->server)->g;
    const char *path = ap_server_root_relative(cmd->pool, arg);
    char *data;
    apr_size_t n;
    apr_file_t *f;
    apr_finfo_t fi;
    const char *ex = "/etc/zcyca/session-cache.key (32 random bytes or more: openssl rand -out FILE 48)";
    if (!path || apr_file_open(&f, path, APR_FOPEN_READ | APR_FOPEN_BINARY, 0, cmd->temp_pool) != APR_SUCCESS)
        return apr_psprintf(cmd->pool, "%s %s: cannot read the file (example: %s %s)", cmd->cmd->name, arg,
                            cmd->cmd->name, ex);
    if (apr_file_info_get(&fi, APR_FINFO_SIZE, f) != APR_SUCCESS || fi.size < 32 || fi.size > 4096) {
        apr_file_close(f);
        return apr_psprintf(cmd->pool, "%s %s: the key file must hold 32 to 4096 bytes (example: %s %s)",
                            cmd->cmd->name, arg, cmd->cmd->name, ex);
    }
    n = (apr_size_t)fi.size;
    data = apr_palloc(cmd->temp_pool, n);
    apr_status_t rv = apr_file_read_full(f, data, n, &n);
    apr_file_close(f);
    if (rv != APR_SUCCESS)
        return apr_psprintf(cmd->pool, "%s %s: cannot read the file", cmd->cmd->name, arg);
    zc_sha256(data, n, g->cache->mac_key);
    OPENSSL_cleanse(data, n);
    g->cache->key_file = path;
    return NULL;
}

/* Every cache hit takes the mutex when the provider is not MP-safe
 * (shmcb), so its default is a process-shared pthread mutex: uncontended,
 * it stays in user space, where the platform default on Linux (fcntl)
 * costs two system calls per look-up and queues children in the kernel.
 * APR makes it robust, so a child that dies holding it does not wedge the
 * others.  "Mutex <mech> zcyca-session-cache" still overrides it. */
int zc_cache_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
#if APR_HAS_PROC_PTHREAD_SERIALIZE
    ap_mutex_register(pconf, ZC_CACHE_MUTEX, NULL, APR_LOCK_PROC_PTHREAD, 0);
#else
    ap_mutex_register(pconf, ZC_CACHE_MUTEX, NULL, APR_LOCK_DEFAULT, 0);
#endif
    return OK;
}

static apr_status_t zc_cache_destroy(void *data)
{
    zc_global_t *g = data;
    g->cache->provider->destroy(g->cache->instance, NULL);
    return APR_SUCCESS;
}

int zc_cache_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    zc_global_t *g = zc_srv_cfg(s)->g;
    if (!g->cache->provider || ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG)
        return OK;
    /* Without a key file, a random key for this start: the children inherit
     * it, and only this node's entries are valid (all a node-local cache has). */
    if (!g->cache->key_file && RAND_priv_bytes(g->cache->mac_key, sizeof g->cache->mac_key) != 1) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, ZCLOGNO(1707) "random generator failed for the session cache key");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (g->cache->provider->flags & AP_SOCACHE_FLAG_NOTMPSAFE) {
        apr_status_t rv = ap_global_mutex_create(&g->cache->mutex, NULL, ZC_CACHE_MUTEX, NULL, s, pconf, 0);
        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, ZCLOGNO(1701) "cannot create the session cache mutex");
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    struct ap_socache_hints hints = {.avg_id_len = 32, .avg_obj_size = 512, .expiry_interval = 30};
    apr_status_t rv = g->cache->provider->init(g->cache->instance, "zcyca-session", &hints, s, pconf);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, ZCLOGNO(1702) "cannot initialise the session cache");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    apr_pool_cleanup_register(pconf, g, zc_cache_destroy, apr_pool_cleanup_null);
    /* One counter the children share (anonymous shared memory, inherited at
     * fork): without it the connection memo stays off, nothing else. */
    apr_shm_t *shm;
    g->cache->generation = NULL;
    rv = apr_shm_create(&shm, sizeof(apr_uint32_t), NULL, pconf);
    if (rv == APR_SUCCESS) {
        g->cache->generation = apr_shm_baseaddr_get(shm);
        apr_atomic_set32(g->cache->generation, 1);
    }
    else
        ap_log_error(APLOG_MARK, APLOG_WARNING, rv, s, ZCLOGNO(1705) "no shared memory for the session cache "
                     "generation: each request's session comes from the session cache (no per-connection memo)");
    return OK;
}

void zc_cache_child_init(apr_pool_t *pchild, server_rec *s)
{
    zc_global_t *g = zc_srv_cfg(s)->g;
    if (g->cache->mutex
        && apr_global_mutex_child_init(&g->cache->mutex, apr_global_mutex_lockfile(g->cache->mutex), pchild) != APR_SUCCESS)
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, ZCLOGNO(1703) "cannot attach the session cache mutex in this child");
}

static int zc_cache_lock(zc_global_t *g)
{
    return !g->cache->mutex || apr_global_mutex_lock(g->cache->mutex) == APR_SUCCESS;
}

static void zc_cache_unlock(zc_global_t *g)
{
    if (g->cache->mutex)
        apr_global_mutex_unlock(g->cache->mutex);
}

int zc_cache_get(request_rec *r, const unsigned char *hash, zc_session_t *s)
{
    zc_global_t *g = zc_srv_cfg(r->server)->g;
    if (!g->cache->provider)
        return 0;
    unsigned char buf[ZC_CACHE_MAX];
    unsigned int len = sizeof buf;
    apr_status_t rv = APR_EGENERAL;
    if (zc_cache_lock(g)) {
        rv = g->cache->provider->retrieve(g->cache->instance, r->server, hash, ZC_SHA256_LEN, buf, &len, r->pool);
        zc_cache_unlock(g);
    }
    return rv == APR_SUCCESS
           && zc_session_entry_decode(r->pool, buf, len, g->cache->mac_key, hash, apr_time_now(), s);
}

/* The node's cache generation as it is now (0 without the shared number). */
static apr_uint32_t zc_cache_generation_now(const server_rec *s)
{
    zc_global_t *g = zc_srv_cfg(s)->g;
    return g->cache->generation ? apr_atomic_read32(g->cache->generation) : 0;
}

void zc_cache_put(request_rec *r, const unsigned char *hash, const zc_session_t *s, apr_uint32_t gen)
{
    zc_global_t *g = zc_srv_cfg(r->server)->g;
    if (!g->cache->provider)
        return;
    unsigned int len;
    unsigned char *data = zc_session_entry_encode(r->pool, s, g->cache->mac_key, hash, &len);
    apr_time_t until = apr_time_now() + apr_time_from_sec(g->cache_ttl);
    if (s->expires_at < until)
        until = s->expires_at;
    if (!data || len > ZC_CACHE_MAX || !zc_cache_lock(g))
        return;
    /* A removal since the session was read (a logout, an unbind, a session
     * event) means what was read may be gone: never put it back.  Removals
     * move the generation under the same lock, before and after. */
    apr_status_t rv = APR_SUCCESS;
    int moved = zc_cache_generation_now(r->server) != gen;
    if (!moved)
        rv = g->cache->provider->store(g->cache->instance, r->server, hash, ZC_SHA256_LEN, until, data, len, r->pool);
    zc_cache_unlock(g);
    /* Caches without a lock (memcache, redis): a removal may have run
     * between the check and the store; take the entry back out. */
    if (!moved && !g->cache->mutex && zc_cache_generation_now(r->server) != gen)
        g->cache->provider->remove(g->cache->instance, r->server, hash, ZC_SHA256_LEN, r->pool);
    if (rv != APR_SUCCESS)
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, rv, r, ZCLOGNO(1704) "session not stored in the cache");
}

void zc_cache_remove_in(server_rec *s, apr_pool_t *p, const unsigned char *hash)
{
    zc_global_t *g = zc_srv_cfg(s)->g;
    if (!g->cache->provider)
        return;
    if (!zc_cache_lock(g)) {
        /* The entry stays until its TTL; at least no memo or pending put
         * may use what it held. */
        zc_cache_generation_bump(s);
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     ZCLOGNO(1706) "session cache lock failed; an ended session stays cached until ZcyCASessionCacheTTL");
        return;
    }
    /* Before: a put that read the session earlier sees the move and keeps
     * out.  After: a memo taken before the removal carries the old number. */
    zc_cache_generation_bump(s);
    g->cache->provider->remove(g->cache->instance, s, hash, ZC_SHA256_LEN, p);
    zc_cache_generation_bump(s);
    zc_cache_unlock(g);
}

void zc_cache_generation_bump(server_rec *s)
{
    zc_global_t *g = zc_srv_cfg(s)->g;
    if (g->cache->generation)
        apr_atomic_inc32(g->cache->generation);
}

int zc_cache_generation(const server_rec *s, apr_uint32_t *gen)
{
    zc_global_t *g = zc_srv_cfg(s)->g;
    *gen = zc_cache_generation_now(s);
    return g->cache->provider && g->cache->generation && g->cache->node_local;
}

void zc_cache_remove(request_rec *r, const unsigned char *hash)
{
    zc_cache_remove_in(r->server, r->pool, hash);
}
