/* The directive table and its setters.  Each setter parses strictly
 * (parse.c), stores the value, sets the _set bit, or returns a message that
 * names the directive, the bad value and an example of a good one. */
#include "config_cmds.h"
#include "config.h"
#include "cache.h"
#include "http_core.h"
#include "apr_strings.h"
#include "mod_auth.h"
#include "ap_provider.h"

const char *zc_cmd_fail(cmd_parms *cmd, const char *arg, const char *why, const char *example)
{
    return apr_psprintf(cmd->pool, "%s%s%s: %s (example: %s %s)", cmd->cmd->name, arg && *arg ? " " : "",
                        arg ? arg : "", why, cmd->cmd->name, example);
}

const char *zc_cmd_global_only(cmd_parms *cmd)
{
    return ap_check_cmd_context(cmd, GLOBAL_ONLY);
}

/* ---- database ---------------------------------------------------------- */

static const char *zc_cmd_database(cmd_parms *cmd, void *dc, const char *arg)
{
    const char *err = zc_cmd_global_only(cmd);
    if (err)
        return err;
    if (!*arg)
        return zc_cmd_fail(cmd, arg, "empty connection string", "\"host=127.0.0.1 dbname=zcyca user=zcyca\"");
    zc_srv_cfg(cmd->server)->g->db_conninfo = arg;
    return NULL;
}

static const char *zc_cmd_database_pool(cmd_parms *cmd, void *dc, int argc, char *const argv[])
{
    zc_global_t *g = zc_srv_cfg(cmd->server)->g;
    const char *ex = "0 8 2 300";
    long min, max, keep, ttl;
    const char *why, *err = zc_cmd_global_only(cmd);
    if (err)
        return err;
    if (argc != 4)
        return zc_cmd_fail(cmd, "", "takes four numbers: min max keep ttl-seconds", ex);
    if ((why = zc_parse_long(cmd->pool, argv[0], 0, 1024, &min))
        || (why = zc_parse_long(cmd->pool, argv[1], 1, 1024, &max))
        || (why = zc_parse_long(cmd->pool, argv[2], 0, 1024, &keep))
        || (why = zc_parse_seconds(cmd->pool, argv[3], 1, 86400, &ttl)))
        return zc_cmd_fail(cmd, apr_pstrcat(cmd->pool, argv[0], " ", argv[1], " ", argv[2], " ", argv[3], NULL),
                           why, ex);
    if (min > max || keep > max)
        return zc_cmd_fail(cmd, argv[0], "min and keep must not exceed max", ex);
    g->pool_min = (int)min;
    g->pool_max = (int)max;
    g->pool_keep = (int)keep;
    g->pool_ttl = ttl;
    return NULL;
}

static const char *zc_cmd_database_timeout(cmd_parms *cmd, void *dc, const char *arg)
{
    const char *why, *err = zc_cmd_global_only(cmd);
    if (err)
        return err;
    if ((why = zc_parse_seconds(cmd->pool, arg, 1, 60, &zc_srv_cfg(cmd->server)->g->db_timeout)))
        return zc_cmd_fail(cmd, arg, why, "5");
    return NULL;
}

/* ---- session cache ------------------------------------------------------ */

static const char *zc_cmd_session_cache(cmd_parms *cmd, void *dc, const char *arg)
{
    const char *err = zc_cmd_global_only(cmd);
    return err ? err : zc_cache_configure(cmd, arg);
}

static const char *zc_cmd_session_cache_key(cmd_parms *cmd, void *dc, const char *arg)
{
    const char *err = zc_cmd_global_only(cmd);
    return err ? err : zc_cache_key_file(cmd, arg);
}

static const char *zc_cmd_session_cache_ttl(cmd_parms *cmd, void *dc, const char *arg)
{
    const char *why, *err = zc_cmd_global_only(cmd);
    if (err)
        return err;
    if ((why = zc_parse_seconds(cmd->pool, arg, 1, 3600, &zc_srv_cfg(cmd->server)->g->cache_ttl)))
        return zc_cmd_fail(cmd, arg, why, "60");
    return NULL;
}

