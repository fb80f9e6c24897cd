/* Proofs.  For TLS, mod_ssl has already checked the CertificateVerify
 * signature, so possession of the key is proven by the handshake; the
 * certificate itself is re-verified against the chosen provider by
 * verify.c, with the provider's own anchors rather than mod_ssl's list. */
#include "proof.h"
#include "config.h"
#include "cert.h"
#include "challenge.h"
#include "sig.h"
#include "revocation.h"
#include "throttle.h"
#include "tls.h"
#include "json_req.h"
#include "http_ssl.h"
#include "apr_strings.h"

#define ZC_MAX_CHAIN 8

/* What the request shows for the key. */
typedef struct {
    X509 *leaf;
    STACK_OF(X509) *chain;     /* what the client sent beyond the leaf */
    const char *ssl_verify;    /* mod_ssl's SSL_CLIENT_VERIFY (tls only) */
    unsigned algorithm;        /* ZC_ALG_* that verified (challenge only) */
    apr_int64_t account_id;    /* the account a bind challenge was for */
} zc_proof_t;


static const char *zc_ssl_var(request_rec *r, const char *name)
{
    const char *v = ap_ssl_var_lookup(r->pool, r->server, r->connection, r, name);
    return v && *v ? v : NULL;
}

static zc_err_t zc_proof_tls(request_rec *r, zc_proof_t *out, const char **detail)
{
    memset(out, 0, sizeof *out);
    if (!ap_ssl_conn_is_ssl(r->connection)) {
        *detail = "the request did not come over TLS";
        return ZC_E_NO_CERTIFICATE;
    }
    out->ssl_verify = zc_ssl_var(r, "SSL_CLIENT_VERIFY");
    if (!out->ssl_verify || strcmp(out->ssl_verify, "NONE") == 0) {
        *detail = apr_psprintf(r->pool, "no client certificate (SSL_CLIENT_VERIFY=%s); is SSLVerifyClient set on "
                               "this virtual host?", out->ssl_verify ? out->ssl_verify : "unset");
        return ZC_E_NO_CERTIFICATE;
    }
    out->chain = zc_cert_stack(r->pool);
    /* As OpenSSL holds them, when mod_ssl told us the connection's SSL. */
    SSL *ssl = zc_tls_ssl(r->connection);
    X509 *peer = ssl ? SSL_get0_peer_certificate(ssl) : NULL;
    if (peer && (out->leaf = zc_cert_ref(r->pool, peer)) != NULL) {
        STACK_OF(X509) *sent = SSL_get_peer_cert_chain(ssl); /* without the leaf, on a server */
        for (int i = 0; sent && i < sk_X509_num(sent) && i < ZC_MAX_CHAIN; i++)
            zc_cert_stack_push(out->chain, sk_X509_value(sent, i));
        return ZC_OK;
    }
    zc_err_t e;
    const char *pem = zc_ssl_var(r, "SSL_CLIENT_CERT");
    if (!pem) {
        *detail = apr_psprintf(r->pool, "no client certificate (SSL_CLIENT_VERIFY=%s)", out->ssl_verify);
        return ZC_E_NO_CERTIFICATE;
    }
    if (!(out->leaf = zc_cert_parse(r->pool, pem, strlen(pem), &e))) {
        *detail = "mod_ssl's client certificate did not parse";
        return ZC_E_CERT_MALFORMED;
    }
    for (int i = 0; i < ZC_MAX_CHAIN; i++) {
        const char *c = zc_ssl_var(r, apr_psprintf(r->pool, "SSL_CLIENT_CERT_CHAIN_%d", i));
        if (!c)
            break;
        X509 *x = zc_cert_parse(r->pool, c, strlen(c), &e);
        if (x)
            zc_cert_stack_push(out->chain, x);
    }
    return ZC_OK;
}

static zc_err_t zc_proof_tls_agree(request_rec *r, const zc_proof_t *p)
{
    if (strcmp(p->ssl_verify, "SUCCESS") == 0 || strcmp(p->ssl_verify, "GENEROUS") == 0)
        return ZC_OK;
    ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                  ZCLOGNO(0601) "mod_ssl refused the client certificate (%s) although the provider's anchors "
                  "accept it; check SSLCACertificateFile against ZcyCAProviderTrust", p->ssl_verify);
    return ZC_E_CERT_UNTRUSTED;
}

static zc_err_t zc_proof_provider(request_rec *r, const zc_proof_t *proof, const zc_provider_t **pv, const char **detail)
{
    if (*pv)
        return ZC_OK;
    zc_global_t *g = zc_srv_cfg(r->server)->g;
    return zc_verify_detect_provider(r->pool, (const zc_provider_t *const *)g->providers->elts, g->providers->nelts,
                                     proof->leaf, proof->chain, pv, detail);
}

/* The certificate field: one certificate (PEM, base64 DER or DER), or the
 * PEM bundle integrators have (the leaf, then intermediates, which join the
 * chain). */
