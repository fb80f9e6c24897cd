/* The scope of a CRL: which certificates of its issuer it speaks for
 * (IssuingDistributionPoint, RFC 5280 5.2.5), and whether it is a delta
 * CRL (5.2.4) (pure). */
#ifndef ZC_CRL_SCOPE_H
#define ZC_CRL_SCOPE_H

#include <apr_pools.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

typedef struct {
    ISSUING_DIST_POINT *idp;   /* NULL: every certificate of the issuer */
    unsigned char *idp_der;    /* the IDP as encoded, to compare two scopes */
    int idp_len;
    ASN1_INTEGER *number;      /* cRLNumber, or NULL */
    ASN1_INTEGER *base_number; /* deltaCRLIndicator (BaseCRLNumber): set only on a delta CRL */
} zc_crl_scope_t;

/* Read the scope of crl into out.  Returns NULL, or (allocated from p)
 * why the CRL cannot be used, with out left empty:
 *   - an IDP, cRLNumber or deltaCRLIndicator that does not parse or is
 *     repeated;
 *   - an indirect CRL (IDP indirectCRL): its entries may be about
 *     certificates of other CAs;
 *   - a CRL partitioned by reason (IDP onlySomeReasons): it never says a
 *     certificate is good;
 *   - an IDP limited to more than one of user, CA and attribute
 *     certificates;
 *   - a delta CRL without a cRLNumber.
 * The relative name of an IDP, if any, is resolved against the CRL
 * issuer.  zc_crl_scope_free releases what out holds. */
const char *zc_crl_scope_read(apr_pool_t *p, X509_CRL *crl, zc_crl_scope_t *out);
void zc_crl_scope_free(zc_crl_scope_t *s);

/* The certificate's CRLDistributionPoints (relative names resolved against
 * its issuer), read once for several zc_crl_scope_covers calls; NULL when it
 * has none.  Freed by a cleanup on p. */
STACK_OF(DIST_POINT) *zc_crl_scope_dps(apr_pool_t *p, X509 *cert);

/* True when a CRL of scope s from cert's issuer speaks for cert, whose
 * distribution points are dps (zc_crl_scope_dps):
 *   - no IDP: yes;
 *   - onlyContainsUserCerts: only if cert is not a CA; onlyContainsCACerts:
 *     only if it is one; onlyContainsAttributeCerts: never;
 *   - an IDP distributionPoint: only if one of cert's distribution points
 *     (without a cRLIssuer of its own) has a name in common with it (a
 *     fullName GeneralName, or the full directory name).  A certificate
 *     without CRLDistributionPoints is in no partition. */
int zc_crl_scope_covers(const zc_crl_scope_t *s, X509 *cert, STACK_OF(DIST_POINT) *dps);

/* True when a and b have the same IDP (or neither has one): a delta CRL
 * completes only a base CRL of its own scope. */
int zc_crl_scope_same(const zc_crl_scope_t *a, const zc_crl_scope_t *b);

/* A short text of the scope for the log ("" without an IDP, else e.g.
 * " [partition URI:http://crl.example/p1.crl]"). */
const char *zc_crl_scope_text(apr_pool_t *p, const zc_crl_scope_t *s);

#endif
