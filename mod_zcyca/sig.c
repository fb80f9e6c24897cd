/* Signatures over a challenge: formats and verification (pure: no httpd
 * headers).  See sig.h for the contract. */
#include <string.h>

#include <apr_strings.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/params.h>
#include <openssl/rsa.h>

#include "crypto_util.h"
#include "sig.h"

/* The SKF ECCSIGNATUREBLOB: r and s in 64 bytes each, right-aligned. */
#define ZC_SKF_COORD 64
#define ZC_SKF_BLOB (2 * ZC_SKF_COORD)

typedef enum { ZC_KEY_OTHER = 0, ZC_KEY_RSA, ZC_KEY_RSA_PSS, ZC_KEY_P256, ZC_KEY_SM2 } zc_key_kind_t;

static apr_status_t zc_sig_pkey_free(void *k)
{
    EVP_PKEY_free(k);
    return APR_SUCCESS;
}

/* NID of an EC (or SM2) key's curve; NID_undef when it has none. */
static int zc_sig_curve(EVP_PKEY *pk)
{
    char group[64];
    size_t glen = 0;

    if (EVP_PKEY_get_group_name(pk, group, sizeof group, &glen) != 1)
        return NID_undef;
    return OBJ_txt2nid(group);
}

static zc_key_kind_t zc_sig_key_kind(EVP_PKEY *pk)
{
    if (pk == NULL)
        return ZC_KEY_OTHER;
    if (EVP_PKEY_is_a(pk, "SM2"))
        return ZC_KEY_SM2;
    if (EVP_PKEY_is_a(pk, "EC")) {
        int nid = zc_sig_curve(pk);
        return nid == NID_sm2 ? ZC_KEY_SM2 : nid == NID_X9_62_prime256v1 ? ZC_KEY_P256 : ZC_KEY_OTHER;
    }
    if (EVP_PKEY_is_a(pk, "RSA"))
        return ZC_KEY_RSA;
    if (EVP_PKEY_is_a(pk, "RSA-PSS"))
        return ZC_KEY_RSA_PSS;
    return ZC_KEY_OTHER;
}

static unsigned zc_sig_kind_algs(zc_key_kind_t kind)
{
    switch (kind) {
    case ZC_KEY_RSA: return ZC_ALG_RSA_SHA256 | ZC_ALG_RSA_PSS_SHA256;
    case ZC_KEY_RSA_PSS: return ZC_ALG_RSA_PSS_SHA256;   /* an RSASSA-PSS key cannot do PKCS#1 v1.5 */
    case ZC_KEY_P256: return ZC_ALG_ECDSA_SHA256;
    case ZC_KEY_SM2: return ZC_ALG_SM2_SM3;
    default: return 0;
    }
}

static const char *zc_sig_kind_name(zc_key_kind_t kind)
{
    switch (kind) {
    case ZC_KEY_RSA: return "rsa";
    case ZC_KEY_RSA_PSS: return "rsa-pss";
    case ZC_KEY_P256: return "ec p-256";
    case ZC_KEY_SM2: return "sm2";
    default: return "other";
    }
}

unsigned zc_sig_algorithms_for(X509 *cert)
{
    return cert ? zc_sig_kind_algs(zc_sig_key_kind(X509_get0_pubkey(cert))) : 0;
}

/* An SM2 EVP_PKEY for an EC key on the SM2 curve: in OpenSSL 3.0 a key of
 * type EC would verify as ECDSA (no Z value, no ID), so rebuild it with the
 * SM2 key type from its encoded public point.  Freed by a cleanup on p.
 * Also used by crl.c (declared in sig.h). */
