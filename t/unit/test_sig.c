/* Unit tests: sig.c (signature formats, algorithms, the SM2 ID).  Every
 * signature is made here, at test time, with the OpenSSL API. */
#include "unit.h"

#include <string.h>

#include <apr_strings.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/params.h>
#include <openssl/rsa.h>

#include "cert.h"
#include "crypto_util.h"
#include "sig.h"
#include "testpki.h"

#define ZC_T_MSG "ZCYCA-AUTH-V1\npurpose=login\norigin=https://login.example.gov.cn\nprovider=cfca\n" \
                 "nonce=q7Yx0V1uQZ3N6hQv5Jc3r8Vw2bH1mK9sT4dE0fG7aB_\niat=2026-11-24T12:00:00Z"

typedef struct {
    apr_pool_t *pool, *p;
    EVP_PKEY *k_ca, *k_rsa, *k_ec, *k_sm2, *k_sm2_root, *k_ecsm2, *k_ecsm2_signer, *k_p384, *k_pss;
    X509 *ca, *rsa, *ec, *sm2_root, *sm2, *ecsm2, *p384, *pss;
} zc_t_fix_t;

ZC_T_GROUP_FIXTURE(zc_t_fix_t)

static apr_status_t zc_t_pkey_free(void *k)
{
    EVP_PKEY_free(k);
    return APR_SUCCESS;
}

/* Keys testpki does not make: EC on the SM2 curve, P-384, RSASSA-PSS. */
static EVP_PKEY *zc_t_keygen(apr_pool_t *p, const char *type, const char *curve)
{
    EVP_PKEY *k = NULL;

    if (curve)
        k = EVP_PKEY_Q_keygen(NULL, NULL, type, curve);
    else {   /* EVP_PKEY_Q_keygen() takes a size only for "RSA" */
        EVP_PKEY_CTX *kc = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
        if (kc == NULL || EVP_PKEY_keygen_init(kc) != 1 || EVP_PKEY_CTX_set_rsa_keygen_bits(kc, 2048) <= 0 ||
            EVP_PKEY_generate(kc, &k) != 1)
            k = NULL;
        EVP_PKEY_CTX_free(kc);
    }
    if (k)
        apr_pool_cleanup_register(p, k, zc_t_pkey_free, apr_pool_cleanup_null);
    return k;
}

/* The same key pair with another key type ("SM2" for an EC key on the SM2
 * curve: only an SM2-type key signs with the Z value and the ID). */
static EVP_PKEY *zc_t_retype(apr_pool_t *p, EVP_PKEY *key, const char *type)
{
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *kc = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
    EVP_PKEY *k = NULL;

    if (EVP_PKEY_todata(key, EVP_PKEY_KEYPAIR, &params) != 1 || kc == NULL || EVP_PKEY_fromdata_init(kc) != 1 ||
        EVP_PKEY_fromdata(kc, &k, EVP_PKEY_KEYPAIR, params) != 1)
        k = NULL;
    OSSL_PARAM_free(params);
    EVP_PKEY_CTX_free(kc);
    if (k)
        apr_pool_cleanup_register(p, k, zc_t_pkey_free, apr_pool_cleanup_null);
    return k;
}

