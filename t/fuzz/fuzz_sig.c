/* Fuzz target: signature decoding and verification (sig.c), the entry a
 * challenge login goes through: zc_sig_verify with the certificate of the
 * client and the signature it sent (standard base64 or base64url of DER,
 * raw r||s, the SKF ECCSIGNATUREBLOB, PKCS#1 v1.5 or PSS).
 *
 * The first byte picks the certificate (bits 0-1: 0 RSA, 1 P-256, 2 SM2,
 * from t/fuzz/pki/) and the algorithm the client names (bits 2-4: 0 none,
 * 1 sm2-sm3, 2 rsa-sha256, 3 rsa-pss-sha256, 4 ecdsa-sha256); the rest is
 * the "signature" field.  The message is ZC_FZ_SIG_MSG, which the seeds
 * are real signatures of.  The raw bytes also go to zc_sig_verify_sm2 (the
 * check of SM2-signed CRLs and OCSP responses).  A verified signature must
 * name one algorithm the key can make and the client allowed. */
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "fuzz.h"
#include "sig.h"

static X509 *zc_fz_certs[3];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    zc_fz_certs[0] = zc_fz_cert("leaf-rsa");
    zc_fz_certs[1] = zc_fz_cert("leaf-ec");
    zc_fz_certs[2] = zc_fz_cert("leaf-sm2");
    for (int i = 0; i < 3; i++)
        zc_cert_set_sm2_id(zc_fz_certs[i]);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned algs[8] = {0, ZC_ALG_SM2_SM3, ZC_ALG_RSA_SHA256, ZC_ALG_RSA_PSS_SHA256,
                                     ZC_ALG_ECDSA_SHA256, 0, 0, 0};
    apr_pool_t *p;
    X509 *cert;
    unsigned requested, used = 0;
    const char *detail = NULL;
    const unsigned char *msg = (const unsigned char *)ZC_FZ_SIG_MSG;

    if (size < 1 || size > 8192)
        return 0;
    p = zc_fz_begin();
    cert = zc_fz_certs[(data[0] & 3) % 3];
    requested = algs[(data[0] >> 2) & 7];
    if (zc_sig_verify(p, cert, ZC_ALG_ALL, requested, zc_fz_str(p, data + 1, size - 1), msg, strlen(ZC_FZ_SIG_MSG),
                      &used, &detail) == ZC_OK) {
        ZC_FZ_CHECK(used && (used & (used - 1)) == 0 && (used & zc_sig_algorithms_for(cert)));
        ZC_FZ_CHECK(requested == 0 || used == requested);
    }
    if (cert == zc_fz_certs[2])
        zc_sig_verify_sm2(p, X509_get0_pubkey(cert), data + 1, size - 1, msg, strlen(ZC_FZ_SIG_MSG));
    zc_fz_end(p);
    return 0;
}