/* ZcyCAHousekeeping <seconds>|off: how often housekeeping.c sweeps. */
static const char *zc_cmd_housekeeping(cmd_parms *cmd, void *dc, const char *arg)
{
    const char *why, *err = zc_cmd_global_only(cmd);
    zc_global_t *g = zc_srv_cfg(cmd->server)->g;
    if (err)
        return err;
    if (strcasecmp(arg, "off") == 0)
        g->housekeeping_interval = 0;
    else if ((why = zc_parse_seconds(cmd->pool, arg, 1, 86400, &g->housekeeping_interval)))
        return zc_cmd_fail(cmd, arg, why, "60");
    return NULL;
}

/* ZcyCAAuditRetention <months>|forever: audit months kept (sql/006). */
static const char *zc_cmd_audit_retention(cmd_parms *cmd, void *dc, const char *arg)
{
    const char *why, *err = zc_cmd_global_only(cmd);
    zc_global_t *g = zc_srv_cfg(cmd->server)->g;
    if (err)
        return err;
    if (strcasecmp(arg, "forever") == 0)
        g->audit_keep_months = 0;
    else if ((why = zc_parse_long(cmd->pool, arg, 1, 1200, &g->audit_keep_months)))
        return zc_cmd_fail(cmd, arg, why, "60");
    return NULL;
}

/* ---- virtual host ------------------------------------------------------ */

static const char *zc_cmd_origin(cmd_parms *cmd, void *dc, const char *arg)
{
    zc_srv_cfg_t *sc = zc_srv_cfg(cmd->server);
    const char *norm, *why;
    if ((why = zc_parse_origin(cmd->pool, arg, &norm)))
        return zc_cmd_fail(cmd, arg, why, "https://login.example.gov.cn");
    if (!sc->origins_set || !sc->origins) {
        sc->origins = apr_array_make(cmd->pool, 2, sizeof(const char *));
        sc->origins_set = 1;
    }
    APR_ARRAY_PUSH(sc->origins, const char *) = norm;
    return NULL;
}

#define ZC_SECONDS_SETTER(fn, field, lo, hi, example)                            \
    static const char *fn(cmd_parms *cmd, void *dc, const char *arg)              \
    {                                                                            \
        zc_srv_cfg_t *sc = zc_srv_cfg(cmd->server);                              \
        const char *why = zc_parse_seconds(cmd->pool, arg, lo, hi, &sc->field);   \
        if (why)                                                                 \
            return zc_cmd_fail(cmd, arg, why, example);                          \
        sc->field##_set = 1;                                                     \
        return NULL;                                                             \
    }
ZC_SECONDS_SETTER(zc_cmd_session_idle, session_idle, 1, 604800, "1800")
ZC_SECONDS_SETTER(zc_cmd_session_max, session_max, 1, 2592000, "28800")
ZC_SECONDS_SETTER(zc_cmd_challenge_ttl, challenge_ttl, 10, 300, "120")

static const char *zc_cmd_throttle(cmd_parms *cmd, void *dc, const char *n, const char *window)
{
    zc_srv_cfg_t *sc = zc_srv_cfg(cmd->server);
    const char *why, *ex = "10 300";
    if (strcasecmp(n, "off") == 0 && !window) {
        sc->throttle_max = 0;
    }
    else if (!window)
        return zc_cmd_fail(cmd, n, "takes failures and a window in seconds, or off", ex);
    else if ((why = zc_parse_long(cmd->pool, n, 1, 100000, &sc->throttle_max))
             || (why = zc_parse_seconds(cmd->pool, window, 1, 86400, &sc->throttle_window)))
        return zc_cmd_fail(cmd, apr_pstrcat(cmd->pool, n, " ", window, NULL), why, ex);
    sc->throttle_max_set = sc->throttle_window_set = 1;
    return NULL;
}