static zc_err_t zc_proof_read_certificate(request_rec *r, const char *text, zc_proof_t *out, const char **detail)
{
    zc_err_t e;
    const char *first = strstr(text, "-----BEGIN");
    if (first && strstr(first + 10, "-----BEGIN")) {
        STACK_OF(X509) *sk = zc_cert_parse_chain(r->pool, text, strlen(text), &e);
        if (!sk || sk_X509_num(sk) == 0 || sk_X509_num(sk) > ZC_CERT_MAX_CHAIN + 1) {
            *detail = "certificate: a PEM bundle whose blocks are not all certificates, or too many of them";
            return ZC_E_CERT_MALFORMED;
        }
        out->leaf = sk_X509_value(sk, 0);
        for (int j = 1; j < sk_X509_num(sk); j++)
            zc_cert_stack_push(out->chain, sk_X509_value(sk, j));
        return ZC_OK;
    }
    out->leaf = zc_cert_parse(r->pool, text, strlen(text), &e);
    if (!out->leaf) {
        *detail = "certificate is not PEM, base64 DER or DER";
        return ZC_E_CERT_MALFORMED;
    }
    return ZC_OK;
}

/* Whether another provider's anchors issue the certificate. */
static int zc_proof_issued_elsewhere(request_rec *r, const zc_provider_t *pv, const zc_proof_t *proof,
                                     const char **detail)
{
    zc_global_t *g = zc_srv_cfg(r->server)->g;
    zc_identity_t id;
    const char *why = NULL;
    zc_err_t e = zc_verify_certificate(r->pool, pv, (const zc_provider_t *const *)g->providers->elts,
                                       g->providers->nelts, proof->leaf, proof->chain, 0, &id, &why);
    if (e != ZC_E_PROVIDER_MISMATCH)
        return 0;
    *detail = why;
    return 1;
}

static zc_err_t zc_proof_challenge(request_rec *r, const zc_challenge_answer_t *a, const char *purpose,
                            const zc_provider_t **pvp, zc_proof_t *out, const char **detail)
{
    memset(out, 0, sizeof *out);
    const char *tbs;
    zc_err_t e = zc_challenge_consume(r, a->challenge_id, a->nonce, purpose, pvp, &tbs, &out->account_id, detail);
    if (e != ZC_OK)
        return e;
    unsigned requested = 0;
    if (a->algorithm && zc_parse_algorithm(r->pool, a->algorithm, &requested)) {
        *detail = apr_psprintf(r->pool, "unknown algorithm name '%s'", a->algorithm);
        return ZC_E_ALG_UNSUPPORTED;
    }
    out->chain = zc_cert_stack(r->pool);
    if ((e = zc_proof_read_certificate(r, a->certificate, out, detail)) != ZC_OK)
        return e;
    for (int i = 0; i < a->chain->nelts; i++) {
        const char *t = APR_ARRAY_IDX(a->chain, i, const char *);
        STACK_OF(X509) *sk = strstr(t, "-----BEGIN") ? zc_cert_parse_chain(r->pool, t, strlen(t), &e) : NULL;
        if (sk) {
            for (int j = 0; j < sk_X509_num(sk); j++)
                zc_cert_stack_push(out->chain, sk_X509_value(sk, j));
        }
        else {
            X509 *x = strstr(t, "-----BEGIN") ? NULL : zc_cert_parse(r->pool, t, strlen(t), &e);
            if (!x) {
                *detail = apr_psprintf(r->pool, "chain item %d is not a certificate", i);
                return ZC_E_CERT_MALFORMED;
            }
            zc_cert_stack_push(out->chain, x);
        }
        if (sk_X509_num(out->chain) > ZC_CERT_MAX_CHAIN) {
            *detail = "chain too long";
            return ZC_E_CERT_MALFORMED;
        }
    }
    if ((e = zc_proof_provider(r, out, pvp, detail)) != ZC_OK)
        return e;
    /* The issuer before the algorithm: a key of another provider's kind is
     * first of all another provider's key (DESIGN section 4, 2026-12-02). */
    if (!(zc_sig_algorithms_for(out->leaf) & (*pvp)->algorithms)
        && zc_proof_issued_elsewhere(r, *pvp, out, detail))
        return ZC_E_PROVIDER_MISMATCH;
    return zc_sig_verify(r->pool, out->leaf, (*pvp)->algorithms, requested, a->signature, (const unsigned char *)tbs,
                         strlen(tbs), &out->algorithm, detail);
}

static zc_err_t zc_proof_verify(request_rec *r, const zc_provider_t *pv, const zc_proof_t *proof, zc_identity_t *id,
                         const char **detail)
{
    zc_global_t *g = zc_srv_cfg(r->server)->g;
    zc_err_t e = zc_verify_certificate(r->pool, pv, (const zc_provider_t *const *)g->providers->elts,
                                       g->providers->nelts, proof->leaf, proof->chain, 0, id, detail);
    return e == ZC_OK ? zc_revocation_check(r, pv, id->chain, detail) : e;
}

/* PEM of the largest certificate we take, with room. */
#define ZC_CERT_TEXT_MAX 24576

