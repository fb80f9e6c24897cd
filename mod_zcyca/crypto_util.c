/* Random tokens, hashing, base64 (pure: no httpd headers). */
#include <pthread.h>
#include <string.h>

#include <openssl/err.h>

#include <apr_strings.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "crypto_util.h"

static const char zc_b64_std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char zc_b64_url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static const char *zc_b64_encode(apr_pool_t *p, const unsigned char *b, size_t len,
                                 const char *alphabet, int pad)
{
    char *out = apr_palloc(p, (len + 2) / 3 * 4 + 1), *o = out;
    size_t i = 0;

    for (; i + 3 <= len; i += 3) {
        unsigned long v = ((unsigned long)b[i] << 16) | ((unsigned long)b[i + 1] << 8) | b[i + 2];
        *o++ = alphabet[(v >> 18) & 63];
        *o++ = alphabet[(v >> 12) & 63];
        *o++ = alphabet[(v >> 6) & 63];
        *o++ = alphabet[v & 63];
    }
    if (len - i == 1) {
        unsigned long v = (unsigned long)b[i] << 16;
        *o++ = alphabet[(v >> 18) & 63];
        *o++ = alphabet[(v >> 12) & 63];
        if (pad) {
            *o++ = '=';
            *o++ = '=';
        }
    }
    else if (len - i == 2) {
        unsigned long v = ((unsigned long)b[i] << 16) | ((unsigned long)b[i + 1] << 8);
        *o++ = alphabet[(v >> 18) & 63];
        *o++ = alphabet[(v >> 12) & 63];
        *o++ = alphabet[(v >> 6) & 63];
        if (pad)
            *o++ = '=';
    }
    *o = '\0';
    return out;
}

const char *zc_b64url(apr_pool_t *p, const unsigned char *b, size_t len)
{
    return zc_b64_encode(p, b, len, zc_b64_url, 0);
}

const char *zc_b64(apr_pool_t *p, const unsigned char *b, size_t len)
{
    return zc_b64_encode(p, b, len, zc_b64_std, 1);
}

/* Value of one base64 character, or -1. */
static int zc_b64_value(unsigned char c, int url)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == (url ? '-' : '+'))
        return 62;
    if (c == (url ? '_' : '/'))
        return 63;
    return -1;
}

static int zc_is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

unsigned char *zc_b64_decode(apr_pool_t *p, const char *s, size_t len, int url, size_t *out_len)
{
    unsigned char *out, *o;
    unsigned long acc = 0;
    size_t nchars = 0, npad = 0;

    if (s == NULL || out_len == NULL)
        return NULL;
    out = o = apr_palloc(p, len / 4 * 3 + 4);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        int v;

        if (zc_is_ws(c))
            continue;
        if (c == '=') {
            npad++;
            continue;
        }
        if (npad)                 /* data after padding */
            return NULL;
        if ((v = zc_b64_value(c, url)) < 0)
            return NULL;
        acc = (acc << 6) | (unsigned long)v;
        if (++nchars % 4 == 0) {
            *o++ = (unsigned char)(acc >> 16);
            *o++ = (unsigned char)(acc >> 8);
            *o++ = (unsigned char)acc;
            acc = 0;
        }
    }
    switch (nchars % 4) {
    case 0:
        if (npad)
            return NULL;
        break;
    case 1:
        return NULL;
    case 2:
        if ((npad != 0 && npad != 2) || (acc & 0x0f))
            return NULL;
        *o++ = (unsigned char)(acc >> 4);
        break;
    case 3:
        if ((npad != 0 && npad != 1) || (acc & 0x03))
            return NULL;
        *o++ = (unsigned char)(acc >> 10);
        *o++ = (unsigned char)(acc >> 2);
        break;
    }
    *o = '\0';
    *out_len = (size_t)(o - out);
    return out;
}

const char *zc_token_new(apr_pool_t *p)
{
    unsigned char raw[ZC_TOKEN_BYTES];
    const char *tok = NULL;

    if (RAND_priv_bytes(raw, ZC_TOKEN_BYTES) == 1)
        tok = zc_b64url(p, raw, ZC_TOKEN_BYTES);
    OPENSSL_cleanse(raw, sizeof raw);
    return tok;
}

