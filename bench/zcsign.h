/* zcsign.h - what the bench's login clients (bench/zcload.c, bench/zcsoak.c)
 * share: reading a file, loading a private key, signing a challenge's tbs as
 * a vendor driver does (RSA PKCS#1 v1.5 SHA-256, ECDSA P-256 SHA-256 DER, SM2
 * with SM3 and the GM/T ID), JSON quoting and the token check of an answer.
 * Header-only, every function static; include zcbench.h first (die()).
 * Written for this project; C11. */
#ifndef ZCSIGN_H
#define ZCSIGN_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#define SM2_ID "1234567812345678"

static inline char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("%s: %s", path, strerror(errno));
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (len + 1 == cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb)
                free(buf);
            buf = nb;
        }
    }
    fclose(f);
    if (!buf)
        die("out of memory");
    buf[len] = '\0';
    return buf;
}

static inline EVP_PKEY *load_key(const char *path, int *sm2)
{
    FILE *f = fopen(path, "r");
    if (!f)
        die("%s: %s", path, strerror(errno));
    EVP_PKEY *k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    if (!k)
        die("%s: not a PEM private key", path);
    *sm2 = EVP_PKEY_is_a(k, "SM2");
    if (!*sm2 && EVP_PKEY_is_a(k, "EC")) {
        char group[64] = "";
        size_t gl = 0;
        if (EVP_PKEY_get_group_name(k, group, sizeof group, &gl) == 1 && strcmp(group, "SM2") == 0)
            die("%s: an EC key on the SM2 curve did not load as an SM2 key", path);
    }
    return k;
}

/* base64(signature over msg), malloc'd; NULL on failure. */
static inline char *sign_b64(EVP_PKEY *key, int sm2, const char *msg, size_t mlen)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pc = NULL;
    unsigned char *sig = NULL;
    char *out = NULL;
    size_t slen = 0;
    int ok = md != NULL;
    if (ok && sm2) {
        /* OpenSSL 3.0's SM2 default ID is empty; GM/T 0009 and the module use this one */
        ok = (pc = EVP_PKEY_CTX_new(key, NULL)) != NULL && EVP_PKEY_CTX_set1_id(pc, SM2_ID, strlen(SM2_ID)) > 0;
        if (ok)
            EVP_MD_CTX_set_pkey_ctx(md, pc);
    }
    ok = ok && EVP_DigestSignInit(md, NULL, sm2 ? EVP_sm3() : EVP_sha256(), NULL, key) == 1
         && EVP_DigestSign(md, NULL, &slen, (const unsigned char *)msg, mlen) == 1 && (sig = malloc(slen))
         && EVP_DigestSign(md, sig, &slen, (const unsigned char *)msg, mlen) == 1;
    if (ok && (out = malloc(4 * ((slen + 2) / 3) + 1)))
        EVP_EncodeBlock((unsigned char *)out, sig, (int)slen);
    free(sig);
    EVP_MD_CTX_free(md);
    EVP_PKEY_CTX_free(pc); /* set_pkey_ctx leaves it to us */
    return out;
}

/* 1 when S can go into a JSON string as it is. */
static inline int safe_token(const char *s)
{
    for (; s && *s; s++)
        if (*s == '"' || *s == '\\' || (unsigned char)*s < 0x20)
            return 0;
    return s != NULL;
}

static inline char *json_quoted(const char *s)
{
    json_t *j = json_string(s);
    if (!j)
        die("not UTF-8 text: %.40s", s);
    char *out = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
    json_decref(j);
    if (!out)
        die("out of memory");
    return out;
}

#endif
