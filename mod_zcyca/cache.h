/* The session cache: httpd's socache in front of zcyca.sessions (cache.c). */
#ifndef ZC_CACHE_H
#define ZC_CACHE_H

#include "config.h"

/* The cache's state (zc_global_t.cache), empty until a directive fills it. */
zc_cache_t *zc_cache_new(apr_pool_t *p);

/* Whether ZcyCASessionCache is configured. */
int zc_cache_on(const zc_global_t *g);

/* A cache that other nodes write too, with no ZcyCASessionCacheKey: its
 * entries could not be authenticated across nodes (configtest refuses it). */
int zc_cache_shared_without_key(const zc_global_t *g);

/* ZcyCASessionCache <provider>[:args]: resolve and create it now, so a
 * missing socache module fails configtest naming it. */
const char *zc_cache_configure(cmd_parms *cmd, const char *arg);

/* Hooks: pre_config registers the mutex name, post_config creates the
 * cache, its mutex and its generation, child_init joins the mutex. */
int zc_cache_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp);
int zc_cache_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s);
void zc_cache_child_init(apr_pool_t *pchild, server_rec *s);

/* 1 and *s filled when the token hash has an entry (PostgreSQL stays the
 * truth: callers re-check expiry and fall back to it). */
int zc_cache_get(request_rec *r, const unsigned char *hash, zc_session_t *s);
/* ZcyCASessionCacheKey: the MAC key of the entries, from a file. */
const char *zc_cache_key_file(cmd_parms *cmd, const char *arg);

/* Store s under hash for at most ZcyCASessionCacheTTL, never past the
 * session's end, unless the node's cache generation moved from gen (from
 * zc_cache_generation before s was read): a removal since then may have
 * ended the session. */
void zc_cache_put(request_rec *r, const unsigned char *hash, const zc_session_t *s, apr_uint32_t gen);

void zc_cache_remove(request_rec *r, const unsigned char *hash);
/* The same outside a request (the session-event listener). */
void zc_cache_remove_in(server_rec *s, apr_pool_t *p, const unsigned char *hash);

/* The node's cache generation: a number every removal from the session
 * cache (a request's, or a session event's) moves on.  A copy of an entry
 * taken under generation n is as good as the cache while the number is
 * still n.  *gen gets it (for zc_cache_put) in any case; the answer is 0
 * when there is no cache, no shared counter, or a cache other nodes write
 * too (memcache, redis): keep no copies then. */
int zc_cache_generation(const server_rec *s, apr_uint32_t *gen);
/* Move it on without a removal: the session events were missed for a while. */
void zc_cache_generation_bump(server_rec *s);

#endif
