/* The one verification path: provider + certificate → identity (pure).
 * TLS login, challenge login and binding all come through here. */
#ifndef ZC_VERIFY_H
#define ZC_VERIFY_H

#include <apr_pools.h>
#include <apr_time.h>
#include <apr_tables.h>
#include <openssl/x509.h>
#include "errors.h"
#include "parse.h"
#include "trust.h"
#include "cert.h"

#define ZC_REV_CRL 1
#define ZC_REV_OCSP 2

typedef struct {
    const char *id;          /* ZcyCAProvider <id> */
    const char *name;        /* display name */
    const char *trust_path;  /* ZcyCAProviderTrust */
    zc_trust_t *trust;       /* loaded in post_config */
    zc_keyid_mode_t keyid_mode;
    const char *keyid_oid;   /* for ZC_KEYID_EXT */
    const char *driver_url;  /* download page of the driver, may be NULL */
    const char *driver_adapter;  /* ZcyCAProviderDriver: the pages' adapter name, may be NULL */
    const char *driver_endpoint; /* and the local signing service it talks to */
    unsigned algorithms;     /* ZC_ALG_* bits */
    int signs_nonce;         /* ZcyCAProviderSignedData nonce: drivers sign the nonce alone */
    int policy_all;          /* ZcyCAProviderPolicy all (else any) */
    apr_array_header_t *policies; /* required certificate-policy OIDs (const char *), NULL: none */
    int index;               /* position in the provider list (per-child state is kept by it) */
    const char *crl_path;    /* ZcyCAProviderCRL, NULL: no CRL checking */
    struct zc_crlset_t *crl; /* loaded while the configuration is read; children reload */
    int revocation_soft;     /* ZcyCAProviderRevocation ... soft-fail: status unknown still logs in */
    int revocation_order[2]; /* ZC_REV_CRL / ZC_REV_OCSP in the order asked, 0 = none; all 0: default */
    const char *ocsp_url;    /* ZcyCAProviderOCSP: http URL, or "aia"; NULL: no OCSP */
    int ocsp_timeout;        /* seconds (default 3) */
    long ocsp_max_age;       /* longest a good/revoked answer is reused, seconds (default 3600) */
    X509 *ocsp_responder;    /* pinned responder certificate, or NULL */
    const char *defined_at;  /* "file:line" of the ZcyCAProvider line */
} zc_provider_t;

typedef struct {
    const zc_provider_t *provider;
    const char *key_id;
    zc_cert_info_t cert;
    STACK_OF(X509) *chain;   /* the verified chain, leaf first (zc_trust_verify_chain): what
                                revocation is checked on, never the chain the client sent */
} zc_identity_t;

/* Verify leaf (+ untrusted intermediates) for the chosen provider, at time
 * now (0 = current time):
 *  1. chain to chosen's anchors (zc_trust_verify_chain, out->chain); when that fails as
 *     untrusted but another provider in all[] issues the certificate,
 *     answer ZC_E_PROVIDER_MISMATCH instead;
 *  2. key usage (zc_cert_check_usage), then certificate policies when the
 *     provider requires them (ZC_E_CERT_POLICY);
 *  3. key id under chosen's mode and the certificate info.
 * *detail gets a log-only explanation. */
zc_err_t zc_verify_certificate(apr_pool_t *p, const zc_provider_t *chosen,
                               const zc_provider_t *const *all, int n_all,
                               X509 *leaf, STACK_OF(X509) *untrusted, apr_time_t now,
                               zc_identity_t *out, const char **detail);

/* Provider auto-detection: the one provider in all[] whose anchors issue
 * leaf (validity times aside).  None → ZC_E_CERT_UNTRUSTED; more than one →
 * ZC_E_PROVIDER_AMBIGUOUS with *detail naming them. */
zc_err_t zc_verify_detect_provider(apr_pool_t *p, const zc_provider_t *const *all, int n_all, X509 *leaf,
                                   STACK_OF(X509) *untrusted, const zc_provider_t **out, const char **detail);

#endif