EVP_PKEY *zc_sig_as_sm2(apr_pool_t *p, EVP_PKEY *pk)
{
    unsigned char *pub = NULL;
    size_t publen;
    char group[] = "SM2";
    EVP_PKEY_CTX *kc = NULL;
    EVP_PKEY *out = NULL;

    if (EVP_PKEY_is_a(pk, "SM2"))
        return pk;
    publen = EVP_PKEY_get1_encoded_public_key(pk, &pub);
    if (publen > 0 && (kc = EVP_PKEY_CTX_new_from_name(NULL, "SM2", NULL)) != NULL) {
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
            OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, pub, publen),
            OSSL_PARAM_construct_end(),
        };
        if (EVP_PKEY_fromdata_init(kc) != 1 || EVP_PKEY_fromdata(kc, &out, EVP_PKEY_PUBLIC_KEY, params) != 1) {
            EVP_PKEY_free(out);
            out = NULL;
        }
    }
    EVP_PKEY_CTX_free(kc);
    OPENSSL_free(pub);
    if (out)
        apr_pool_cleanup_register(p, out, zc_sig_pkey_free, apr_pool_cleanup_null);
    return out;
}

/* ---- ECDSA / SM2 signature formats -------------------------------------- */

/* Strict DER ECDSA-Sig-Value: parses, nothing after it, re-encodes to the
 * same bytes. */
static int zc_sig_is_der(const unsigned char *sig, size_t len)
{
    const unsigned char *q = sig;
    unsigned char *again = NULL;
    ECDSA_SIG *es;
    int n, ok = 0;

    if (len == 0 || len > ZC_SIG_MAX || sig[0] != 0x30)
        return 0;
    es = d2i_ECDSA_SIG(NULL, &q, (long)len);
    if (es == NULL)
        return 0;
    if (q == sig + len && (n = i2d_ECDSA_SIG(es, &again)) > 0)
        ok = (size_t)n == len && memcmp(again, sig, len) == 0;
    OPENSSL_free(again);
    ECDSA_SIG_free(es);
    return ok;
}

/* DER of (r, s) given as big-endian byte strings of n bytes each, in p;
 * NULL on failure. */
static unsigned char *zc_sig_rs_to_der(apr_pool_t *p, const unsigned char *r, const unsigned char *s,
                                       size_t n, size_t *der_len)
{
    ECDSA_SIG *es = ECDSA_SIG_new();
    BIGNUM *br = BN_bin2bn(r, (int)n, NULL), *bs = BN_bin2bn(s, (int)n, NULL);
    unsigned char *der = NULL, *w;
    int len;

    if (es == NULL || br == NULL || bs == NULL || !ECDSA_SIG_set0(es, br, bs)) {
        BN_free(br);
        BN_free(bs);
        ECDSA_SIG_free(es);
        return NULL;
    }
    /* es owns br and bs from here */
    if ((len = i2d_ECDSA_SIG(es, NULL)) > 0) {
        der = w = apr_palloc(p, (apr_size_t)len);
        if (i2d_ECDSA_SIG(es, &w) != len)
            der = NULL;
        else
            *der_len = (size_t)len;
    }
    ECDSA_SIG_free(es);
    return der;
}

/* Up to two DER encodings to try for an ECDSA or SM2 signature of len bytes
 * on a curve whose field is fb bytes:
 *   2 * fb bytes:       raw r||s (and, should it also be strict DER, that);
 *   ZC_SKF_BLOB bytes:  the SKF blob, its padding all zero;
 *   anything else:      strict DER.
 * Returns the count (0: not a signature in any format) and a reason. */