/* Every protected request hashes its session token.  EVP_sha256() makes
 * OpenSSL 3 look the algorithm up in its store on each call (half the cost
 * of hashing a token, and a lock all threads share); the implementation is
 * fetched once per process instead.  Written once under pthread_once, then
 * only read, until zc_sha256_release: these statics last only as long as the
 * module is loaded, and httpd's parent unloads and loads it again at every
 * restart (and twice at start-up), so the reference goes first.  Before it
 * did, each configuration read that hashed something (ZcyCASessionCacheKey)
 * left one EVP_MD behind in the parent (issue 14: LeakSanitizer, in
 * scripts/check --sanitizers; t/90_configtest.t). */
static pthread_once_t zc_sha256_once = PTHREAD_ONCE_INIT;
static EVP_MD *zc_sha256_impl;

static void zc_sha256_fetch(void)
{
    zc_sha256_impl = EVP_MD_fetch(NULL, "SHA256", NULL);
}

/* The fetched implementation, or the legacy handle if the fetch failed. */
static const EVP_MD *zc_sha256_md(void)
{
    pthread_once(&zc_sha256_once, zc_sha256_fetch);
    return zc_sha256_impl ? zc_sha256_impl : EVP_sha256();
}

apr_status_t zc_sha256_release(void *unused)
{
    EVP_MD_free(zc_sha256_impl);   /* NULL if never fetched: a no-op */
    zc_sha256_impl = NULL;
    return APR_SUCCESS;
}

void zc_sha256(const void *data, size_t len, unsigned char out[ZC_SHA256_LEN])
{
    unsigned int n = 0;

    if (EVP_Digest(data, len, out, &n, zc_sha256_md(), NULL) != 1 || n != ZC_SHA256_LEN)
        memset(out, 0, ZC_SHA256_LEN);   /* only on allocation failure inside OpenSSL */
}

EVP_MD_CTX *zc_sha256_ctx_new(void)
{
    return EVP_MD_CTX_new();
}

void zc_sha256_ctx_free(EVP_MD_CTX *ctx)
{
    EVP_MD_CTX_free(ctx);
}

void zc_sha256_with(EVP_MD_CTX *ctx, const void *data, size_t len, unsigned char out[ZC_SHA256_LEN])
{
    unsigned int n = 0;

    if (!ctx || EVP_DigestInit_ex(ctx, zc_sha256_md(), NULL) != 1
        || EVP_DigestUpdate(ctx, data, len) != 1 || EVP_DigestFinal_ex(ctx, out, &n) != 1 || n != ZC_SHA256_LEN)
        zc_sha256(data, len, out);
}

const char *zc_log_tag(apr_pool_t *p, const char *secret)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[ZC_SHA256_LEN];
    char *tag = apr_palloc(p, 9);

    if (secret == NULL)
        secret = "";
    zc_sha256(secret, strlen(secret), md);
    for (int i = 0; i < 4; i++) {
        tag[2 * i] = hex[md[i] >> 4];
        tag[2 * i + 1] = hex[md[i] & 15];
    }
    tag[8] = '\0';
    return tag;
}

int zc_ct_equal(const void *a, const void *b, size_t len)
{
    return CRYPTO_memcmp(a, b, len) == 0;
}

/* base64url's alphabet, looked up: this runs on every protected request. */
#define ZC_TEN(c) [c] = 1, [c + 1] = 1, [c + 2] = 1, [c + 3] = 1, [c + 4] = 1, \
    [c + 5] = 1, [c + 6] = 1, [c + 7] = 1, [c + 8] = 1, [c + 9] = 1
static const unsigned char zc_token_chars[256] = {
    ZC_TEN('0'),
    ZC_TEN('A'), ZC_TEN('K'), ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
    ZC_TEN('a'), ZC_TEN('k'), ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
    ['-'] = 1, ['_'] = 1,
};
#undef ZC_TEN

int zc_token_shaped(const char *t)
{
    if (t == NULL)
        return 0;
    size_t i = 0;
    while (zc_token_chars[(unsigned char)t[i]])
        i++;
    return i == ZC_TOKEN_CHARS && t[i] == '\0';
}

const char *zc_openssl_error(apr_pool_t *p, const char *dflt)
{
    unsigned long e = ERR_peek_error();
    char buf[256];

    ERR_clear_error();
    if (e == 0)
        return dflt;
    ERR_error_string_n(e, buf, sizeof buf);
    return apr_pstrdup(p, buf);
}
