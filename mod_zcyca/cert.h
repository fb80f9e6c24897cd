/* Certificates: parsing, identity and key usage (pure). */
#ifndef ZC_CERT_H
#define ZC_CERT_H

#include <apr_pools.h>
#include <apr_time.h>
#include <openssl/x509.h>
#include "errors.h"
#include "parse.h"

/* Largest certificate we accept, in DER bytes. */
#define ZC_CERT_MAX_DER 16384

/* Parse one certificate from PEM text, base64 of DER (whitespace allowed),
 * or raw DER.  Trailing garbage after the DER is CERT_MALFORMED, and so is
 * an encoding that is not DER (it must re-encode to the same bytes, so
 * cert_sha256 is the hash of what the client sent).  The X509 is freed by
 * a cleanup on p.  On failure returns NULL with *err set to
 * ZC_E_CERT_MALFORMED. */
X509 *zc_cert_parse(apr_pool_t *p, const char *data, size_t len, zc_err_t *err);

/* Most certificates a client may send as "chain". */
#define ZC_CERT_MAX_CHAIN 8

/* Zero or more PEM certificates (a client's "chain"), only whitespace
 * around the blocks, at most ZC_CERT_MAX_CHAIN.  Returns a stack from
 * zc_cert_stack (possibly empty), or NULL with *err = ZC_E_CERT_MALFORMED. */
STACK_OF(X509) *zc_cert_parse_chain(apr_pool_t *p, const char *pem, size_t len, zc_err_t *err);

/* Every "CERTIFICATE" PEM block of a trust bundle; text between the blocks
 * (comments, "subject=" lines) and other PEM block types are skipped.
 * NULL with *why (English) when a block is broken. */
STACK_OF(X509) *zc_cert_parse_bundle(apr_pool_t *p, const char *text, size_t len, const char **why);

/* An empty STACK_OF(X509) freed (with its certificates) by a cleanup on p. */
STACK_OF(X509) *zc_cert_stack(apr_pool_t *p);

/* Push x (up-ref'd) onto a stack from zc_cert_stack. */
void zc_cert_stack_push(STACK_OF(X509) *sk, X509 *x);

/* x with a reference of its own, dropped with p (a certificate that
 * another owner, such as an SSL connection, holds). */
X509 *zc_cert_ref(apr_pool_t *p, X509 *x);

/* What we show and store about a certificate. */
typedef struct {
    const char *subject;      /* RFC 2253 DN, UTF-8 */
    const char *issuer;       /* RFC 2253 DN, UTF-8 */
    const char *serial;       /* upper-case hex, no separators, no leading zeros */
    const char *cert_sha256;  /* lower-case hex of SHA-256 over the DER */
    const char *spki_sha256;  /* lower-case hex of SHA-256 over SubjectPublicKeyInfo DER */
    apr_time_t not_before;
    apr_time_t not_after;
    const char *key_type;     /* "rsa", "ec", "sm2" (EC key on the SM2 curve, or SM2-signed),
                                 "other" */
} zc_cert_info_t;

zc_err_t zc_cert_info(apr_pool_t *p, X509 *x, zc_cert_info_t *out);

/* RFC 2253 text of a name, UTF-8 kept readable ("" when it cannot be printed). */
const char *zc_cert_name(apr_pool_t *p, const X509_NAME *name);

/* Key usage: a keyUsage extension, when present (critical or not), must
 * allow digitalSignature; else ZC_E_CERT_USAGE.  An extendedKeyUsage, when
 * present, must allow clientAuth or anyExtendedKeyUsage. */
zc_err_t zc_cert_check_usage(X509 *x);

/* The key id under mode:
 *   SPKI_SHA256:   hex SHA-256 of the SubjectPublicKeyInfo DER (64 chars)
 *   CERT_SHA256:   hex SHA-256 of the certificate DER
 *   ISSUER_SERIAL: hex SHA-256 of (issuer DER || serial INTEGER DER)
 *   EXT:           "<issuer hash hex 16>:<value>" where value is the
 *                  extension's content as a string (UTF8String, PrintableString,
 *                  IA5String, OCTET STRING as hex); missing → CERT_MALFORMED
 *                  with *detail saying which OID was missing.
 *                  Issuer hash = first 16 hex of SHA-256(issuer DER).  Other
 *                  string types (BMP, T61...) are converted to UTF-8; any other
 *                  content is the hex of the raw extnValue.  An empty string,
 *                  control characters, a repeated extension or an extnValue
 *                  over 512 bytes → CERT_MALFORMED.
 * Allocated from p; detail may be NULL. */
zc_err_t zc_cert_key_id(apr_pool_t *p, X509 *x, zc_keyid_mode_t mode, const char *oid,
                        const char **out, const char **detail);

/* True when the certificate's key is SM2 or the certificate is signed with
 * SM2-with-SM3 (SM2 certificates often carry the plain EC key OID). */
int zc_cert_is_sm2(X509 *x);

/* Set the GM/T 0009 ID "1234567812345678" on x when it is SM2 (no-op else). */
void zc_cert_set_sm2_id(X509 *x);

/* An ASN1_TIME as apr time (UTC); 0 when t is NULL or unreadable. */
int zc_asn1_time(const ASN1_TIME *t, apr_time_t *out);

/* Lower-case hex of len bytes. */
const char *zc_hex(apr_pool_t *p, const unsigned char *b, size_t len);

/* RFC 3339 UTC ("2026-11-24T12:00:00Z") of an apr time. */
const char *zc_rfc3339(apr_pool_t *p, apr_time_t t);

#endif
