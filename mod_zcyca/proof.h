/* Proof of possession: what the request shows for the key (proof.c). */
#ifndef ZC_PROOF_H
#define ZC_PROOF_H

#include "mod_zcyca.h"
#include <openssl/x509.h>
#include <jansson.h>
#include "verify.h"

typedef struct {
    X509 *leaf;
    STACK_OF(X509) *chain;     /* what the client sent beyond the leaf */
    const char *ssl_verify;    /* mod_ssl's SSL_CLIENT_VERIFY (tls only) */
    unsigned algorithm;        /* ZC_ALG_* that verified (challenge only) */
    apr_int64_t account_id;    /* the account a bind challenge was for */
} zc_proof_t;

/* The challenge fields of a login or bind body (DESIGN section 4). */
typedef struct {
    const char *challenge_id, *nonce, *certificate, *signature, *algorithm;
    apr_array_header_t *chain;  /* texts: PEM (one or more) or base64 DER each */
} zc_challenge_answer_t;

/* Mutual TLS: the handshake proved the key; take the certificate mod_ssl
 * saw.  NO_CERTIFICATE when there is none (or no TLS at all). */
zc_err_t zc_proof_tls(request_rec *r, zc_proof_t *out, const char **detail);

/* mod_ssl's own verdict next to ours: SUCCESS or GENEROUS (optional_no_ca
 * with no opinion on the chain) may stand; FAILED:... must not pass even if
 * our anchors accept the chain.  Returns ZC_OK or CERT_UNTRUSTED. */
zc_err_t zc_proof_tls_agree(request_rec *r, const zc_proof_t *p);

/* The challenge fields of a JSON body (challenge_id absent: no challenge
 * proof; present: nonce, certificate and signature are required). */
zc_err_t zc_proof_read_answer(request_rec *r, json_t *o, zc_challenge_answer_t *a, const char **detail);

/* Signed challenge: consume the challenge first (one attempt), then parse
 * the certificate and chain, then check the signature over the text
 * rebuilt from the row, with the provider's algorithms.  *pv: the provider
 * the client named, or NULL; on return the one the proof is for (the
 * challenge's own, or the one the certificate chains to). */
zc_err_t zc_proof_challenge(request_rec *r, const zc_challenge_answer_t *a, const char *purpose,
                            const zc_provider_t **pv, zc_proof_t *out, const char **detail);

/* *pv NULL (the client named no provider): find it from the certificate
 * and chain of the proof (zc_verify_detect_provider). */
zc_err_t zc_proof_provider(request_rec *r, const zc_proof_t *proof, const zc_provider_t **pv, const char **detail);

/* The request-side verification every proof goes through: the pure
 * zc_verify_certificate (chain, usage, policies, key id), then revocation. */
zc_err_t zc_proof_verify(request_rec *r, const zc_provider_t *pv, const zc_proof_t *proof, zc_identity_t *id,
                         const char **detail);

#endif