static int zc_t_group_setup(void **state)
{
    zc_t_fix_t *f = zc_t_group_new();
    if (f == NULL)
        return -1;
    *state = f;   /* cmocka runs the group teardown even when this fails */
    f->k_ca = zc_tp_key(f->pool, ZC_TP_RSA);
    f->k_rsa = zc_tp_key(f->pool, ZC_TP_RSA);
    f->k_ec = zc_tp_key(f->pool, ZC_TP_EC);
    f->k_sm2 = zc_tp_key(f->pool, ZC_TP_SM2);
    f->k_sm2_root = zc_tp_key(f->pool, ZC_TP_SM2);
    f->k_ecsm2 = zc_t_keygen(f->pool, "EC", "SM2");    /* type EC, curve SM2 */
    f->k_ecsm2_signer = f->k_ecsm2 ? zc_t_retype(f->pool, f->k_ecsm2, "SM2") : NULL;
    f->k_p384 = zc_t_keygen(f->pool, "EC", "P-384");
    f->k_pss = zc_t_keygen(f->pool, "RSA-PSS", NULL);
    if (!f->k_ecsm2 || !f->k_ecsm2_signer || !f->k_p384 || !f->k_pss)
        return -1;
    f->ca = zc_tp_ca(f->pool, "ZCYCA Test Root", f->k_ca, NULL, NULL);
    f->rsa = zc_tp_leaf(f->pool, "张三", f->k_rsa, f->ca, f->k_ca);
    f->ec = zc_tp_leaf(f->pool, "李四", f->k_ec, f->ca, f->k_ca);
    f->sm2_root = zc_tp_ca(f->pool, "ZCYCA SM2 Root", f->k_sm2_root, NULL, NULL);
    f->sm2 = zc_tp_leaf(f->pool, "王五", f->k_sm2, f->sm2_root, f->k_sm2_root);
    f->ecsm2 = zc_tp_leaf(f->pool, "赵六", f->k_ecsm2, f->sm2_root, f->k_sm2_root);
    f->p384 = zc_tp_leaf(f->pool, "P-384", f->k_p384, f->ca, f->k_ca);
    f->pss = zc_tp_leaf(f->pool, "RSA-PSS", f->k_pss, f->ca, f->k_ca);
    return 0;
}

/* ---- helpers ------------------------------------------------------------- */

typedef struct {
    unsigned char *b;
    size_t len;
} zc_t_buf_t;

typedef enum { ZC_T_PKCS1, ZC_T_PSS, ZC_T_ECDSA, ZC_T_SM2, ZC_T_SM2_EMPTY_ID } zc_t_how_t;

/* Sign msg with key; salt is the PSS salt length (or RSA_PSS_SALTLEN_*). */
static zc_t_buf_t zc_t_sign(apr_pool_t *p, EVP_PKEY *key, zc_t_how_t how, int salt, const char *msg)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pc = NULL, *own = NULL;
    const EVP_MD *dg = how == ZC_T_SM2 || how == ZC_T_SM2_EMPTY_ID ? EVP_sm3() : EVP_sha256();
    zc_t_buf_t out = { NULL, 0 };

    assert_non_null(md);
    if (how == ZC_T_SM2) {
        assert_non_null(own = EVP_PKEY_CTX_new(key, NULL));
        assert_true(EVP_PKEY_CTX_set1_id(own, ZC_SM2_ID, 16) > 0);
        EVP_MD_CTX_set_pkey_ctx(md, own);
    }
    assert_int_equal(EVP_DigestSignInit(md, &pc, dg, NULL, key), 1);
    if (how == ZC_T_PSS) {
        assert_true(EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PSS_PADDING) > 0);
        assert_true(EVP_PKEY_CTX_set_rsa_pss_saltlen(pc, salt) > 0);
        assert_true(EVP_PKEY_CTX_set_rsa_mgf1_md(pc, EVP_sha256()) > 0);
    }
    assert_int_equal(EVP_DigestSign(md, NULL, &out.len, (const unsigned char *)msg, strlen(msg)), 1);
    out.b = apr_palloc(p, out.len);
    assert_int_equal(EVP_DigestSign(md, out.b, &out.len, (const unsigned char *)msg, strlen(msg)), 1);
    EVP_MD_CTX_free(md);
    EVP_PKEY_CTX_free(own);
    return out;
}

/* DER ECDSA-Sig-Value → r||s with each half width bytes, right-aligned:
 * width 32 is the raw form, width 64 the SKF ECCSIGNATUREBLOB. */