static int zc_sig_ec_forms(apr_pool_t *p, const unsigned char *sig, size_t len, size_t fb,
                           const unsigned char *der[2], size_t der_len[2], const char **why)
{
    int n = 0;

    if (fb == 0 || fb > ZC_SKF_COORD) {
        *why = "unexpected curve size";
        return 0;
    }
    if (len == 2 * fb) {
        if ((der[n] = zc_sig_rs_to_der(p, sig, sig + fb, fb, &der_len[n])) != NULL)
            n++;
    }
    else if (len == ZC_SKF_BLOB) {
        const size_t pad = ZC_SKF_COORD - fb;
        for (size_t i = 0; i < pad; i++)
            if (sig[i] != 0 || sig[ZC_SKF_COORD + i] != 0) {
                *why = "SKF signature blob with non-zero padding";
                return 0;
            }
        if ((der[n] = zc_sig_rs_to_der(p, sig + pad, sig + ZC_SKF_COORD + pad, fb, &der_len[n])) != NULL)
            n++;
    }
    if (len != ZC_SKF_BLOB && zc_sig_is_der(sig, len)) {
        der[n] = sig;
        der_len[n++] = len;
    }
    if (n == 0)
        *why = apr_psprintf(p, "%" APR_SIZE_T_FMT "-byte signature is neither DER, raw r||s nor an SKF blob",
                            len);
    return n;
}

/* ---- verification ---------------------------------------------------------- */

/* One verification of sig over msg with pk under alg (one ZC_ALG_* bit):
 * 1 when it verifies, 0 otherwise (mismatch or an OpenSSL failure). */
static int zc_sig_check(EVP_PKEY *pk, unsigned alg, const unsigned char *sig, size_t slen,
                        const unsigned char *msg, size_t mlen)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    int ok = 0;

    if (md == NULL)
        return 0;
    switch (alg) {
    case ZC_ALG_SM2_SM3:
        /* the order that works in 3.0 (RECIPES 6): ID on a fresh context,
         * that context on the digest, then init with SM3 */
        if ((pctx = EVP_PKEY_CTX_new(pk, NULL)) == NULL ||
            EVP_PKEY_CTX_set1_id(pctx, ZC_SM2_ID, sizeof ZC_SM2_ID - 1) <= 0)
            break;
        EVP_MD_CTX_set_pkey_ctx(md, pctx);
        ok = EVP_DigestVerifyInit(md, NULL, EVP_sm3(), NULL, pk) == 1;
        break;
    case ZC_ALG_ECDSA_SHA256:
        ok = EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pk) == 1;
        break;
    case ZC_ALG_RSA_SHA256: {
        EVP_PKEY_CTX *c = NULL;   /* owned by md */
        ok = EVP_DigestVerifyInit(md, &c, EVP_sha256(), NULL, pk) == 1 &&
             EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) > 0;
        break;
    }
    case ZC_ALG_RSA_PSS_SHA256: {
        EVP_PKEY_CTX *c = NULL;   /* owned by md */
        ok = EVP_DigestVerifyInit(md, &c, EVP_sha256(), NULL, pk) == 1 &&
             EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PSS_PADDING) > 0 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(c, RSA_PSS_SALTLEN_AUTO) > 0 &&
             EVP_PKEY_CTX_set_rsa_mgf1_md(c, EVP_sha256()) > 0;
        break;
    }
    default:
        break;
    }
    if (ok)
        ok = EVP_DigestVerify(md, sig, slen, msg, mlen) == 1;
    EVP_MD_CTX_free(md);
    EVP_PKEY_CTX_free(pctx);   /* set_pkey_ctx does not take ownership */
    return ok;
}

int zc_sig_verify_sm2(apr_pool_t *p, EVP_PKEY *pk, const unsigned char *sig, size_t slen,
                      const unsigned char *msg, size_t mlen)
{
    int ok = pk && sig && slen && (pk = zc_sig_as_sm2(p, pk)) != NULL &&
             zc_sig_check(pk, ZC_ALG_SM2_SM3, sig, slen, msg ? msg : (const unsigned char *)"", msg ? mlen : 0);

    ERR_clear_error();
    return ok;
}

/* Decode sig_b64 as standard base64, else as base64url. */
static unsigned char *zc_sig_decode(apr_pool_t *p, const char *sig_b64, size_t *len)
{
    size_t n = strlen(sig_b64);
    unsigned char *sig = zc_b64_decode(p, sig_b64, n, 0, len);

    return sig ? sig : zc_b64_decode(p, sig_b64, n, 1, len);
}

