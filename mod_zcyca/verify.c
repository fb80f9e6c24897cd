/* The one verification path: provider + certificate → identity (pure: no
 * httpd headers).  TLS login, challenge login and binding all call
 * zc_verify_certificate; nothing else decides whether a certificate is
 * good enough. */
#include <string.h>

#include <apr_strings.h>

#include "verify.h"

#include <openssl/x509v3.h>
#include <openssl/objects.h>

/* Does the certificate carry the policies the provider requires (any one,
 * or all)?  No certificatePolicies extension satisfies no requirement. */
static int zc_verify_policies(const zc_provider_t *pv, X509 *leaf)
{
    CERTIFICATEPOLICIES *cps = X509_get_ext_d2i(leaf, NID_certificate_policies, NULL, NULL);
    int found = 0;
    for (int i = 0; i < pv->policies->nelts; i++) {
        const char *want = APR_ARRAY_IDX(pv->policies, i, const char *);
        int has = 0;
        for (int j = 0; cps && j < sk_POLICYINFO_num(cps) && !has; j++) {
            char oid[128];
            if (OBJ_obj2txt(oid, sizeof oid, sk_POLICYINFO_value(cps, j)->policyid, 1) > 0 && strcmp(oid, want) == 0)
                has = 1;
        }
        found += has;
    }
    CERTIFICATEPOLICIES_free(cps);
    return pv->policy_all ? found == pv->policies->nelts : found > 0;
}

/* The other provider (not chosen) whose anchors issue leaf, or NULL. */
static const zc_provider_t *zc_verify_other_issuer(apr_pool_t *p, const zc_provider_t *chosen,
                                                   const zc_provider_t *const *all, int n_all,
                                                   X509 *leaf, STACK_OF(X509) *untrusted)
{
    for (int i = 0; all && i < n_all; i++) {
        const zc_provider_t *o = all[i];
        if (o == NULL || o == chosen || o->trust == NULL)
            continue;
        if (o->id && chosen->id && strcmp(o->id, chosen->id) == 0)
            continue;
        if (zc_trust_issues(p, o->trust, leaf, untrusted))
            return o;
    }
    return NULL;
}

zc_err_t zc_verify_certificate(apr_pool_t *p, const zc_provider_t *chosen,
                               const zc_provider_t *const *all, int n_all,
                               X509 *leaf, STACK_OF(X509) *untrusted, apr_time_t now,
                               zc_identity_t *out, const char **detail)
{
    const char *dummy, *why = NULL;
    const zc_provider_t *other;
    STACK_OF(X509) *chain = NULL;
    zc_err_t rc;

    if (detail == NULL)
        detail = &dummy;
    *detail = NULL;
    memset(out, 0, sizeof *out);
    if (chosen == NULL) {
        *detail = "no provider chosen";
        return ZC_E_PROVIDER_UNKNOWN;
    }
    if (leaf == NULL) {
        *detail = "no certificate";
        return ZC_E_NO_CERTIFICATE;
    }
    if (chosen->trust == NULL) {
        *detail = apr_psprintf(p, "provider %s has no trust anchors loaded", chosen->id);
        return ZC_E_CERT_UNTRUSTED;
    }

    /* 1. chain to the chosen provider's anchors */
    rc = zc_trust_verify_chain(p, chosen->trust, leaf, untrusted, now, &chain, &why);
    if (rc == ZC_E_CERT_UNTRUSTED &&
        (other = zc_verify_other_issuer(p, chosen, all, n_all, leaf, untrusted)) != NULL) {
        *detail = apr_psprintf(p, "issued under provider %s, not the chosen %s (%s)", other->id,
                               chosen->id, why ? why : "untrusted");
        return ZC_E_PROVIDER_MISMATCH;
    }
    if (rc != ZC_OK) {
        *detail = apr_psprintf(p, "provider %s: %s", chosen->id, why ? why : "verification failed");
        return rc;
    }

    /* 2. key usage */
    if ((rc = zc_cert_check_usage(leaf)) != ZC_OK) {
        *detail = rc == ZC_E_CERT_USAGE
                      ? "keyUsage lacks digitalSignature or extendedKeyUsage lacks clientAuth"
                      : "certificate extensions are invalid";
        return rc;
    }

    if (chosen->policies && chosen->policies->nelts > 0 && !zc_verify_policies(chosen, leaf)) {
        *detail = apr_psprintf(p, "certificate lacks %s of the policies ZcyCAProviderPolicy %s requires",
                               chosen->policy_all ? "some" : "all", chosen->id);
        return ZC_E_CERT_POLICY;
    }

    /* 3. identity */
    if ((rc = zc_cert_info(p, leaf, &out->cert)) != ZC_OK) {
        *detail = "certificate details could not be read";
        return rc;
    }
    if ((rc = zc_cert_key_id(p, leaf, chosen->keyid_mode, chosen->keyid_oid, &out->key_id, &why)) != ZC_OK) {
        *detail = why ? why : "key id could not be derived";
        return rc;
    }
    out->provider = chosen;
    out->chain = chain;
    return ZC_OK;
}

zc_err_t zc_verify_detect_provider(apr_pool_t *p, const zc_provider_t *const *all, int n_all, X509 *leaf,
                                   STACK_OF(X509) *untrusted, const zc_provider_t **out, const char **detail)
{
    const char *ids = NULL;
    int found = 0;
    *out = NULL;
    for (int i = 0; all && leaf && i < n_all; i++) {
        if (!all[i] || !all[i]->trust || !zc_trust_issues(p, all[i]->trust, leaf, untrusted))
            continue;
        if (found++ == 0)
            *out = all[i];
        ids = ids ? apr_pstrcat(p, ids, ", ", all[i]->id, NULL) : all[i]->id;
    }
    if (found == 1)
        return ZC_OK;
    *out = NULL;
    if (detail)
        *detail = found ? apr_psprintf(p, "the certificate chains to several providers (%s): name one", ids)
                        : "no configured provider issues this certificate";
    return found ? ZC_E_PROVIDER_AMBIGUOUS : ZC_E_CERT_UNTRUSTED;
}