/* ZcyCAChallengeLimit <count> [<seconds>]: challenges one client address may
 * be issued per window; 0 or off: no limit. */
static const char *zc_cmd_challenge_limit(cmd_parms *cmd, void *dc, const char *n, const char *window)
{
    zc_srv_cfg_t *sc = zc_srv_cfg(cmd->server);
    const char *why, *ex = "300 60";
    long limit, secs = 60;
    if (strcasecmp(n, "off") == 0 && !window)
        limit = 0;
    else if ((why = zc_parse_long(cmd->pool, n, 0, 1000000, &limit))
             || (window && (why = zc_parse_seconds(cmd->pool, window, 1, 3600, &secs))))
        return zc_cmd_fail(cmd, window ? apr_pstrcat(cmd->pool, n, " ", window, NULL) : n, why, ex);
    sc->challenge_limit = limit;
    sc->challenge_window = secs;
    sc->challenge_limit_set = sc->challenge_window_set = 1;
    return NULL;
}

/* ZcyCAAuditSample <rows> [<days>]: full audit rows kept per hour, event and
 * code of anonymous refusals (the rest are only counted), and the days the
 * counts (zcyca.audit_summary) are kept. */
static const char *zc_cmd_audit_sample(cmd_parms *cmd, void *dc, const char *n, const char *days)
{
    zc_srv_cfg_t *sc = zc_srv_cfg(cmd->server);
    const char *why, *ex = "10 180";
    long rows, keep = 180;
    if ((why = zc_parse_long(cmd->pool, n, 0, 100000, &rows))
        || (days && (why = zc_parse_long(cmd->pool, days, 1, 3650, &keep))))
        return zc_cmd_fail(cmd, days ? apr_pstrcat(cmd->pool, n, " ", days, NULL) : n, why, ex);
    sc->audit_sample = rows;
    sc->audit_summary_days = keep;
    sc->audit_sample_set = sc->audit_summary_days_set = 1;
    return NULL;
}

static const char *zc_cmd_expiry_warning(cmd_parms *cmd, void *dc, const char *arg)
{
    zc_srv_cfg_t *sc = zc_srv_cfg(cmd->server);
    const char *why = zc_parse_long(cmd->pool, arg, 0, 365, &sc->expiry_warning);
    if (why)
        return zc_cmd_fail(cmd, arg, apr_pstrcat(cmd->pool, why, " (days; 0 turns the warning off)", NULL), "30");
    sc->expiry_warning_set = 1;
    return NULL;
}

static const char *zc_cmd_max_body(cmd_parms *cmd, void *dc, const char *arg)
{
    zc_srv_cfg_t *sc = zc_srv_cfg(cmd->server);
    const char *why = zc_parse_long(cmd->pool, arg, 1024, 16777216, &sc->max_body);
    if (why)
        return zc_cmd_fail(cmd, arg, why, "65536");
    sc->max_body_set = 1;
    return NULL;
}

static const char *zc_cmd_cookie(cmd_parms *cmd, void *dc, int argc, char *const argv[])
{
    zc_srv_cfg_t *sc = zc_srv_cfg(cmd->server);
    const char *why, *canon, *ex = "zcyca_session Path=/ SameSite=Strict";
    if (argc < 1)
        return zc_cmd_fail(cmd, "", "takes a cookie name and optional attributes", ex);
    if ((why = zc_parse_cookie_name(cmd->pool, argv[0])))
        return zc_cmd_fail(cmd, argv[0], why, ex);
    /* HttpOnly and Secure are always added; attributes here adjust the rest. */
    const char *path = "Path=/", *samesite = "SameSite=Lax", *domain = NULL;
    for (int i = 1; i < argc; i++) {
        if ((why = zc_parse_cookie_attr(cmd->pool, argv[i], &canon)))
            return zc_cmd_fail(cmd, argv[i], why, ex);
        if (strncmp(canon, "Path=", 5) == 0)
            path = canon;
        else if (strncmp(canon, "SameSite=", 9) == 0)
            samesite = canon;
        else
            domain = canon;
    }
    sc->cookie_name = argv[0];
    sc->cookie_attrs = domain ? apr_pstrcat(cmd->pool, path, "; ", domain, "; ", samesite, NULL)
                              : apr_pstrcat(cmd->pool, path, "; ", samesite, NULL);
    sc->cookie_name_set = sc->cookie_attrs_set = 1;
    return NULL;
}

