/* A connection's memo of its session (see session_memo.h). */
#include "session_memo.h"
#include "session_expiry.h"
#include "crypto_util.h"
#include "cert.h"
#include <apr_strings.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define ZC_MEMO_TOKEN 43          /* a session token's length (zc_token_shaped) */
#define ZC_MEMO_WORDS 6           /* the token, zero-padded to 48 bytes */
#define ZC_MEMO_STRS 1024         /* a typical session's strings take 100-250 bytes */

struct zc_session_memo_t {
    EVP_MD_CTX *sha;              /* reused for every token of the connection */
    int has_token, has_session;
    uint64_t token[ZC_MEMO_WORDS];
    unsigned char hash[ZC_SHA256_LEN];
    apr_uint32_t gen;
    zc_session_t s;               /* its strings point into strs */
    apr_size_t strs_len;
    char strs[ZC_MEMO_STRS];
};

/* Every string of a kept session: copied in by keep, out by get. */
static const size_t zc_memo_strings[] = {
    offsetof(zc_session_t, token_hash_hex), offsetof(zc_session_t, login),
    offsetof(zc_session_t, display_name),   offsetof(zc_session_t, region),
    offsetof(zc_session_t, method),         offsetof(zc_session_t, provider_id),
    offsetof(zc_session_t, key_id),         offsetof(zc_session_t, cert_not_after_text),
    offsetof(zc_session_t, expires_text),
};
#define ZC_MEMO_NSTRINGS (sizeof zc_memo_strings / sizeof zc_memo_strings[0])

static const char **zc_memo_field(zc_session_t *s, size_t i)
{
    return (const char **)(void *)((char *)s + zc_memo_strings[i]);
}

static apr_status_t zc_memo_cleanup(void *data)
{
    zc_sha256_ctx_free(((zc_session_memo_t *)data)->sha);
    return APR_SUCCESS;
}

zc_session_memo_t *zc_session_memo_new(apr_pool_t *p)
{
    EVP_MD_CTX *sha = zc_sha256_ctx_new();
    if (!sha)
        return NULL;
    zc_session_memo_t *m = apr_pcalloc(p, sizeof *m);
    m->sha = sha;
    apr_pool_cleanup_register(p, m, zc_memo_cleanup, apr_pool_cleanup_null);
    return m;
}

/* Constant time, a word at a time: behind a proxy, one connection may carry
 * several users, and this compares one user's token with another's. */
static int zc_memo_same_token(const zc_session_memo_t *m, const uint64_t *t)
{
    uint64_t diff = 0;
    for (int i = 0; i < ZC_MEMO_WORDS; i++)
        diff |= m->token[i] ^ t[i];
    return diff == 0;
}

const unsigned char *zc_session_memo_hash(zc_session_memo_t *m, const char *tok, int *repeat)
{
    size_t len = strlen(tok);
    uint64_t t[ZC_MEMO_WORDS] = {0};
    *repeat = 0;
    if (len == ZC_MEMO_TOKEN) {
        memcpy(t, tok, ZC_MEMO_TOKEN);
        if (m->has_token && zc_memo_same_token(m, t)) {
            *repeat = 1;
            return m->hash;
        }
    }
    zc_sha256_with(m->sha, tok, len, m->hash);
    m->has_token = len == ZC_MEMO_TOKEN;
    memcpy(m->token, t, sizeof t);
    m->has_session = 0;
    return m->hash;
}

zc_session_t *zc_session_memo_get(zc_session_memo_t *m, apr_pool_t *p, apr_uint32_t gen)
{
    if (!m->has_token || !m->has_session || m->gen != gen)
        return NULL;
    /* One copy of the struct and one of the strings, re-pointed. */
    zc_session_t *s = apr_pmemdup(p, &m->s, sizeof m->s);
    char *strs = apr_pmemdup(p, m->strs, m->strs_len);
    for (size_t i = 0; i < ZC_MEMO_NSTRINGS; i++) {
        const char **f = zc_memo_field(s, i);
        if (*f)
            *f = strs + (*f - m->strs);
    }
    return s;
}

void zc_session_memo_keep(zc_session_memo_t *m, apr_pool_t *p, zc_session_t *s, apr_uint32_t gen)
{
    m->has_session = 0;
    if (!m->has_token)
        return;
    s->expires_text = zc_rfc3339(p, zc_session_expiry_end(s));
    s->cert_not_after_text = s->cert_not_after ? zc_rfc3339(p, s->cert_not_after) : NULL;
    m->s = *s;
    apr_size_t used = 0;
    for (size_t i = 0; i < ZC_MEMO_NSTRINGS; i++) {
        const char **f = zc_memo_field(&m->s, i);
        if (!*f)
            continue;
        size_t n = strlen(*f) + 1;
        if (n > ZC_MEMO_STRS - used)
            return; /* too large: not kept, the cache serves it */
        memcpy(m->strs + used, *f, n);
        *f = m->strs + used;
        used += n;
    }
    m->strs_len = used;
    m->gen = gen;
    m->has_session = 1;
}