static zc_t_buf_t zc_t_rs(apr_pool_t *p, zc_t_buf_t der, int width)
{
    const unsigned char *q = der.b;
    ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &q, (long)der.len);
    const BIGNUM *r, *s;
    zc_t_buf_t out = { apr_palloc(p, 2 * (size_t)width), 2 * (size_t)width };

    assert_non_null(es);
    ECDSA_SIG_get0(es, &r, &s);
    assert_int_equal(BN_bn2binpad(r, out.b, width), width);
    assert_int_equal(BN_bn2binpad(s, out.b + width, width), width);
    ECDSA_SIG_free(es);
    return out;
}

static const char *zc_t_b64(apr_pool_t *p, zc_t_buf_t b)
{
    return zc_b64(p, b.b, b.len);
}

static zc_err_t zc_t_verify(zc_t_fix_t *f, X509 *x, unsigned allowed, unsigned requested, const char *b64,
                            const char *msg, unsigned *used)
{
    const char *detail = "unset";
    unsigned u = 12345;
    zc_err_t rc = zc_sig_verify(f->p, x, allowed, requested, b64, (const unsigned char *)msg, strlen(msg), &u,
                                &detail);
    if (rc == ZC_OK) {
        assert_null(detail);
        assert_true(u != 0 && (u & (u - 1)) == 0);     /* exactly one bit */
    }
    else {
        assert_non_null(detail);
        assert_true(strlen(detail) > 0);
        assert_int_equal(u, 0);
    }
    if (used)
        *used = u;
    return rc;
}

/* Verifies with ZC_ALG_ALL, no algorithm named, and reports want as used. */
static void zc_t_ok(zc_t_fix_t *f, X509 *x, const char *b64, unsigned want)
{
    unsigned used;
    assert_int_equal(zc_t_verify(f, x, ZC_ALG_ALL, 0, b64, ZC_T_MSG, &used), ZC_OK);
    assert_int_equal(used, want);
}

/* ---- tests --------------------------------------------------------------- */

static void zc_t_algorithms_for(void **state)
{
    zc_t_fix_t *f = *state;
    size_t len;
    unsigned char *der = zc_tp_der(f->p, f->sm2, &len);
    const unsigned char *q = der;
    X509 *again = d2i_X509(NULL, &q, (long)len);

    assert_int_equal(zc_sig_algorithms_for(f->rsa), ZC_ALG_RSA_SHA256 | ZC_ALG_RSA_PSS_SHA256);
    assert_int_equal(zc_sig_algorithms_for(f->ec), ZC_ALG_ECDSA_SHA256);
    assert_int_equal(zc_sig_algorithms_for(f->sm2), ZC_ALG_SM2_SM3);
    assert_int_equal(zc_sig_algorithms_for(again), ZC_ALG_SM2_SM3);
    X509_free(again);
    assert_true(EVP_PKEY_is_a(X509_get0_pubkey(f->ecsm2), "EC"));
    assert_int_equal(zc_sig_algorithms_for(f->ecsm2), ZC_ALG_SM2_SM3);
    assert_int_equal(zc_sig_algorithms_for(f->p384), 0);
    assert_int_equal(zc_sig_algorithms_for(f->pss), ZC_ALG_RSA_PSS_SHA256);
    assert_int_equal(zc_sig_algorithms_for(NULL), 0);
}

static void zc_t_rsa_pkcs1(void **state)
{
    zc_t_fix_t *f = *state;
    zc_t_buf_t sig = zc_t_sign(f->p, f->k_rsa, ZC_T_PKCS1, 0, ZC_T_MSG);
    const char *b64 = zc_t_b64(f->p, sig);
    unsigned used;

    assert_int_equal(sig.len, 256);
    zc_t_ok(f, f->rsa, b64, ZC_ALG_RSA_SHA256);
    assert_int_equal(zc_t_verify(f, f->rsa, ZC_ALG_RSA_SHA256, 0, b64, ZC_T_MSG, &used), ZC_OK);
    assert_int_equal(used, ZC_ALG_RSA_SHA256);
    assert_int_equal(zc_t_verify(f, f->rsa, ZC_ALG_ALL, ZC_ALG_RSA_SHA256, b64, ZC_T_MSG, &used), ZC_OK);
    assert_int_equal(used, ZC_ALG_RSA_SHA256);
    /* only PSS is a candidate: a PKCS#1 v1.5 signature does not verify */
    assert_int_equal(zc_t_verify(f, f->rsa, ZC_ALG_RSA_PSS_SHA256, 0, b64, ZC_T_MSG, NULL),
                     ZC_E_SIGNATURE_INVALID);
    assert_int_equal(zc_t_verify(f, f->rsa, ZC_ALG_ALL, ZC_ALG_RSA_PSS_SHA256, b64, ZC_T_MSG, NULL),
                     ZC_E_SIGNATURE_INVALID);
}

