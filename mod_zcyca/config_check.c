/* Cross-directive checks, run by check_config so that apachectl -t reports
 * them too.  Each message names the directive, where, and the fix. */
#include "config.h"
#include "cache.h"
#include "http_core.h"
#include "apr_strings.h"
#include "cert.h"
#include "crl.h"
#include <openssl/x509v3.h>

static int zc_check_fail(server_rec *s, const char *msg)
{
    ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s, ZCLOGNO(0001) "%s", msg);
    return HTTP_INTERNAL_SERVER_ERROR;
}

/* A warning, not a failure: the CRLs say nothing usable about a CA
 * certificate of the trust file that another one of it issued (an issuing
 * CA under its root).  Chains through it are checked at that level too, so
 * the CRL method answers "unknown" for every login through it. */
static void zc_check_crl_cover(apr_pool_t *ptemp, server_rec *s, const zc_provider_t *pv)
{
    for (int i = 0; pv->crl && i < zc_trust_count(pv->trust); i++) {
        X509 *ca = zc_trust_anchor(pv->trust, i);
        const char *why = NULL;
        if (X509_check_issued(ca, ca) == X509_V_OK || !zc_trust_find_issuer(pv->trust, X509_get_issuer_name(ca)))
            continue;
        zc_err_t e = zc_crl_check(ptemp, pv->crl, ca, 0, &why);
        if (e != ZC_OK)
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                         ZCLOGNO(1506) "ZcyCAProviderCRL %s: the CA certificate %s of ZcyCAProviderTrust %s is %s (%s); "
                         "logins through it get %s from the CRLs: %s", pv->id,
                         zc_cert_name(ptemp, X509_get_subject_name(ca)), pv->id,
                         e == ZC_E_CERT_REVOKED ? "revoked" : "not covered by a current CRL of its issuer",
                         why ? why : "-", e == ZC_E_CERT_REVOKED ? "CERT_REVOKED" : "CERT_STATUS_UNKNOWN",
                         e == ZC_E_CERT_REVOKED ? "remove it from the trust file" : "add its issuer's CRL to the set");
    }
}

int zc_config_check(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    zc_global_t *g = zc_srv_cfg(s)->g;
    for (int i = 0; i < g->providers->nelts; i++) {
        const zc_provider_t *pv = APR_ARRAY_IDX(g->providers, i, zc_provider_t *);
        for (int k = 0; k < 2; k++) {
            if (pv->revocation_order[k] == ZC_REV_CRL && !pv->crl)
                return zc_check_fail(s, apr_psprintf(ptemp, "ZcyCAProviderRevocation %s names crl but the provider has no "
                                                     "ZcyCAProviderCRL: add ZcyCAProviderCRL %s /path/to/crl", pv->id, pv->id));
            if (pv->revocation_order[k] == ZC_REV_OCSP && !pv->ocsp_url)
                return zc_check_fail(s, apr_psprintf(ptemp, "ZcyCAProviderRevocation %s names ocsp but the provider has no "
                                                     "ZcyCAProviderOCSP: add ZcyCAProviderOCSP %s aia", pv->id, pv->id));
        }
        if (!pv->trust)
            return zc_check_fail(s, apr_psprintf(ptemp, "ZcyCAProvider %s (%s) has no trust anchors: add "
                                                 "ZcyCAProviderTrust %s /path/to/%s-ca.pem",
                                                 pv->id, pv->defined_at, pv->id, pv->id));
        zc_check_crl_cover(ptemp, s, pv);
    }
    if (g->providers->nelts > 0 && !g->db_conninfo)
        return zc_check_fail(s, "ZcyCAProvider is set but ZcyCADatabase is not: add ZcyCADatabase "
                                "\"host=... dbname=zcyca user=...\" at server level");
    if (zc_cache_shared_without_key(g))
        return zc_check_fail(s, "ZcyCASessionCache is a cache that several nodes share, so its entries need a key that "
                                "every node has: add ZcyCASessionCacheKey /etc/zcyca/session-cache.key (the same file "
                                "on every node; make it with openssl rand -out FILE 48)");
    for (server_rec *v = s; v; v = v->next) {
        zc_srv_cfg_t *sc = zc_srv_cfg(v);
        if (sc->session_idle > sc->session_max)
            return zc_check_fail(v, apr_psprintf(ptemp, "ZcyCASessionIdle %ld is longer than ZcyCASessionMax %ld "
                                                 "for virtual host %s (%s:%d): make the idle time the shorter",
                                                 sc->session_idle, sc->session_max, v->server_hostname,
                                                 v->defn_name ? v->defn_name : "the main server config", v->defn_line_number));
    }
    return OK;
}