static const char *zc_cmd_prelogin_cookie(cmd_parms *cmd, void *dc, const char *arg)
{
    zc_srv_cfg_t *sc = zc_srv_cfg(cmd->server);
    const char *why = zc_parse_cookie_name(cmd->pool, arg);
    if (why)
        return zc_cmd_fail(cmd, arg, why, "zcyca_pre");
    sc->prelogin_cookie = arg;
    sc->prelogin_cookie_set = 1;
    return NULL;
}

static const char *zc_cmd_tls_login(cmd_parms *cmd, void *dc, int on)
{
    zc_srv_cfg_t *sc = zc_srv_cfg(cmd->server);
    sc->tls_login = on;
    sc->tls_login_set = 1;
    return NULL;
}

/* ---- per directory ----------------------------------------------------- */

/* The per-directory URLs; cmd->info says which (ZC_URL_*). */
enum { ZC_URL_LOGIN = 1, ZC_URL_AFTER_LOGIN, ZC_URL_MANAGE, ZC_URL_TLS_LOGIN };

static const char *zc_cmd_dir_url(cmd_parms *cmd, void *dc, const char *arg)
{
    static const char *const examples[] = {"", "/login.html", "/app/", "/ca-admin.html",
                                           "https://login.zcy.example.gov.cn:8444/ca/login"};
    zc_dir_cfg_t *d = dc;
    int which = (int)(apr_uintptr_t)cmd->info;
    const char *why = zc_parse_url(cmd->pool, arg);
    if (why)
        return zc_cmd_fail(cmd, arg, why, examples[which]);
    switch (which) {
    case ZC_URL_LOGIN:
        d->login_url = arg;
        d->login_url_set = 1;
        break;
    case ZC_URL_AFTER_LOGIN:
        d->after_login = arg;
        d->after_login_set = 1;
        break;
    case ZC_URL_MANAGE:
        d->manage_url = arg;
        d->manage_url_set = 1;
        break;
    default:
        d->tls_login_url = arg;
        d->tls_login_url_set = 1;
    }
    return NULL;
}

/* Resolved here, like AuthBasicProvider, so a missing module fails configtest. */
static const char *zc_cmd_password_provider(cmd_parms *cmd, void *dc, const char *name)
{
    zc_dir_cfg_t *d = dc;
    if (!ap_lookup_provider(AUTHN_PROVIDER_GROUP, name, AUTHN_PROVIDER_VERSION))
        return apr_psprintf(cmd->pool, "%s %s: no authentication provider '%s' is loaded (load mod_authn_%s, "
                            "e.g. a2enmod authn_%s)", cmd->cmd->name, name, name, name, name);
    if (!d->password_providers_set || !d->password_providers) {
        d->password_providers = apr_array_make(cmd->pool, 2, sizeof(const char *));
        d->password_providers_set = 1;
    }
    APR_ARRAY_PUSH(d->password_providers, const char *) = name;
    return NULL;
}

