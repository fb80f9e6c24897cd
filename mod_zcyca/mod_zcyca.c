/* mod_zcyca: CA certificate ("CA lock") login for httpd.
 * register_hooks is the table of contents; routes are data. */
#include "config.h"
#include "db.h"
#include "handlers.h"
#include "identity.h"
#include "tls.h"
#include "revocation.h"
#include "cache.h"
#include "session_events.h"
#include "housekeeping.h"
#include "crypto_util.h"
#include "http_protocol.h"
#include "http_request.h"
#include "mod_auth.h"
#include "util_filter.h"

typedef struct {
    const char *name;       /* SetHandler value */
    apr_int64_t methods;    /* allowed methods (AP_METHOD_BIT << M_*) */
    int (*handler)(request_rec *r);
} zc_route_t;

#define ZC_M(m) (AP_METHOD_BIT << (m))

static const zc_route_t zc_routes[] = {
    {"zcyca-providers", ZC_M(M_GET), zc_h_providers},
    {"zcyca-challenge", ZC_M(M_POST), zc_h_challenge},
    {"zcyca-login", ZC_M(M_POST), zc_h_login},
    {"zcyca-password-login", ZC_M(M_POST), zc_h_password_login},
    {"zcyca-logout", ZC_M(M_POST), zc_h_logout},
    {"zcyca-session", ZC_M(M_GET), zc_h_session},
    {"zcyca-bindings", ZC_M(M_GET) | ZC_M(M_POST) | ZC_M(M_DELETE), zc_h_bindings},
    {"zcyca-admin", ZC_M(M_GET) | ZC_M(M_PUT) | ZC_M(M_DELETE), zc_h_admin},
};

static int zc_hook_handler(request_rec *r)
{
    if (!r->handler || strncmp(r->handler, "zcyca-", 6) != 0)
        return DECLINED;
    for (size_t i = 0; i < sizeof zc_routes / sizeof zc_routes[0]; i++) {
        if (strcmp(r->handler, zc_routes[i].name) != 0)
            continue;
        r->allowed = zc_routes[i].methods;
        r->allowed_methods->method_mask = zc_routes[i].methods; /* what the Allow header lists */
        if (!(zc_routes[i].methods & ZC_M(r->method_number)))
            return HTTP_METHOD_NOT_ALLOWED; /* httpd adds Allow from r->allowed */
        return zc_routes[i].handler(r);
    }
    return DECLINED;
}

/* crypto_util.c's fetched SHA-256 lives in the module's statics: free it before httpd unloads
 * the module (each restart of the parent, its exit, apachectl -t).  mod_so registered its unload
 * on pconf at LoadModule, before this runs, so this cleanup runs first. */
static int zc_hook_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    apr_pool_cleanup_register(pconf, NULL, zc_sha256_release, apr_pool_cleanup_null);
    return OK;
}

static void zc_register_hooks(apr_pool_t *p)
{
    /* startup: each subsystem's own hooks */
    ap_hook_pre_config(zc_hook_pre_config, NULL, NULL, APR_HOOK_MIDDLE);     /* crypto_util.c's SHA-256 */
    ap_hook_pre_config(zc_cache_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(zc_cache_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_check_config(zc_config_check, NULL, NULL, APR_HOOK_MIDDLE);
    /* In this order (distinct orders: httpd sorts equal ones unstably): the
     * cache mutex, the database pool, the CRLs, then the session-event
     * listener, which needs the pool and the cache. */
    ap_hook_child_init(zc_cache_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(zc_db_child_init, NULL, NULL, APR_HOOK_MIDDLE + 1);
    ap_hook_child_init(zc_revocation_child_init, NULL, NULL, APR_HOOK_MIDDLE + 2);
    ap_hook_child_init(zc_session_events_child_init, NULL, NULL, APR_HOOK_MIDDLE + 3);
    ap_hook_child_init(zc_housekeeping_child_init, NULL, NULL, APR_HOOK_MIDDLE + 4);
    zc_tls_register(p); /* tls.c: mod_ssl's init_server, to wrap its verify callback */
    /* per request */
    ap_hook_post_read_request(zc_identity_scrub, NULL, NULL, APR_HOOK_REALLY_FIRST); /* identity.c */
    ap_hook_check_authn(zc_identity_authn, NULL, NULL, APR_HOOK_MIDDLE, AP_AUTH_INTERNAL_PER_CONF);
    ap_register_auth_provider(p, AUTHZ_PROVIDER_GROUP, "zcyca-method", AUTHZ_PROVIDER_VERSION,
                              &zc_identity_method_authz, AP_AUTH_INTERNAL_PER_CONF);
    ap_hook_note_auth_failure(zc_identity_note_auth_failure, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_fixups(zc_identity_export, NULL, NULL, APR_HOOK_MIDDLE);
    ap_register_output_filter(ZC_ERROR_FILTER, zc_identity_error_filter, NULL, AP_FTYPE_CONTENT_SET);
    ap_hook_insert_error_filter(zc_identity_insert_error_filter, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(zc_hook_handler, NULL, NULL, APR_HOOK_MIDDLE);            /* zc_routes above */
}

module AP_MODULE_DECLARE_DATA zcyca_module = {
    STANDARD20_MODULE_STUFF,
    zc_create_dir_cfg,
    zc_merge_dir_cfg,
    zc_create_srv_cfg,
    zc_merge_srv_cfg,
    zc_cmds,
    zc_register_hooks,
    AP_MODULE_FLAG_NONE
};
