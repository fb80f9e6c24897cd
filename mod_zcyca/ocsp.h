/* OCSP: ask a responder about one certificate (pure). */
#ifndef ZC_OCSP_H
#define ZC_OCSP_H

#include <apr_pools.h>
#include <apr_time.h>
#include <openssl/x509.h>
#include "errors.h"
#include "trust.h"

typedef struct {
    zc_err_t status;          /* ZC_OK good, ZC_E_CERT_REVOKED, ZC_E_CERT_STATUS_UNKNOWN */
    int responder_error;      /* 1 when the answer is "unknown" because the responder could not be
                                 reached or its response was unusable (not a status of "unknown") */
    apr_time_t this_update, next_update;  /* 0 when absent */
} zc_ocsp_result_t;

/* The first OCSP responder URL of the certificate's Authority Information
 * Access extension (http:// only), or NULL. */
const char *zc_ocsp_aia_url(apr_pool_t *p, X509 *cert);

/* Build the DER of an OCSP request for cert (CertID with SHA-1 over the
 * issuer's name and key, as responders expect) with a fresh nonce.  The
 * request object is kept in *state for zc_ocsp_parse_response.  NULL on
 * failure. */
typedef struct zc_ocsp_req_t zc_ocsp_req_t;
zc_ocsp_req_t *zc_ocsp_request(apr_pool_t *p, X509 *cert, X509 *issuer, const unsigned char **der, size_t *der_len);

/* Check a DER OCSP response against the request: successful response,
 * basic response signed by the issuer (or by a responder certificate the
 * issuer delegated with id-kp-OCSPSigning), or by pinned (may be NULL) when
 * given; nonce echoed when the responder returned one (a response without a
 * nonce is accepted, a wrong nonce is not); thisUpdate/nextUpdate valid now
 * (5 minutes of clock skew allowed).  A response signed SM2-with-SM3 is
 * verified with the GM/T ID "1234567812345678" (which OCSP_basic_verify
 * cannot set), and SM2 responder certificates in it get the ID too.  The
 * issuer given to zc_ocsp_request must be the certificate above cert in
 * the verified chain.  Fills out. */
void zc_ocsp_parse_response(apr_pool_t *p, zc_ocsp_req_t *req, const zc_trust_t *trust, X509 *pinned,
                            const unsigned char *der, size_t len, zc_ocsp_result_t *out, const char **detail);

/* The whole exchange over plain HTTP POST (RFC 6960 appendix A) with a
 * timeout in seconds for connect + send + receive: request, transfer,
 * parse.  A transport failure gives CERT_STATUS_UNKNOWN with
 * responder_error = 1. */
void zc_ocsp_query(apr_pool_t *p, const char *url, X509 *cert, X509 *issuer, const zc_trust_t *trust, X509 *pinned,
                   int timeout_s, zc_ocsp_result_t *out, const char **detail);

#endif