static void zc_t_rsa_pss(void **state)
{
    zc_t_fix_t *f = *state;
    const int salts[] = { 32, RSA_PSS_SALTLEN_DIGEST, RSA_PSS_SALTLEN_MAX, 0, 20 };
    unsigned used;

    for (size_t i = 0; i < sizeof salts / sizeof salts[0]; i++) {
        const char *b64 = zc_t_b64(f->p, zc_t_sign(f->p, f->k_rsa, ZC_T_PSS, salts[i], ZC_T_MSG));
        zc_t_ok(f, f->rsa, b64, ZC_ALG_RSA_PSS_SHA256);    /* PKCS#1 tried first, then PSS */
        assert_int_equal(zc_t_verify(f, f->rsa, ZC_ALG_RSA_PSS_SHA256, 0, b64, ZC_T_MSG, &used), ZC_OK);
        assert_int_equal(used, ZC_ALG_RSA_PSS_SHA256);
        assert_int_equal(zc_t_verify(f, f->rsa, ZC_ALG_ALL, ZC_ALG_RSA_PSS_SHA256, b64, ZC_T_MSG, &used), ZC_OK);
        /* only PKCS#1 v1.5 allowed or asked for */
        assert_int_equal(zc_t_verify(f, f->rsa, ZC_ALG_RSA_SHA256, 0, b64, ZC_T_MSG, NULL),
                         ZC_E_SIGNATURE_INVALID);
        assert_int_equal(zc_t_verify(f, f->rsa, ZC_ALG_ALL, ZC_ALG_RSA_SHA256, b64, ZC_T_MSG, NULL),
                         ZC_E_SIGNATURE_INVALID);
    }
    /* an RSASSA-PSS key */
    const char *b64 = zc_t_b64(f->p, zc_t_sign(f->p, f->k_pss, ZC_T_PSS, 32, ZC_T_MSG));
    zc_t_ok(f, f->pss, b64, ZC_ALG_RSA_PSS_SHA256);
    assert_int_equal(zc_t_verify(f, f->pss, ZC_ALG_RSA_SHA256, 0, b64, ZC_T_MSG, NULL), ZC_E_ALG_UNSUPPORTED);
}

static void zc_t_ecdsa(void **state)
{
    zc_t_fix_t *f = *state;

    /* several signatures, so that short r or s (leading zero bytes) occur */
    for (int i = 0; i < 24; i++) {
        zc_t_buf_t der = zc_t_sign(f->p, f->k_ec, ZC_T_ECDSA, 0, ZC_T_MSG);
        zc_t_buf_t raw = zc_t_rs(f->p, der, 32), blob = zc_t_rs(f->p, der, 64);
        assert_int_equal(raw.len, 64);
        assert_int_equal(blob.len, 128);
        zc_t_ok(f, f->ec, zc_t_b64(f->p, der), ZC_ALG_ECDSA_SHA256);
        zc_t_ok(f, f->ec, zc_t_b64(f->p, raw), ZC_ALG_ECDSA_SHA256);
        zc_t_ok(f, f->ec, zc_t_b64(f->p, blob), ZC_ALG_ECDSA_SHA256);
        zc_t_ok(f, f->ec, zc_b64url(f->p, der.b, der.len), ZC_ALG_ECDSA_SHA256);
        zc_t_ok(f, f->ec, zc_b64url(f->p, blob.b, blob.len), ZC_ALG_ECDSA_SHA256);
    }
}

