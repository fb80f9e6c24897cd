/* Fuzz target: OCSP response parsing (ocsp.c, zc_ocsp_parse_response):
 * the DER a responder answers, checked against our request (nonce), the
 * trust anchors of t/fuzz/pki/ (an EC and an SM2 CA) or a pinned
 * responder, then the status of the certificate asked about.
 *
 * The first byte is the mode, the rest the response:
 *   bits 2-4: the case: 0-2 leaf-ec asked of its CA, 3-6 leaf-ec asked of
 *             the delegated responder ocsp-ec, 7 leaf-sm2 asked of the SM2
 *             CA (one input in eight: SM2 signs and verifies ten times
 *             slower than P-256 in OpenSSL 3.0);
 *   bit 0:    when the rest parses as a basic response, sign it again with
 *             that case's signer (SM3 with the GM/T ID for SM2), so the
 *             fuzzer gets past the signature to the status look-up and the
 *             times;
 *   bit 1:    and before that, echo the nonce of our request (one per case,
 *             made once);
 *   bit 5:    pin the signer's certificate (ZcyCAProviderOCSP ... responder).
 * The answer must be one of good, revoked or unknown, and "unknown" for a
 * responder error carries no times. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>

#include "errors.h"
#include "fuzz.h"
#include "ocsp.h"
#include "trust.h"

/* Fixtures, loaded once (libFuzzer gives no other place to keep them). */
typedef struct {
    X509 *cert, *issuer, *signer;
    EVP_PKEY *key;
    zc_ocsp_req_t *req;          /* our request about cert (made once: its nonce is fixed) */
    const unsigned char *req_der;
    size_t req_len;
} zc_fz_case_t;
static zc_fz_case_t zc_fz_cases[3];
static const zc_trust_t *zc_fz_trust;
static int zc_fz_verbose;   /* ZC_FUZZ_VERBOSE=1: print the verdicts */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    apr_pool_t *root = zc_fz_root();
    const char *why = NULL;
    X509 *ca_ec = zc_fz_cert("ca-ec"), *ca_sm2 = zc_fz_cert("ca-sm2"), *leaf_ec = zc_fz_cert("leaf-ec");

    (void)argc;
    (void)argv;
    if ((zc_fz_trust = zc_trust_load(root, zc_fz_path(root, "pki/trust.pem"), &why)) == NULL) {
        fprintf(stderr, "fuzz_ocsp: %s\n", why);
        abort();
    }
    zc_fz_cases[0] = (zc_fz_case_t){leaf_ec, ca_ec, ca_ec, zc_fz_key("ca-ec"), NULL, NULL, 0};
    zc_fz_cases[1] = (zc_fz_case_t){leaf_ec, ca_ec, zc_fz_cert("ocsp-ec"), zc_fz_key("ocsp-ec"), NULL, NULL, 0};
    zc_fz_cases[2] = (zc_fz_case_t){zc_fz_cert("leaf-sm2"), ca_sm2, ca_sm2, zc_fz_key("ca-sm2"), NULL, NULL, 0};
    for (int i = 0; i < 3; i++) {
        zc_fz_case_t *c = &zc_fz_cases[i];
        if ((c->req = zc_ocsp_request(root, c->cert, c->issuer, &c->req_der, &c->req_len)) == NULL)
            abort();
    }
    zc_fz_verbose = getenv("ZC_FUZZ_VERBOSE") != NULL;
    return 0;
}

/* The response signed again by c (nonce of req_der echoed when asked);
 * NULL when the input is no basic response. */
static unsigned char *zc_fz_resign(apr_pool_t *p, const uint8_t *b, size_t n, const zc_fz_case_t *c, int echo,
                                   const unsigned char *req_der, size_t req_len, size_t *out_len)
{
    const unsigned char *q = b;
    OCSP_RESPONSE *resp = d2i_OCSP_RESPONSE(NULL, &q, (long)n), *again = NULL;
    OCSP_BASICRESP *bs = resp ? OCSP_response_get1_basic(resp) : NULL;
    unsigned char *der = NULL, *out = NULL;
    int len;

    if (bs && echo) {
        q = req_der;
        OCSP_REQUEST *req = d2i_OCSP_REQUEST(NULL, &q, (long)req_len);
        int i;
        /* the responder's own nonce goes: one echoed nonce */
        while ((i = OCSP_BASICRESP_get_ext_by_NID(bs, NID_id_pkix_OCSP_Nonce, -1)) >= 0)
            X509_EXTENSION_free(OCSP_BASICRESP_delete_ext(bs, i));
        if (req)
            OCSP_copy_nonce(bs, req);
        OCSP_REQUEST_free(req);
    }
    /* OCSP_NOCERTS: the certificates the input carries stay as they are */
    if (bs && zc_fz_sign_ocsp(bs, c->signer, c->key, OCSP_NOCERTS) &&
        (again = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, bs)) != NULL &&
        (len = i2d_OCSP_RESPONSE(again, &der)) > 0) {
        out = apr_pmemdup(p, der, (apr_size_t)len);
        *out_len = (size_t)len;
    }
    OPENSSL_free(der);
    OCSP_RESPONSE_free(again);
    OCSP_BASICRESP_free(bs);
    OCSP_RESPONSE_free(resp);
    ERR_clear_error();
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    const zc_fz_case_t *c;
    const unsigned char *resp;
    size_t resp_len;
    unsigned char mode, *signed_again;
    zc_ocsp_result_t out;
    const char *detail = NULL;

    if (size < 1 || size > 100 * 1024 + 1)
        return 0;
    p = zc_fz_begin();
    mode = data[0];
    c = &zc_fz_cases[((mode >> 2) & 7) == 7 ? 2 : ((mode >> 2) & 7) >= 3 ? 1 : 0];
    resp = data + 1;
    resp_len = size - 1;
    if ((mode & 1) &&
        (signed_again = zc_fz_resign(p, resp, resp_len, c, mode & 2, c->req_der, c->req_len, &resp_len)) != NULL)
        resp = signed_again;
    else
        resp_len = size - 1;
    zc_ocsp_parse_response(p, c->req, zc_fz_trust, (mode & 32) ? c->signer : NULL, resp, resp_len, &out, &detail);
    ZC_FZ_CHECK(out.status == ZC_OK || out.status == ZC_E_CERT_REVOKED || out.status == ZC_E_CERT_STATUS_UNKNOWN);
    ZC_FZ_CHECK(!out.responder_error || (out.status == ZC_E_CERT_STATUS_UNKNOWN && out.this_update == 0));
    if (zc_fz_verbose)
        fprintf(stderr, "ocsp: mode %#x: status %d, responder error %d: %s\n", mode, (int)out.status,
                out.responder_error, detail ? detail : "-");
    zc_fz_end(p);
    return 0;
}