zc_err_t zc_proof_read_answer(request_rec *r, json_t *o, zc_challenge_answer_t *a, const char **detail)
{
    zc_err_t e;
    memset(a, 0, sizeof *a);
    a->chain = apr_array_make(r->pool, 1, sizeof(const char *));
    if ((e = zc_json_get_string(r->pool, o, "challenge_id", 0, ZC_FIELD_MAX, &a->challenge_id, detail)) != ZC_OK
        || !a->challenge_id)
        return e;
    if ((e = zc_json_get_string(r->pool, o, "nonce", 1, ZC_FIELD_MAX, &a->nonce, detail)) != ZC_OK
        || (e = zc_json_get_text(r->pool, o, "certificate", 1, ZC_CERT_TEXT_MAX, &a->certificate, detail)) != ZC_OK
        || (e = zc_json_get_text_list(r->pool, o, "chain", ZC_CERT_MAX_CHAIN, ZC_CERT_TEXT_MAX, &a->chain, detail))
               != ZC_OK
        || (e = zc_json_get_text(r->pool, o, "signature", 1, 4096, &a->signature, detail)) != ZC_OK)
        return e;
    return zc_json_get_string(r->pool, o, "algorithm", 0, 32, &a->algorithm, detail);
}

/* The challenge proof, and for a bind the account it was issued for. */
static zc_err_t zc_proof_by_challenge(request_rec *r, const zc_proof_req_t *q, const zc_provider_t **pv,
                                      zc_proof_t *proof, const char **detail)
{
    zc_err_t e = zc_proof_challenge(r, q->answer, q->purpose, pv, proof, detail);
    if (e == ZC_OK && q->account_id && proof->account_id != q->account_id) {
        *detail = "the bind challenge was issued for another account";
        return ZC_E_CHALLENGE_INVALID;
    }
    return e;
}

/* The handshake's proof, and the provider its certificate is from. */
static zc_err_t zc_proof_by_tls(request_rec *r, const zc_proof_req_t *q, const zc_provider_t **pv,
                                zc_proof_t *proof, const char **detail)
{
    zc_err_t e = zc_proof_tls(r, proof, detail);
    if (e == ZC_E_NO_CERTIFICATE && strcmp(q->purpose, "bind") == 0) {
        /* A bind body without challenge fields, on a host without client certificates. */
        *detail = "no proof: send challenge fields (purpose bind) or use the client-certificate host";
        return ZC_E_BAD_REQUEST;
    }
    return e == ZC_OK ? zc_proof_provider(r, proof, pv, detail) : e;
}

/* After the certificate verified: what only the TLS path still has to
 * check.  mod_ssl's verdict must agree, and ZcyCAProviderAlgorithms holds
 * for TLS too (for a challenge, zc_sig_verify has applied it). */
static zc_err_t zc_proof_tls_after(request_rec *r, const zc_provider_t *pv, const zc_proof_t *proof,
                                   const char **detail)
{
    zc_err_t e = zc_proof_tls_agree(r, proof);
    if (e == ZC_OK && !(zc_sig_algorithms_for(proof->leaf) & pv->algorithms)) {
        *detail = "the key type is not among the provider's ZcyCAProviderAlgorithms";
        e = ZC_E_ALG_UNSUPPORTED;
    }
    return e;
}

zc_err_t zc_proof_run(request_rec *r, const zc_proof_req_t *q, zc_proven_t *out, const char **detail)
{
    memset(out, 0, sizeof *out);
    int challenge = q->answer && q->answer->challenge_id;
    const zc_provider_t *pv = q->provider;
    zc_proof_t proof;
    zc_err_t e = challenge ? zc_proof_by_challenge(r, q, &pv, &proof, detail) : zc_proof_by_tls(r, q, &pv, &proof, detail);
    int proof_ok = e == ZC_OK;
    out->provider = pv;
    if (proof_ok) {
        e = zc_proof_verify(r, pv, &proof, &out->id, detail);
        if (e == ZC_OK && !challenge)
            e = zc_proof_tls_after(r, pv, &proof, detail);
        if (e != ZC_OK && !challenge && zc_tls_tolerated_error(r->connection))
            *detail = apr_pstrcat(r->pool, *detail ? *detail : "", " (TLS handshake: ",
                                  zc_tls_tolerated_error(r->connection), ")", NULL);
    }
    /* The certificate's details come with a verification that got that
     * far; otherwise they are read here, for the audit row and the key's
     * throttle count (once: they cost digests and name printing). */
    int seen = out->id.cert.spki_sha256
               || (proof.leaf && zc_cert_info(r->pool, proof.leaf, &out->id.cert) == ZC_OK);
    /* Possession: the TLS handshake, or a signature that verified.  Only
     * then may failures count against the key: a certificate alone is
     * public, and counting it would let anyone lock its holder out. */
    out->proven = seen && (challenge ? proof_ok : proof.ssl_verify != NULL);
    /* A key at its limit is refused by the login statement, or by the
     * count of this attempt's failure (throttle.c). */
    if (q->throttle_key && out->proven)
        zc_throttle_set_key(r, apr_pstrcat(r->pool, "spki:", out->id.cert.spki_sha256, NULL));
    return e;
}