static void zc_t_sm2(void **state)
{
    zc_t_fix_t *f = *state;
    size_t len;
    unsigned char *cder = zc_tp_der(f->p, f->sm2, &len);
    zc_err_t err;
    X509 *parsed = zc_cert_parse(f->p, (const char *)cder, len, &err);   /* as a client sends it */

    assert_non_null(parsed);

    for (int i = 0; i < 12; i++) {
        zc_t_buf_t der = zc_t_sign(f->p, f->k_sm2, ZC_T_SM2, 0, ZC_T_MSG);
        const char *forms[] = { zc_t_b64(f->p, der), zc_t_b64(f->p, zc_t_rs(f->p, der, 32)),
                                zc_t_b64(f->p, zc_t_rs(f->p, der, 64)), zc_b64url(f->p, der.b, der.len) };
        for (size_t j = 0; j < sizeof forms / sizeof forms[0]; j++) {
            zc_t_ok(f, f->sm2, forms[j], ZC_ALG_SM2_SM3);
            zc_t_ok(f, parsed, forms[j], ZC_ALG_SM2_SM3);
            assert_int_equal(zc_t_verify(f, f->sm2, ZC_ALG_SM2_SM3, ZC_ALG_SM2_SM3, forms[j], ZC_T_MSG, NULL),
                             ZC_OK);
        }
    }
    /* an EC key on the SM2 curve (type EC in memory) is verified as SM2 */
    zc_t_buf_t der = zc_t_sign(f->p, f->k_ecsm2_signer, ZC_T_SM2, 0, ZC_T_MSG);
    assert_true(EVP_PKEY_is_a(X509_get0_pubkey(f->ecsm2), "EC"));
    zc_t_ok(f, f->ecsm2, zc_t_b64(f->p, der), ZC_ALG_SM2_SM3);
    zc_t_ok(f, f->ecsm2, zc_t_b64(f->p, zc_t_rs(f->p, der, 32)), ZC_ALG_SM2_SM3);
    zc_t_ok(f, f->ecsm2, zc_t_b64(f->p, zc_t_rs(f->p, der, 64)), ZC_ALG_SM2_SM3);
}

static void zc_t_sm2_empty_id(void **state)
{
    zc_t_fix_t *f = *state;

    for (int i = 0; i < 4; i++) {
        zc_t_buf_t der = zc_t_sign(f->p, f->k_sm2, ZC_T_SM2_EMPTY_ID, 0, ZC_T_MSG);
        const char *forms[] = { zc_t_b64(f->p, der), zc_t_b64(f->p, zc_t_rs(f->p, der, 32)),
                                zc_t_b64(f->p, zc_t_rs(f->p, der, 64)) };
        for (size_t j = 0; j < sizeof forms / sizeof forms[0]; j++)
            assert_int_equal(zc_t_verify(f, f->sm2, ZC_ALG_ALL, 0, forms[j], ZC_T_MSG, NULL),
                             ZC_E_SIGNATURE_INVALID);
    }
}

