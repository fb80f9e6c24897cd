/* sign.c - EVP signing for the three key types (sign.h). */
#include "sign.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "log.h"

/* GM/T 0009's default user ID.  OpenSSL 3.0's own default is empty, which no
 * Chinese CA's verifier uses, so it is set on every SM2 operation. */
static const char zca_sm2_id[] = "1234567812345678";

/* A digest-sign or digest-verify context for PK; SM2 gets its ID first. */
static EVP_MD_CTX *zca_md_ctx(EVP_PKEY *pk, zca_key_type_t type, int verify)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    const EVP_MD *dg = type == ZCA_KEY_SM2 ? EVP_sm3() : EVP_sha256();
    int ok;

    if (md == NULL)
        return NULL;
    if (type == ZCA_KEY_SM2) {
        if ((pctx = EVP_PKEY_CTX_new(pk, NULL)) == NULL ||
            EVP_PKEY_CTX_set1_id(pctx, zca_sm2_id, sizeof zca_sm2_id - 1) <= 0) {
            EVP_PKEY_CTX_free(pctx);
            EVP_MD_CTX_free(md);
            return NULL;
        }
        EVP_MD_CTX_set_pkey_ctx(md, pctx);    /* md does not take it over: freed below */
        ok = verify ? EVP_DigestVerifyInit(md, NULL, dg, NULL, pk) : EVP_DigestSignInit(md, NULL, dg, NULL, pk);
    }
    else    /* RSA: PKCS#1 v1.5 is the default padding; EC: DER ECDSA-Sig-Value */
        ok = verify ? EVP_DigestVerifyInit(md, NULL, dg, NULL, pk) : EVP_DigestSignInit(md, NULL, dg, NULL, pk);
    if (ok <= 0) {
        EVP_MD_CTX_free(md);
        EVP_PKEY_CTX_free(pctx);
        return NULL;
    }
    return md;
}

static void zca_md_ctx_free(EVP_MD_CTX *md, zca_key_type_t type)
{
    EVP_PKEY_CTX *pctx = type == ZCA_KEY_SM2 && md ? EVP_MD_CTX_get_pkey_ctx(md) : NULL;

    EVP_MD_CTX_free(md);
    EVP_PKEY_CTX_free(pctx);
}

static bool zca_sign_raw(EVP_PKEY *pk, zca_key_type_t type, const unsigned char *data, size_t len,
                         unsigned char **sig, size_t *siglen)
{
    EVP_MD_CTX *md = zca_md_ctx(pk, type, 0);
    bool ok = false;

    *sig = NULL;
    if (md && EVP_DigestSign(md, NULL, siglen, data, len) > 0 && (*sig = malloc(*siglen)) != NULL)
        ok = EVP_DigestSign(md, *sig, siglen, data, len) > 0;
    zca_md_ctx_free(md, type);
    return ok;
}

static bool zca_verify(EVP_PKEY *pk, zca_key_type_t type, const unsigned char *data, size_t len,
                       const unsigned char *sig, size_t siglen)
{
    EVP_MD_CTX *md = zca_md_ctx(pk, type, 1);
    bool ok = md && EVP_DigestVerify(md, sig, siglen, data, len) == 1;

    zca_md_ctx_free(md, type);
    return ok;
}

json_t *zca_sign(const zca_unlocked_t *u, const zca_key_t *k, const unsigned char *data, size_t len)
{
    unsigned char *sig = NULL, *b64 = NULL;
    size_t siglen = 0;
    json_t *out = NULL;
    char e[256] = "no detail";

    if (!zca_sign_raw(u->pkey, k->type, data, len, &sig, &siglen)) {
        if (ERR_peek_error())
            ERR_error_string_n(ERR_peek_error(), e, sizeof e);
        ZCA_LOG(0301, "%s: signing failed (%s)", k->cert_id, e);
    }
    else if (!zca_verify(X509_get0_pubkey(k->cert), k->type, data, len, sig, siglen))
        ZCA_LOG(0302, "%s: the signature does not verify with the certificate's key; "
                      "the token's key and certificate do not belong together", k->cert_id);
    else if ((b64 = malloc(4 * ((siglen + 2) / 3) + 1)) != NULL)
        out = json_stringn((const char *)b64, (size_t)EVP_EncodeBlock(b64, sig, (int)siglen));
    ERR_clear_error();
    free(sig);
    free(b64);
    return out;
}
