/* Revocation at run time: per-child CRL snapshots, reloaded when the files
 * change (revocation.c). */
#ifndef ZC_REVOCATION_H
#define ZC_REVOCATION_H

#include "mod_zcyca.h"
#include <openssl/x509.h>

/* child_init: one slot per provider, starting from the set loaded with the
 * configuration. */
void zc_revocation_child_init(apr_pool_t *pchild, server_rec *s);

/* Revocation status of the verified chain (zc_identity_t.chain: leaf
 * first, up to its top): the leaf and every CA certificate below the top
 * are each checked by the provider's methods (ZcyCAProviderRevocation
 * order; default CRL then OCSP, whichever are configured), the first
 * definite answer deciding for that certificate; the top, the trust
 * anchor, is not checked.  Any certificate revoked → CERT_REVOKED; else any
 * unknown → CERT_STATUS_UNKNOWN, or passes with soft-fail (logged).  OCSP
 * asks about each certificate with the certificate above it in the chain
 * as issuer; answers are shared through zcyca.ocsp_cache.  CRLs: at most
 * every ZcyCACRLCheckInterval seconds the files are looked at and, when
 * changed, reloaded; a CRL that fails to load keeps the old set (logged). */
zc_err_t zc_revocation_check(request_rec *r, const zc_provider_t *pv, STACK_OF(X509) *chain, const char **detail);

/* For the admin status: the provider's CRL set as this child sees it. */
typedef struct {
    int configured, count;
    apr_time_t this_update, next_update, loaded_at, checked_at;
    const char *last_error;
    unsigned ocsp_hits, ocsp_misses, ocsp_errors;
} zc_revocation_info_t;
void zc_revocation_info(request_rec *r, const zc_provider_t *pv, zc_revocation_info_t *out);

#endif