static void zc_t_other_text(void **state)
{
    zc_t_fix_t *f = *state;
    const char *other = ZC_T_MSG "x";
    struct { EVP_PKEY *k; X509 *x; zc_t_how_t how; unsigned alg; } c[] = {
        { f->k_rsa, f->rsa, ZC_T_PKCS1, ZC_ALG_RSA_SHA256 }, { f->k_rsa, f->rsa, ZC_T_PSS, ZC_ALG_RSA_PSS_SHA256 },
        { f->k_ec, f->ec, ZC_T_ECDSA, ZC_ALG_ECDSA_SHA256 }, { f->k_sm2, f->sm2, ZC_T_SM2, ZC_ALG_SM2_SM3 },
    };

    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        const char *b64 = zc_t_b64(f->p, zc_t_sign(f->p, c[i].k, c[i].how, 32, ZC_T_MSG));
        assert_int_equal(zc_t_verify(f, c[i].x, ZC_ALG_ALL, 0, b64, other, NULL), ZC_E_SIGNATURE_INVALID);
        assert_int_equal(zc_t_verify(f, c[i].x, ZC_ALG_ALL, 0, b64, "", NULL), ZC_E_SIGNATURE_INVALID);
        zc_t_ok(f, c[i].x, b64, c[i].alg);   /* the right text does */
    }
    /* another key's signature */
    const char *b64 = zc_t_b64(f->p, zc_t_sign(f->p, f->k_ca, ZC_T_PKCS1, 0, ZC_T_MSG));
    assert_int_equal(zc_t_verify(f, f->rsa, ZC_ALG_ALL, 0, b64, ZC_T_MSG, NULL), ZC_E_SIGNATURE_INVALID);
    /* a NULL message is the empty one */
    b64 = zc_t_b64(f->p, zc_t_sign(f->p, f->k_ec, ZC_T_ECDSA, 0, ""));
    assert_int_equal(zc_sig_verify(f->p, f->ec, ZC_ALG_ALL, 0, b64, NULL, 0, NULL, NULL), ZC_OK);
}

static void zc_t_alg_unsupported(void **state)
{
    zc_t_fix_t *f = *state;
    const char *ec = zc_t_b64(f->p, zc_t_sign(f->p, f->k_ec, ZC_T_ECDSA, 0, ZC_T_MSG));
    const char *rsa = zc_t_b64(f->p, zc_t_sign(f->p, f->k_rsa, ZC_T_PKCS1, 0, ZC_T_MSG));
    const char *sm2 = zc_t_b64(f->p, zc_t_sign(f->p, f->k_sm2, ZC_T_SM2, 0, ZC_T_MSG));
    const char *p384 = zc_t_b64(f->p, zc_t_sign(f->p, f->k_p384, ZC_T_ECDSA, 0, ZC_T_MSG));

    /* the provider allows only rsa-sha256 and the key is EC */
    assert_int_equal(zc_t_verify(f, f->ec, ZC_ALG_RSA_SHA256, 0, ec, ZC_T_MSG, NULL), ZC_E_ALG_UNSUPPORTED);
    /* ecdsa-sha256 asked for with an RSA key */
    assert_int_equal(zc_t_verify(f, f->rsa, ZC_ALG_ALL, ZC_ALG_ECDSA_SHA256, rsa, ZC_T_MSG, NULL),
                     ZC_E_ALG_UNSUPPORTED);
    /* asked for an algorithm the provider does not allow, though the key could */
    assert_int_equal(zc_t_verify(f, f->rsa, ZC_ALG_RSA_SHA256, ZC_ALG_RSA_PSS_SHA256, rsa, ZC_T_MSG, NULL),
                     ZC_E_ALG_UNSUPPORTED);
    assert_int_equal(zc_t_verify(f, f->sm2, ZC_ALG_ECDSA_SHA256, 0, sm2, ZC_T_MSG, NULL), ZC_E_ALG_UNSUPPORTED);
    assert_int_equal(zc_t_verify(f, f->sm2, ZC_ALG_ALL, ZC_ALG_ECDSA_SHA256, sm2, ZC_T_MSG, NULL),
                     ZC_E_ALG_UNSUPPORTED);
    assert_int_equal(zc_t_verify(f, f->ec, ZC_ALG_ALL, ZC_ALG_SM2_SM3, ec, ZC_T_MSG, NULL), ZC_E_ALG_UNSUPPORTED);
    assert_int_equal(zc_t_verify(f, f->rsa, 0, 0, rsa, ZC_T_MSG, NULL), ZC_E_ALG_UNSUPPORTED);
    assert_int_equal(zc_t_verify(f, f->p384, ZC_ALG_ALL, 0, p384, ZC_T_MSG, NULL), ZC_E_ALG_UNSUPPORTED);
    assert_int_equal(zc_t_verify(f, NULL, ZC_ALG_ALL, 0, rsa, ZC_T_MSG, NULL), ZC_E_ALG_UNSUPPORTED);
    /* the algorithm is checked before the signature's encoding */
    assert_int_equal(zc_t_verify(f, f->ec, ZC_ALG_RSA_SHA256, 0, "!!", ZC_T_MSG, NULL), ZC_E_ALG_UNSUPPORTED);
}