const command_rec zc_cmds[] = {
    AP_INIT_TAKE1("ZcyCADatabase", zc_cmd_database, NULL, RSRC_CONF,
                  "libpq connection string of the zcyca database"),
    AP_INIT_TAKE_ARGV("ZcyCADatabasePool", zc_cmd_database_pool, NULL, RSRC_CONF,
                      "per-child connection pool: min max keep ttl-seconds"),
    AP_INIT_TAKE1("ZcyCADatabaseTimeout", zc_cmd_database_timeout, NULL, RSRC_CONF,
                  "seconds for connect, statement and pool wait (default 5)"),
    AP_INIT_TAKE2("ZcyCAProvider", zc_cmd_provider, NULL, RSRC_CONF,
                  "a CA provider: id \"display name\""),
    AP_INIT_TAKE2("ZcyCAProviderTrust", zc_cmd_provider_trust, NULL, RSRC_CONF,
                  "provider id and PEM file or directory of its CA certificates"),
    AP_INIT_TAKE2("ZcyCAProviderKeyId", zc_cmd_provider_key_id, NULL, RSRC_CONF,
                  "provider id and spki-sha256|cert-sha256|issuer-serial|ext:<OID>"),
    AP_INIT_TAKE2("ZcyCAProviderDriverURL", zc_cmd_provider_driver_url, NULL, RSRC_CONF,
                  "provider id and the URL of its driver download"),
    AP_INIT_TAKE3("ZcyCAProviderDriver", zc_cmd_provider_driver, NULL, RSRC_CONF,
                  "provider id, the pages' driver adapter name and the URL of the local signing service"),
    AP_INIT_TAKE_ARGV("ZcyCAProviderAlgorithms", zc_cmd_provider_algorithms, NULL, RSRC_CONF,
                      "provider id and allowed signature algorithms"),
    AP_INIT_TAKE2("ZcyCAProviderSignedData", zc_cmd_provider_signed_data, NULL, RSRC_CONF,
                  "provider id and tbs (sign the full text, default) or nonce (drivers that sign the random only)"),
    AP_INIT_TAKE_ARGV("ZcyCAProviderPolicy", zc_cmd_provider_policy, NULL, RSRC_CONF,
                      "provider id, any|all, and the certificate-policy OIDs its certificates must carry"),
    AP_INIT_TAKE2("ZcyCAProviderCRL", zc_cmd_provider_crl, NULL, RSRC_CONF,
                  "provider id and a CRL file or directory (re-read when it changes)"),
    AP_INIT_TAKE_ARGV("ZcyCAProviderRevocation", zc_cmd_provider_revocation, NULL, RSRC_CONF,
                      "provider id, crl, and hard-fail (default) or soft-fail for a stale or missing CRL"),
    AP_INIT_TAKE_ARGV("ZcyCAProviderOCSP", zc_cmd_provider_ocsp, NULL, RSRC_CONF,
                      "provider id, responder URL or aia, [timeout=s] [max-age=s] [responder=cert.pem]"),
    AP_INIT_TAKE1("ZcyCACRLCheckInterval", zc_cmd_crl_check_interval, NULL, RSRC_CONF,
                  "seconds between looks at changed CRL files (default 60)"),
    AP_INIT_TAKE1("ZcyCASessionCache", zc_cmd_session_cache, NULL, RSRC_CONF,
                  "socache for session look-ups: shmcb[:path(size)], memcache:host:port, redis:host:port"),
    AP_INIT_TAKE1("ZcyCASessionCacheKey", zc_cmd_session_cache_key, NULL, RSRC_CONF,
                  "file with the secret (32+ bytes) that authenticates cache entries; the same on every node"),
    AP_INIT_TAKE1("ZcyCASessionCacheTTL", zc_cmd_session_cache_ttl, NULL, RSRC_CONF,
                  "seconds a node may trust a cached session (default 60)"),
    AP_INIT_TAKE1("ZcyCAHousekeeping", zc_cmd_housekeeping, NULL, RSRC_CONF,
                  "seconds between sweeps of expired sessions and challenges and of audit months (default 60), "
                  "or off"),
    AP_INIT_TAKE1("ZcyCAAuditRetention", zc_cmd_audit_retention, NULL, RSRC_CONF,
                  "months of audit rows kept, in monthly partitions (default forever)"),
    AP_INIT_ITERATE("ZcyCAOrigin", zc_cmd_origin, NULL, RSRC_CONF,
                    "the https origin(s) this virtual host is reached at"),
    AP_INIT_TAKE1("ZcyCASessionIdle", zc_cmd_session_idle, NULL, RSRC_CONF,
                  "seconds of inactivity that end a session (default 1800)"),
    AP_INIT_TAKE1("ZcyCASessionMax", zc_cmd_session_max, NULL, RSRC_CONF,
                  "absolute session lifetime in seconds (default 28800)"),
    AP_INIT_TAKE_ARGV("ZcyCACookie", zc_cmd_cookie, NULL, RSRC_CONF,
                      "session cookie name and attributes (Path=, Domain=, SameSite=)"),
    AP_INIT_TAKE1("ZcyCAPreLoginCookie", zc_cmd_prelogin_cookie, NULL, RSRC_CONF,
                  "name of the pre-login cookie (default zcyca_pre)"),
    AP_INIT_TAKE1("ZcyCAMaxBody", zc_cmd_max_body, NULL, RSRC_CONF,
                  "largest request body in bytes (default 65536)"),
    AP_INIT_TAKE12("ZcyCAThrottle", zc_cmd_throttle, NULL, RSRC_CONF,
                   "failed logins per client address and per key within a window: <n> <seconds>, or off"),
    AP_INIT_TAKE12("ZcyCAChallengeLimit", zc_cmd_challenge_limit, NULL, RSRC_CONF,
                   "challenges per client address within a window: <count> [<seconds>] (default 300 60), 0 or off"),
    AP_INIT_TAKE12("ZcyCAAuditSample", zc_cmd_audit_sample, NULL, RSRC_CONF,
                   "anonymous refusals: full audit rows per hour, event and code [and days their counts are kept] "
                   "(default 10 180)"),
    AP_INIT_TAKE1("ZcyCAExpiryWarning", zc_cmd_expiry_warning, NULL, RSRC_CONF,
                  "days before a certificate expires that logins and lists start to warn (default 30, 0: never)"),
    AP_INIT_TAKE1("ZcyCAChallengeTTL", zc_cmd_challenge_ttl, NULL, RSRC_CONF,
                  "challenge lifetime in seconds, 10..300 (default 120)"),
    AP_INIT_FLAG("ZcyCATLSLogin", zc_cmd_tls_login, NULL, RSRC_CONF,
                 "On for the mutual-TLS login host: certificate errors reach the module, which names them"),
    AP_INIT_ITERATE("ZcyCAPasswordProvider", zc_cmd_password_provider, NULL, OR_AUTHCFG | ACCESS_CONF,
                    "authn providers that check passwords for POST /ca/password-login (like AuthBasicProvider)"),
    AP_INIT_TAKE1("ZcyCALoginURL", zc_cmd_dir_url, (void *)ZC_URL_LOGIN, OR_AUTHCFG | RSRC_CONF,
                  "where browsers without a session are sent"),
    AP_INIT_TAKE1("ZcyCAAfterLogin", zc_cmd_dir_url, (void *)ZC_URL_AFTER_LOGIN, OR_AUTHCFG | RSRC_CONF,
                  "where a browser goes after a successful form login"),
    AP_INIT_TAKE1("ZcyCAManageURL", zc_cmd_dir_url, (void *)ZC_URL_MANAGE, OR_AUTHCFG | RSRC_CONF,
                  "the CA管理 page (binding keys), linked from error pages of unbound keys"),
    AP_INIT_TAKE1("ZcyCATLSLoginURL", zc_cmd_dir_url, (void *)ZC_URL_TLS_LOGIN, OR_AUTHCFG | RSRC_CONF,
                  "URL of /ca/login on the mutual-TLS login host, told to pages by /ca/providers"),
    {NULL}
};
