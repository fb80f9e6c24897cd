/* Per-provider trust anchors (pure). */
#ifndef ZC_TRUST_H
#define ZC_TRUST_H

#include <apr_pools.h>
#include <apr_time.h>
#include <openssl/x509.h>
#include "errors.h"

typedef struct zc_trust_t zc_trust_t;

/* Load every certificate from a PEM file, or from every regular file in a
 * directory (*.pem, *.crt, *.cer; PEM or DER).  Every certificate loaded is
 * a trust anchor: listing an intermediate pins the provider to it, so two
 * providers under one national root stay apart (X509_V_FLAG_PARTIAL_CHAIN).
 * A certificate without CA:TRUE basic constraints is refused.  SM2
 * certificates get the GM/T ID.  Returns NULL with *why (English, names
 * the file and what is wrong) when nothing usable was loaded.  Objects are
 * freed by cleanups on p. */
zc_trust_t *zc_trust_load(apr_pool_t *p, const char *path, const char **why);

/* Number of anchors loaded, and anchor i (0 <= i < count; not up-ref'd),
 * in the order of the files. */
int zc_trust_count(const zc_trust_t *t);
X509 *zc_trust_anchor(const zc_trust_t *t, int i);

/* The anchor whose subject equals name (the first one when several do), or
 * NULL.  Not up-ref'd: it lives as long as t. */
X509 *zc_trust_find_issuer(const zc_trust_t *t, X509_NAME *name);

/* The X509_STORE of the anchors (for OCSP_basic_verify, which builds its
 * own X509_STORE_CTX and does not change the store), or NULL.  Not
 * up-ref'd: it lives as long as t; treat it as read-only. */
X509_STORE *zc_trust_store(const zc_trust_t *t);

/* Verify leaf against t, with untrusted (may be NULL) as extra
 * intermediates, at time now (apr time; 0 = current time).  SM2 ids are set
 * on leaf and untrusted certificates before verification.  Maps the
 * OpenSSL verdict:
 *   OK                                      → ZC_OK
 *   certificate (or any chain member) expired → ZC_E_CERT_EXPIRED
 *   not yet valid                           → ZC_E_CERT_NOT_YET_VALID
 *   revoked                                 → ZC_E_CERT_REVOKED
 *   issuer unknown, bad signature, self-signed leaf, chain too long,
 *   invalid CA, a CA certificate (CA:TRUE) as leaf, anything else
 *                                           → ZC_E_CERT_UNTRUSTED
 * *detail (may be NULL) receives OpenSSL's reason text for the log. */
zc_err_t zc_trust_verify(apr_pool_t *p, const zc_trust_t *t, X509 *leaf,
                         STACK_OF(X509) *untrusted, apr_time_t now, const char **detail);

/* zc_trust_verify, and on ZC_OK (when chain is not NULL) *chain: the
 * verified chain, leaf first, up to its top.  Under
 * X509_V_FLAG_PARTIAL_CHAIN OpenSSL ends the chain at the first anchor it
 * meets; here it goes on through the anchors of t that issued it (name,
 * key identifiers and signature) until a self-issued certificate or an
 * anchor whose issuer t does not hold.  So with a trust file of
 * intermediate + root the chain is leaf, intermediate, root; with the
 * intermediate alone it is leaf, intermediate.  A stack from zc_cert_stack
 * on p; *chain is NULL on failure. */
zc_err_t zc_trust_verify_chain(apr_pool_t *p, const zc_trust_t *t, X509 *leaf, STACK_OF(X509) *untrusted,
                               apr_time_t now, STACK_OF(X509) **chain, const char **detail);

/* True when leaf chains to t at all, ignoring validity times (used to tell
 * PROVIDER_MISMATCH from CERT_UNTRUSTED). */
int zc_trust_issues(apr_pool_t *p, const zc_trust_t *t, X509 *leaf, STACK_OF(X509) *untrusted);

#endif
