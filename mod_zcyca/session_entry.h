/* A loaded session and its session-cache entry (pure: no httpd headers).
 *
 * The entry is a small binary record, not JSON: it is read on every
 * protected request, and with a shared cache (redis, memcache) nodes of
 * different builds may read each other's entries, so it carries a version
 * and anything unexpected reads as a miss, never as a session. */
#ifndef ZC_SESSION_ENTRY_H
#define ZC_SESSION_ENTRY_H

#include <apr_pools.h>
#include <apr_time.h>

typedef struct {
    const char *token_hash_hex;  /* for logs: 8 hex chars only */
    apr_int64_t account_id;
    const char *login, *display_name, *region;
    const char *method;          /* "ca" | "password" */
    const char *provider_id, *key_id;
    apr_int64_t binding_id;      /* 0 when none */
    apr_time_t cert_not_after;   /* 0 when none */
    apr_time_t created_at, last_seen_at, expires_at, idle_expires_at;
    apr_time_t cached_at;        /* when PostgreSQL last vouched for it (read or touch) */
    /* RFC 3339 forms for the ZCYCA_* variables when already made (the
     * connection memo keeps them); NULL: format on use.  Not in the entry. */
    const char *cert_not_after_text, *expires_text;
} zc_session_t;

/* Layout, version 3 (integers little-endian whatever the host):
 *   "ZS" 0x03 0x00
 *   int64 account_id, binding_id, cert_not_after, created_at, last_seen_at, expires_at, cached_at
 *   login NUL display_name NUL region NUL method NUL provider_id NUL key_id NUL
 *   HMAC-SHA256(key, token hash || everything above): 32 bytes
 * A NULL string is stored empty; provider_id and key_id read back empty as NULL.
 *
 * The MAC: whoever can write to a shared cache (redis, memcache) must not be
 * able to make a session, nor move one to a token of their choosing, so the
 * MAC covers the entry and the key it is stored under.  Its key is the
 * server's (ZcyCASessionCacheKey), never the cache's. */
#define ZC_SESSION_ENTRY_HEAD (4 + 7 * 8)
#define ZC_SESSION_ENTRY_MAC 32
#define ZC_SESSION_MAC_KEY_LEN 32
#define ZC_SESSION_TOKEN_HASH_LEN 32
/* How far cached_at may lie in the future (another node's clock). */
#define ZC_SESSION_ENTRY_SKEW apr_time_from_sec(5)

/* The entry for s, stored under token hash `hash`, in p; *len its size.
 * NULL when the MAC cannot be computed. */
unsigned char *zc_session_entry_encode(apr_pool_t *p, const zc_session_t *s, const unsigned char *key,
                                       const unsigned char *hash, unsigned int *len);

/* 1 and *s filled (strings copied into p) when buf is a well-formed entry of
 * this version with an account, a login and a method, whose MAC under key
 * matches it stored under `hash`, and whose cached_at is not later than
 * now + ZC_SESSION_ENTRY_SKEW; 0 otherwise. */
int zc_session_entry_decode(apr_pool_t *p, const unsigned char *buf, unsigned int len, const unsigned char *key,
                            const unsigned char *hash, apr_time_t now, zc_session_t *s);

#endif
