/* Proof of possession: what the request shows for the key (proof.c). */
#ifndef ZC_PROOF_H
#define ZC_PROOF_H

#include "mod_zcyca.h"
#include <openssl/x509.h>
#include <jansson.h>
#include "verify.h"

/* The challenge fields of a login or bind body (DESIGN section 4). */
typedef struct {
    const char *challenge_id, *nonce, *certificate, *signature, *algorithm;
    apr_array_header_t *chain;  /* texts: PEM (one or more) or base64 DER each */
} zc_challenge_answer_t;

/* The challenge fields of a JSON body (challenge_id absent: no challenge
 * proof; present: nonce, certificate and signature are required). */
zc_err_t zc_proof_read_answer(request_rec *r, json_t *o, zc_challenge_answer_t *a, const char **detail);

/* What a login or a bind asks of the proof. */
typedef struct {
    const char *purpose;                  /* "login" or "bind": the challenge's purpose */
    const zc_challenge_answer_t *answer;  /* challenge_id NULL: the TLS client certificate */
    const zc_provider_t *provider;        /* the one the client named, or NULL */
    apr_int64_t account_id;               /* bind: the account the challenge must be for */
    unsigned throttle_key : 1;            /* login: count and check failures per proven key */
} zc_proof_req_t;

/* What the proof established. */
typedef struct {
    const zc_provider_t *provider; /* the provider the proof is for, once known */
    zc_identity_t id;              /* verified; on a failure, what is known of the certificate */
    int proven;                    /* the client has shown it holds the key of id */
} zc_proven_t;

/* The proof pipeline, the same for login and bind: the proof of possession
 * (a signed challenge, consumed first; or the handshake), the provider (named,
 * the challenge's, or detected from the certificate), the per-key throttle
 * once possession is proven, the certificate against the provider's anchors,
 * policies and revocation, mod_ssl's own verdict, and the key type against
 * ZcyCAProviderAlgorithms.  Returns the first failing step's code. */
zc_err_t zc_proof_run(request_rec *r, const zc_proof_req_t *q, zc_proven_t *out, const char **detail);

#endif