static void zc_t_bad_request(void **state)
{
    zc_t_fix_t *f = *state;
    unsigned char *big = apr_pcalloc(f->p, 2048);
    const char *bad[] = { "", "!!!!", "not base64 at all", "AAA*", "AB+-CD==", "A", "AA=A",
                          zc_b64(f->p, big, 2048), zc_b64(f->p, big, ZC_SIG_MAX + 1), "====" };

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(zc_t_verify(f, f->ec, ZC_ALG_ALL, 0, bad[i], ZC_T_MSG, NULL), ZC_E_BAD_REQUEST);
        assert_int_equal(zc_t_verify(f, f->rsa, ZC_ALG_ALL, 0, bad[i], ZC_T_MSG, NULL), ZC_E_BAD_REQUEST);
    }
    assert_int_equal(zc_t_verify(f, f->sm2, ZC_ALG_ALL, 0, bad[7], ZC_T_MSG, NULL), ZC_E_BAD_REQUEST);
    assert_int_equal(zc_sig_verify(f->p, f->ec, ZC_ALG_ALL, 0, NULL, (const unsigned char *)"x", 1, NULL, NULL),
                     ZC_E_BAD_REQUEST);
    /* exactly ZC_SIG_MAX bytes is a (wrong) signature, not a bad request */
    assert_int_equal(zc_t_verify(f, f->ec, ZC_ALG_ALL, 0, zc_b64(f->p, big, ZC_SIG_MAX), ZC_T_MSG, NULL),
                     ZC_E_SIGNATURE_INVALID);
}

static void zc_t_malformed(void **state)
{
    zc_t_fix_t *f = *state;
    struct { EVP_PKEY *k; X509 *x; zc_t_how_t how; } c[] = {
        { f->k_ec, f->ec, ZC_T_ECDSA }, { f->k_sm2, f->sm2, ZC_T_SM2 },
    };

    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        zc_t_buf_t der = zc_t_sign(f->p, c[i].k, c[i].how, 0, ZC_T_MSG);
        zc_t_buf_t cut = { der.b, der.len - 1 }, blob = zc_t_rs(f->p, der, 64);
        zc_t_buf_t trail = { apr_pcalloc(f->p, der.len + 1), der.len + 1 };
        zc_t_buf_t ber = { apr_palloc(f->p, der.len + 1), der.len + 1 };
        zc_t_buf_t raw63 = { zc_t_rs(f->p, der, 32).b, 63 };

        memcpy(trail.b, der.b, der.len);
        /* the same SEQUENCE with a long-form length: BER, not DER */
        assert_true(der.b[1] < 0x80);
        ber.b[0] = 0x30;
        ber.b[1] = 0x81;
        memcpy(ber.b + 2, der.b + 1, der.len - 1);
        zc_t_buf_t bad[] = { cut, trail, ber, raw63, { der.b, 8 } };
        for (size_t j = 0; j < sizeof bad / sizeof bad[0]; j++)
            assert_int_equal(zc_t_verify(f, c[i].x, ZC_ALG_ALL, 0, zc_t_b64(f->p, bad[j]), ZC_T_MSG, NULL),
                             ZC_E_SIGNATURE_INVALID);
        /* SKF blob with a non-zero byte in r's padding, then in s's */
        blob.b[0] = 1;
        assert_int_equal(zc_t_verify(f, c[i].x, ZC_ALG_ALL, 0, zc_t_b64(f->p, blob), ZC_T_MSG, NULL),
                         ZC_E_SIGNATURE_INVALID);
        blob.b[0] = 0;
        zc_t_ok(f, c[i].x, zc_t_b64(f->p, blob), c[i].how == ZC_T_SM2 ? ZC_ALG_SM2_SM3 : ZC_ALG_ECDSA_SHA256);
        blob.b[64 + 31] = 0x80;
        assert_int_equal(zc_t_verify(f, c[i].x, ZC_ALG_ALL, 0, zc_t_b64(f->p, blob), ZC_T_MSG, NULL),
                         ZC_E_SIGNATURE_INVALID);
    }
    /* truncated RSA */
    zc_t_buf_t rsa = zc_t_sign(f->p, f->k_rsa, ZC_T_PKCS1, 0, ZC_T_MSG);
    rsa.len--;
    assert_int_equal(zc_t_verify(f, f->rsa, ZC_ALG_ALL, 0, zc_t_b64(f->p, rsa), ZC_T_MSG, NULL),
                     ZC_E_SIGNATURE_INVALID);
    /* all zero raw r||s */
    zc_t_buf_t zero = { apr_pcalloc(f->p, 64), 64 };
    assert_int_equal(zc_t_verify(f, f->ec, ZC_ALG_ALL, 0, zc_t_b64(f->p, zero), ZC_T_MSG, NULL),
                     ZC_E_SIGNATURE_INVALID);
}

