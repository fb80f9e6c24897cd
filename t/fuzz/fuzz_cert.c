/* Fuzz target: certificate and chain decoding (cert.c) and what reads a
 * decoded certificate: identity (zc_cert_info, the four key-id modes),
 * key usage, the algorithms its key can sign with (sig.c), its OCSP URL
 * (ocsp.c), its CRL distribution points (crl_scope.c) and the one
 * verification path (verify.c: provider detection, chain, usage, policy,
 * key id) against two providers of t/fuzz/pki/ (an EC and an SM2 CA).
 *
 * The input is what a client sends as "certificate" (PEM, base64 of DER,
 * or DER), and when it holds a PEM block also as "chain" and as a trust
 * bundle.  What is accepted must hold up: a certificate encodes to at most
 * ZC_CERT_MAX_DER bytes, its hashes are 64 hex digits, a chain has at most
 * ZC_CERT_MAX_CHAIN certificates. */
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>
#include <openssl/x509v3.h>

#include "cert.h"
#include "crl_scope.h"
#include "fuzz.h"
#include "ocsp.h"
#include "sig.h"
#include "trust.h"
#include "verify.h"

#define ZC_FZ_OID "1.2.156.10260.4.1.1"

/* Fixtures, loaded once (libFuzzer gives no other place to keep them). */
static zc_provider_t zc_fz_pv[2];
static const zc_provider_t *zc_fz_all[2];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    apr_pool_t *root = zc_fz_root();
    static const char *const names[2] = {"ec", "sm2"};

    (void)argc;
    (void)argv;
    for (int i = 0; i < 2; i++) {
        const char *why = NULL;
        zc_provider_t *pv = &zc_fz_pv[i];
        pv->id = names[i];
        pv->name = names[i];
        pv->trust_path = zc_fz_path(root, apr_pstrcat(root, "pki/ca-", names[i], ".pem", NULL));
        if ((pv->trust = zc_trust_load(root, pv->trust_path, &why)) == NULL) {
            fprintf(stderr, "fuzz_cert: %s\n", why);
            abort();
        }
        pv->keyid_mode = i ? ZC_KEYID_EXT : ZC_KEYID_SPKI_SHA256;
        pv->keyid_oid = i ? ZC_FZ_OID : NULL;
        pv->algorithms = ZC_ALG_ALL;
        pv->index = i;
        if (i) {   /* the SM2 provider requires a policy */
            pv->policies = apr_array_make(root, 1, sizeof(const char *));
            APR_ARRAY_PUSH(pv->policies, const char *) = "1.2.156.10260.4.1.2";
        }
        zc_fz_all[i] = pv;
    }
    return 0;
}

static int zc_fz_hex64(const char *s)
{
    if (s == NULL || strlen(s) != 64)
        return 0;
    for (int i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

/* Everything that reads one certificate (untrusted: the rest of a chain). */
static void zc_fz_use(apr_pool_t *p, X509 *x, STACK_OF(X509) *untrusted, int deep)
{
    zc_cert_info_t info;
    const char *id, *detail;
    const zc_provider_t *found = NULL;
    zc_identity_t ident;
    apr_time_t now = apr_time_from_sec(ZC_FZ_NOW_SEC);
    STACK_OF(DIST_POINT) *dps;

    if (zc_cert_info(p, x, &info) == ZC_OK) {
        ZC_FZ_CHECK(zc_fz_hex64(info.cert_sha256) && zc_fz_hex64(info.spki_sha256));
        ZC_FZ_CHECK(info.subject && info.issuer && info.serial && info.key_type);
    }
    zc_cert_name(p, X509_get_subject_name(x));
    zc_cert_check_usage(x);
    for (int m = ZC_KEYID_SPKI_SHA256; m <= ZC_KEYID_EXT; m++)
        if (zc_cert_key_id(p, x, (zc_keyid_mode_t)m, m == ZC_KEYID_EXT ? ZC_FZ_OID : NULL, &id, &detail) == ZC_OK)
            ZC_FZ_CHECK(id && *id);
    zc_cert_key_id(p, x, ZC_KEYID_EXT, "2.5.29.17", &id, &detail);
    zc_cert_is_sm2(x);
    zc_sig_algorithms_for(x);
    zc_ocsp_aia_url(p, x);
    dps = zc_crl_scope_dps(p, x);
    (void)dps;
    if (!deep)
        return;
    /* as a login does it: detect the provider, then verify for it (or, when
     * none issues it, for one of them: the mismatch and untrusted paths) */
    zc_verify_detect_provider(p, zc_fz_all, 2, x, untrusted, &found, &detail);
    zc_verify_certificate(p, found ? found : zc_fz_all[X509_get_version(x) & 1], zc_fz_all, 2, x, untrusted, now,
                          &ident, &detail);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = zc_fz_begin();
    const char *text = (const char *)data, *why = NULL;   /* libFuzzer's exact-size buffer */
    zc_err_t err;
    X509 *x = zc_cert_parse(p, text, size, &err);
    STACK_OF(X509) *sk;

    if (x) {
        /* the DER it was read from, which must re-encode to itself */
        ZC_FZ_CHECK(i2d_X509(x, NULL) > 0 && i2d_X509(x, NULL) <= ZC_CERT_MAX_DER);
        zc_fz_use(p, x, NULL, 1);
    }
    if (size >= 10 && memmem(data, size, "-----BEGIN", 10)) {
        if ((sk = zc_cert_parse_chain(p, text, size, &err)) != NULL) {
            ZC_FZ_CHECK(sk_X509_num(sk) <= ZC_CERT_MAX_CHAIN);
            for (int i = 0; i < sk_X509_num(sk); i++)
                zc_fz_use(p, sk_X509_value(sk, i), NULL, 0);
            if (sk_X509_num(sk) > 1) {
                STACK_OF(X509) *rest = zc_cert_stack(p);
                for (int i = 1; i < sk_X509_num(sk); i++)
                    zc_cert_stack_push(rest, sk_X509_value(sk, i));
                zc_fz_use(p, sk_X509_value(sk, 0), rest, 1);
            }
        }
        if ((sk = zc_cert_parse_bundle(p, text, size, &why)) != NULL)
            for (int i = 0; i < sk_X509_num(sk); i++)
                zc_fz_use(p, sk_X509_value(sk, i), NULL, 0);
    }
    zc_fz_end(p);
    return 0;
}
