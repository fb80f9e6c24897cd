/* Configuration of mod_zcyca: the process-wide resources of the main
 * server, and the virtual host and directory settings with their create and
 * merge (config.c), directives (config_cmds.c, config_provider.c) and the
 * checks of configtest (config_check.c). */
#ifndef ZC_CONFIG_H
#define ZC_CONFIG_H

#include "mod_zcyca.h"
#include <openssl/x509.h>

typedef struct zc_child_t zc_child_t;   /* db.c */
typedef struct zc_cache_t zc_cache_t;   /* cache.c */

/* Process-wide resources: set by GLOBAL_ONLY directives in the main server
 * and shared by every virtual host (merge copies the pointer). */
typedef struct {
    const char *db_conninfo;
    int pool_min, pool_keep, pool_max;
    long pool_ttl;              /* seconds an idle connection is kept */
    long db_timeout;            /* seconds: connect, statement, pool wait */
    apr_array_header_t *providers;  /* zc_provider_t *, in config order */
    zc_child_t *child;          /* db.c: the connection pool, set in child_init */
    int (*ssl_verify_cb)(int, X509_STORE_CTX *); /* mod_ssl's, wrapped by tls.c */
    long crl_check_interval;    /* seconds between looks at CRL files */
    zc_cache_t *cache;          /* cache.c: ZcyCASessionCache, its key, lock and generation */
    long cache_ttl;             /* ZcyCASessionCacheTTL */
    struct zc_revocation_child_t *revocation; /* revocation.c: the CRLs in force, set in child_init */
    long housekeeping_interval; /* ZcyCAHousekeeping seconds; 0: off (housekeeping.c) */
    long audit_keep_months;     /* ZcyCAAuditRetention; 0: forever */
} zc_global_t;

/* Server (virtual host) settings.  Each field has a _set bit so a virtual
 * host can set a value back to the default explicitly. */
#define ZC_SRV_FIELDS(X)                                                  \
    X(apr_array_header_t *, origins, NULL) /* normalised origins */       \
    X(long, session_idle, 1800)                                           \
    X(long, session_max, 28800)                                           \
    X(const char *, cookie_name, "zcyca_session")                         \
    X(const char *, cookie_attrs, "Path=/; SameSite=Lax")                 \
    X(const char *, prelogin_cookie, "zcyca_pre")                         \
    X(long, max_body, 65536)                                              \
    X(long, challenge_ttl, 120)                                           \
    X(int, tls_login, 0)                                                  \
    X(long, expiry_warning, 30) /* days before notAfter that warn */   \
    X(long, throttle_max, 10)    /* failed logins per window; 0: off */   \
    X(long, throttle_window, 300)                                         \
    X(long, challenge_limit, 300) /* challenges per address per window; 0: off */ \
    X(long, challenge_window, 60)                                         \
    X(long, audit_sample, 10)    /* full rows per hour, event and code of anonymous refusals */ \
    X(long, audit_summary_days, 180) /* zcyca.audit_summary retention */

#define ZC_DIR_FIELDS(X)                                                  \
    X(const char *, login_url, NULL)                                      \
    X(const char *, after_login, "/")                                     \
    X(const char *, manage_url, NULL)   /* CA管理, linked from NOT_BOUND */  \
    X(const char *, tls_login_url, NULL) /* /ca/login on the mTLS host */   \
    X(apr_array_header_t *, password_providers, NULL) /* authn names */

#define ZC_DECL_FIELD(t, n, d) t n; unsigned n##_set : 1;

typedef struct {
    zc_global_t *g;
    ZC_SRV_FIELDS(ZC_DECL_FIELD)
} zc_srv_cfg_t;

typedef struct {
    ZC_DIR_FIELDS(ZC_DECL_FIELD)
} zc_dir_cfg_t;

static inline zc_srv_cfg_t *zc_srv_cfg(const server_rec *s)
{
    return ap_get_module_config(s->module_config, &zcyca_module);
}

static inline zc_dir_cfg_t *zc_dir_cfg(const request_rec *r)
{
    return ap_get_module_config(r->per_dir_config, &zcyca_module);
}

/* config.c */
void *zc_create_srv_cfg(apr_pool_t *p, server_rec *s);
void *zc_merge_srv_cfg(apr_pool_t *p, void *base, void *add);
void *zc_create_dir_cfg(apr_pool_t *p, char *dir);
void *zc_merge_dir_cfg(apr_pool_t *p, void *base, void *add);
const zc_provider_t *zc_provider_find(const zc_global_t *g, const char *id);

/* config_cmds.c */
extern const command_rec zc_cmds[];

/* config_check.c: the check_config hook (validation and trust loading) */
int zc_config_check(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s);

#endif