static void zc_t_encodings(void **state)
{
    zc_t_fix_t *f = *state;
    zc_t_buf_t sig;
    const char *std, *url;
    char *wrapped = "";

    /* a (randomised) PSS signature whose two encodings differ */
    do {
        sig = zc_t_sign(f->p, f->k_rsa, ZC_T_PSS, 32, ZC_T_MSG);
        std = zc_b64(f->p, sig.b, sig.len);
        url = zc_b64url(f->p, sig.b, sig.len);
    } while (strpbrk(std, "+/") == NULL);
    assert_true(strchr(std, '=') != NULL);   /* 256 bytes: padded */
    zc_t_ok(f, f->rsa, std, ZC_ALG_RSA_PSS_SHA256);
    zc_t_ok(f, f->rsa, url, ZC_ALG_RSA_PSS_SHA256);
    zc_t_ok(f, f->rsa, apr_pstrndup(f->p, std, strlen(url)), ZC_ALG_RSA_PSS_SHA256);   /* std, unpadded */
    zc_t_ok(f, f->rsa, apr_pstrcat(f->p, url, "==", NULL), ZC_ALG_RSA_PSS_SHA256);       /* url, padded */
    for (size_t i = 0; i < strlen(std); i += 64)                                         /* PEM-style lines */
        wrapped = apr_pstrcat(f->p, wrapped, apr_pstrndup(f->p, std + i, 64), "\r\n", NULL);
    zc_t_ok(f, f->rsa, wrapped, ZC_ALG_RSA_PSS_SHA256);
    /* both alphabets in one string: neither decoding */
    const char *mix = apr_pstrcat(f->p, "+", url + 1, NULL);
    if (strpbrk(url + 1, "-_"))
        assert_int_equal(zc_t_verify(f, f->rsa, ZC_ALG_ALL, 0, mix, ZC_T_MSG, NULL), ZC_E_BAD_REQUEST);
    /* a padding error */
    assert_int_equal(zc_t_verify(f, f->rsa, ZC_ALG_ALL, 0, apr_pstrcat(f->p, std, "=", NULL), ZC_T_MSG, NULL),
                     ZC_E_BAD_REQUEST);
}

static const struct CMUnitTest zc_t_tests[] = {
    ZC_T_FIX(zc_t_algorithms_for), ZC_T_FIX(zc_t_rsa_pkcs1), ZC_T_FIX(zc_t_rsa_pss), ZC_T_FIX(zc_t_ecdsa),
    ZC_T_FIX(zc_t_sm2), ZC_T_FIX(zc_t_sm2_empty_id), ZC_T_FIX(zc_t_other_text), ZC_T_FIX(zc_t_alg_unsupported),
    ZC_T_FIX(zc_t_bad_request), ZC_T_FIX(zc_t_malformed), ZC_T_FIX(zc_t_encodings),
};

ZC_T_MAIN("sig", zc_t_tests, zc_t_group_setup, zc_t_group_teardown)
