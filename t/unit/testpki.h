/* Test-time PKI for the unit tests: keys and certificates made with the
 * OpenSSL 3.0 API while the tests run (nothing is committed).  Every
 * object is freed by a cleanup on the pool it was made in. */
#ifndef ZC_TESTPKI_H
#define ZC_TESTPKI_H

#include <stddef.h>

#include <apr_pools.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>

typedef enum { ZC_TP_RSA, ZC_TP_EC, ZC_TP_SM2 } zc_tp_alg_t;

/* RSA-2048, P-256 or SM2 key pair. */
EVP_PKEY *zc_tp_key(apr_pool_t *p, zc_tp_alg_t alg);

#define ZC_TP_DAY 86400L

typedef struct {
    const char *cn;             /* subject CN (UTF-8 allowed) */
    const char *org;            /* subject O, optional */
    EVP_PKEY *key;              /* the subject's key (required) */
    X509 *issuer;               /* NULL: self-signed by key */
    EVP_PKEY *issuer_key;       /* signing key when issuer is set */
    int ca;                     /* 1 CA:TRUE (critical), 0 CA:FALSE, -1 no basicConstraints */
    long not_before;            /* seconds from now; negative is in the past */
    long not_after;             /* seconds from now (0 means 365 days) */
    const char *key_usage;      /* "critical,digitalSignature"...; NULL = no extension */
    const char *ext_key_usage;  /* "clientAuth"...; NULL = no extension */
    long serial;                /* 0 = 64 random bits */
    const char *ext_oid;        /* optional private extension (dotted OID) ... */
    const char *ext_value;      /* ... holding this UTF8String */
    int sm2_no_id;              /* SM2 signer: sign with OpenSSL's empty default ID */
    const char *aia;            /* authorityInfoAccess ("OCSP;URI:http://..."); NULL = none */
    const char *crldp;          /* crlDistributionPoints ("URI:http://..."); NULL = none */
} zc_tp_spec_t;

/* Build and sign one certificate; SM2 signers use SM3 with the GM/T ID
 * "1234567812345678" (unless sm2_no_id), others SHA-256.  Aborts the test
 * program on an OpenSSL failure. */
X509 *zc_tp_cert(apr_pool_t *p, const zc_tp_spec_t *s);

/* Shorthands: a CA (keyCertSign, cRLSign) and a client leaf
 * (digitalSignature, clientAuth), valid from yesterday for a year. */
X509 *zc_tp_ca(apr_pool_t *p, const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key);
X509 *zc_tp_leaf(apr_pool_t *p, const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key);

/* Encodings. */
unsigned char *zc_tp_der(apr_pool_t *p, X509 *x, size_t *len);
char *zc_tp_pem(apr_pool_t *p, X509 *x);

/* A fresh mkdtemp() directory, removed with its files by a cleanup on p. */
const char *zc_tp_tmpdir(apr_pool_t *p);

/* Write len bytes to dir/name; returns the path. */
const char *zc_tp_write(apr_pool_t *p, const char *dir, const char *name, const void *data, size_t len);

/* Write the private key of k as unencrypted PEM to dir/name; returns the path. */
const char *zc_tp_write_key(apr_pool_t *p, const char *dir, const char *name, EVP_PKEY *k);

/* Write the PEM of n certificates to dir/name; returns the path. */
const char *zc_tp_write_pem(apr_pool_t *p, const char *dir, const char *name, X509 *const *certs, int n);

/* ---- CRLs --------------------------------------------------------------- */

typedef struct {
    X509 *issuer;               /* the CA issuing the CRL (its subject is the CRL issuer) */
    EVP_PKEY *key;              /* signing key (normally the issuer's) */
    long this_update;           /* seconds from now; 0 = now */
    long next_update;           /* seconds from now; 0 = 7 days */
    int no_next_update;         /* 1: omit nextUpdate */
    X509 *const *revoked;       /* certificates whose serials are listed ... */
    int n_revoked;              /* ... and how many */
    int reason;                 /* 0: no reasonCode entry extension; else CRL_REASON_* + 1 */
    int sm2_no_id;              /* SM2 signer: sign with OpenSSL's empty default ID */
    const char *idp;            /* issuingDistributionPoint, openssl config syntax
                                   ("fullname:URI:http://...", "onlyCA:TRUE"); NULL = none */
    long number;                /* cRLNumber; 0 = none */
    int delta;                  /* 1: a delta CRL (critical deltaCRLIndicator) ... */
    long delta_base;            /* ... of this BaseCRLNumber */
} zc_tp_crl_spec_t;

/* Build and sign a v2 CRL (revocation date: an hour ago).  SM2 signers use
 * SM3 with the GM/T ID (unless sm2_no_id), via X509_CRL_sign_ctx; others
 * SHA-256.  Aborts on an OpenSSL failure. */
X509_CRL *zc_tp_crl(apr_pool_t *p, const zc_tp_crl_spec_t *s);

/* Encodings of a CRL. */
unsigned char *zc_tp_crl_der(apr_pool_t *p, X509_CRL *c, size_t *len);
char *zc_tp_crl_pem(apr_pool_t *p, X509_CRL *c);

/* ---- OCSP responses ----------------------------------------------------- */

typedef struct {
    int resp_status;            /* OCSP_RESPONSE_STATUS_*; anything but SUCCESSFUL gives a bare response */
    X509 *cert, *issuer;        /* the CertID (SHA-1) the single response is about */
    int status;                 /* V_OCSP_CERTSTATUS_GOOD, _REVOKED or _UNKNOWN */
    const unsigned char *req_der; /* the request whose nonce is echoed (NULL: no nonce) ... */
    size_t req_len;             /* ... and its length */
    int nonce;                  /* 0 echo req's nonce, 1 no nonce, 2 a wrong (fresh random) nonce */
    X509 *signer;               /* responder certificate ... */
    EVP_PKEY *signer_key;       /* ... and its key (RSA or EC: SHA-256; SM2: SM3 with the GM/T ID) */
    int sm2_no_id;              /* SM2 signer: sign with OpenSSL's empty default ID */
    int no_certs;               /* 1: OCSP_NOCERTS (the signer certificate is not included) */
    long this_update;           /* seconds from now; 0 = a minute ago */
    long next_update;           /* seconds from now; 0 = one day */
    int no_next_update;         /* 1: omit nextUpdate */
} zc_tp_ocsp_spec_t;

/* The DER of an OCSP response built with OCSP_basic_sign.  Aborts on an
 * OpenSSL failure. */
unsigned char *zc_tp_ocsp_resp(apr_pool_t *p, const zc_tp_ocsp_spec_t *s, size_t *len);

#endif