static const unsigned zc_sig_order[] = { ZC_ALG_SM2_SM3, ZC_ALG_ECDSA_SHA256, ZC_ALG_RSA_SHA256,
                                         ZC_ALG_RSA_PSS_SHA256 };

zc_err_t zc_sig_verify(apr_pool_t *p, X509 *cert, unsigned allowed, unsigned requested,
                       const char *sig_b64, const unsigned char *msg, size_t msg_len,
                       unsigned *used, const char **detail)
{
    const char *dummy_detail;
    unsigned dummy_used, cand;
    EVP_PKEY *pk = cert ? X509_get0_pubkey(cert) : NULL;
    zc_key_kind_t kind = zc_sig_key_kind(pk);
    unsigned char *sig;
    size_t slen;
    zc_err_t rc = ZC_E_SIGNATURE_INVALID;

    if (used == NULL)
        used = &dummy_used;
    if (detail == NULL)
        detail = &dummy_detail;
    *used = 0;
    *detail = NULL;
    cand = zc_sig_kind_algs(kind) & allowed;
    if (requested)
        cand &= requested;
    if (cand == 0) {
        *detail = apr_psprintf(p, "no signature algorithm for this key (%s%s) is allowed (provider: %s%s%s)",
                               zc_sig_kind_name(kind), pk ? "" : ", no key",
                               apr_array_pstrcat(p, zc_algorithm_names(p, allowed), ','),
                               requested ? "; requested: " : "",
                               requested ? apr_array_pstrcat(p, zc_algorithm_names(p, requested), ',') : "");
        return ZC_E_ALG_UNSUPPORTED;
    }
    if (sig_b64 == NULL || (sig = zc_sig_decode(p, sig_b64, &slen)) == NULL) {
        *detail = "signature is not base64";
        return ZC_E_BAD_REQUEST;
    }
    if (slen == 0 || slen > ZC_SIG_MAX) {
        *detail = apr_psprintf(p, "signature is %" APR_SIZE_T_FMT " bytes (1..%d allowed)", slen, ZC_SIG_MAX);
        return ZC_E_BAD_REQUEST;
    }
    if (msg == NULL) {
        msg = (const unsigned char *)"";
        msg_len = 0;
    }
    if (kind == ZC_KEY_SM2 && (pk = zc_sig_as_sm2(p, pk)) == NULL) {
        *detail = "could not load the SM2 public key";
        ERR_clear_error();
        return ZC_E_SIGNATURE_INVALID;
    }
    for (size_t i = 0; i < sizeof zc_sig_order / sizeof zc_sig_order[0] && rc != ZC_OK; i++) {
        unsigned alg = zc_sig_order[i];
        if (!(cand & alg))
            continue;
        if (alg == ZC_ALG_SM2_SM3 || alg == ZC_ALG_ECDSA_SHA256) {
            const unsigned char *der[2];
            size_t der_len[2];
            int n = zc_sig_ec_forms(p, sig, slen, (size_t)(EVP_PKEY_get_bits(pk) + 7) / 8, der, der_len, detail);
            for (int j = 0; j < n && rc != ZC_OK; j++)
                if (zc_sig_check(pk, alg, der[j], der_len[j], msg, msg_len))
                    rc = ZC_OK;
        }
        else if (zc_sig_check(pk, alg, sig, slen, msg, msg_len))
            rc = ZC_OK;
        if (rc == ZC_OK)
            *used = alg;
    }
    ERR_clear_error();   /* failed attempts leave entries on this thread's queue */
    if (rc == ZC_OK)
        *detail = NULL;
    else if (*detail == NULL)
        *detail = apr_psprintf(p, "%s signature does not verify (%s)", zc_sig_kind_name(kind),
                               apr_array_pstrcat(p, zc_algorithm_names(p, cand), ','));
    return rc;
}
