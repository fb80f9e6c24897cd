/* Certificate revocation lists of one provider (pure). */
#ifndef ZC_CRL_H
#define ZC_CRL_H

#include <apr_pools.h>
#include <apr_time.h>
#include <openssl/x509.h>
#include "errors.h"
#include "trust.h"

/* An immutable snapshot: every CRL loaded from one path, each with its
 * signature checked, plus what is needed to notice a change of the files.
 * Lives in the pool it was loaded into. */
typedef struct zc_crlset_t zc_crlset_t;

/* Load every CRL from path: a file (PEM with one or more X509 CRL blocks,
 * or one DER CRL) or a directory (every regular, non-hidden file in it;
 * *.pem, *.crl, *.der, PEM or DER).  Each CRL's signature must verify with
 * the public key of a certificate in trust whose subject is the CRL issuer
 * (zc_trust_find_issuer); SM2 CRLs are checked over their TBS with SM3 and
 * the GM/T ID "1234567812345678" (OpenSSL 3.0's X509_CRL_verify cannot set
 * the ID).  A CRL that fails to parse or to verify makes the whole load fail
 * with *why naming the file and the reason (so a reload keeps the old set).
 * An empty directory is an empty set (valid: nothing revoked, nothing known).
 * A CRL whose scope cannot be used (indirect, partitioned by reason, a
 * delta without cRLNumber: zc_crl_scope_read) also fails the load. */
zc_crlset_t *zc_crl_load(apr_pool_t *p, const char *path, const zc_trust_t *trust, const char **why);

/* True when a file of the set changed since it was loaded (mtime, size or
 * inode differ, a file appeared or went away). */
int zc_crl_changed(apr_pool_t *ptemp, const zc_crlset_t *s);

/* Status of cert at time now (0 = current), from the CRLs of its issuer
 * (by name):
 *   base: the newest complete CRL whose scope covers cert (crl_scope.h:
 *         a CRL without IssuingDistributionPoint covers every certificate;
 *         a partition only the certificates whose CRLDistributionPoints
 *         name it; onlyContainsUser/CACerts by the basicConstraints of cert);
 *   delta: the newest delta CRL of the same scope that completes base
 *         (BaseCRLNumber <= base's cRLNumber < its own), if any;
 *   listed in delta, or else in base             → ZC_E_CERT_REVOKED
 *     (an entry with reason removeFromCRL is not a revocation; one in the
 *     delta overrides the base)
 *   no base, or neither base nor delta current   → ZC_E_CERT_STATUS_UNKNOWN
 *   else                                         → ZC_OK
 * CRLs with a thisUpdate after now are not used.  *detail (may be NULL)
 * says which CRL(s) and why, for the log. */
zc_err_t zc_crl_check(apr_pool_t *p, const zc_crlset_t *s, X509 *cert, apr_time_t now, const char **detail);

/* For the admin status: number of CRLs, and the earliest thisUpdate /
 * nextUpdate among them (0 when the set is empty). */
int zc_crl_count(const zc_crlset_t *s);
apr_time_t zc_crl_this_update(const zc_crlset_t *s);
apr_time_t zc_crl_next_update(const zc_crlset_t *s);

#endif
