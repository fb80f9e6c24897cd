/* Proof of possession: what the request shows for the key (proof.c). */
#ifndef ZC_PROOF_H
#define ZC_PROOF_H

#include "mod_zcyca.h"
#include <openssl/x509.h>

typedef struct {
    X509 *leaf;
    STACK_OF(X509) *chain;     /* what the client sent beyond the leaf */
    const char *ssl_verify;    /* mod_ssl's SSL_CLIENT_VERIFY */
} zc_proof_t;

/* Mutual TLS: the handshake proved the key; take the certificate mod_ssl
 * saw.  NO_CERTIFICATE when there is none (or no TLS at all). */
zc_err_t zc_proof_tls(request_rec *r, zc_proof_t *out, const char **detail);

/* mod_ssl's own verdict next to ours: SUCCESS or GENEROUS (optional_no_ca
 * with no opinion on the chain) may stand; FAILED:... must not pass even if
 * our anchors accept the chain.  Returns ZC_OK or CERT_UNTRUSTED. */
zc_err_t zc_proof_tls_agree(request_rec *r, const zc_proof_t *p);

#endif
