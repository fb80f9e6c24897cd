/* Random tokens, hashing, base64url (pure). */
#ifndef ZC_CRYPTO_UTIL_H
#define ZC_CRYPTO_UTIL_H

#include <apr_pools.h>
#include <stddef.h>
#include <openssl/types.h>

#define ZC_TOKEN_BYTES 32
#define ZC_TOKEN_CHARS 43 /* its unpadded base64url */
#define ZC_SHA256_LEN 32

/* 32 bytes from RAND_priv_bytes as unpadded base64url (43 chars) in p;
 * NULL if the RNG failed. */
const char *zc_token_new(apr_pool_t *p);

/* True for the shape zc_token_new makes: 43 base64url characters. */
int zc_token_shaped(const char *t);

/* SHA-256 of s into out[32]. */
void zc_sha256(const void *data, size_t len, unsigned char out[ZC_SHA256_LEN]);

/* The same with a context kept by the caller (one per connection on the
 * per-request path): no allocation per hash.  NULL on allocation failure. */
EVP_MD_CTX *zc_sha256_ctx_new(void);
void zc_sha256_ctx_free(EVP_MD_CTX *ctx);
void zc_sha256_with(EVP_MD_CTX *ctx, const void *data, size_t len, unsigned char out[ZC_SHA256_LEN]);

/* Frees the SHA-256 implementation zc_sha256 fetched (an apr cleanup; data unused).  Registered
 * on httpd's configuration pool, so it runs before httpd unloads the module, whose statics hold
 * the only reference (mod_zcyca.c).  Later hashes use EVP_sha256(). */
apr_status_t zc_sha256_release(void *unused);

/* First 8 hex chars of SHA-256(s): how secrets are named in logs. */
const char *zc_log_tag(apr_pool_t *p, const char *secret);

/* Unpadded base64url of len bytes. */
const char *zc_b64url(apr_pool_t *p, const unsigned char *b, size_t len);

/* Constant-time equality of two equal-length buffers. */
int zc_ct_equal(const void *a, const void *b, size_t len);

/* Padded standard base64 of len bytes. */
const char *zc_b64(apr_pool_t *p, const unsigned char *b, size_t len);

/* Decode standard base64 (url = 0) or base64url (url = 1) of len chars.
 * Spaces, tabs, CR and LF are skipped; '=' padding is optional but must be
 * right when present; any other character, a length that cannot be base64
 * or non-zero unused bits → NULL.  The bytes (NUL-terminated, for
 * convenience) are allocated from p and *out_len is their count. */
unsigned char *zc_b64_decode(apr_pool_t *p, const char *s, size_t len, int url, size_t *out_len);

/* The oldest OpenSSL error as text, or dflt when there is none; the error
 * queue is cleared either way. */
const char *zc_openssl_error(apr_pool_t *p, const char *dflt);

#endif
