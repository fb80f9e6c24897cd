/* Session-cache entries: encode and decode (see session_entry.h). */
#include "session_entry.h"
#include <apr_strings.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

static const unsigned char zc_entry_magic[4] = {'Z', 'S', 3, 0};

/* HMAC-SHA256(key, hash || body) into mac; 0 on failure. */
static int zc_entry_mac(const unsigned char *key, const unsigned char *hash, const unsigned char *body, size_t n,
                        unsigned char *mac)
{
    unsigned char buf[ZC_SESSION_TOKEN_HASH_LEN + 4096];
    unsigned int maclen = 0;
    if (n > sizeof buf - ZC_SESSION_TOKEN_HASH_LEN)
        return 0;
    memcpy(buf, hash, ZC_SESSION_TOKEN_HASH_LEN);
    memcpy(buf + ZC_SESSION_TOKEN_HASH_LEN, body, n);
    return HMAC(EVP_sha256(), key, ZC_SESSION_MAC_KEY_LEN, buf, ZC_SESSION_TOKEN_HASH_LEN + n, mac, &maclen) != NULL
           && maclen == ZC_SESSION_ENTRY_MAC;
}

static unsigned char *zc_put64(unsigned char *o, apr_int64_t v)
{
    apr_uint64_t u = (apr_uint64_t)v;
    for (int i = 0; i < 8; i++)
        o[i] = (unsigned char)(u >> (8 * i));
    return o + 8;
}

static apr_int64_t zc_get64(const unsigned char *b)
{
    apr_uint64_t u = 0;
    for (int i = 7; i >= 0; i--)
        u = (u << 8) | b[i];
    return (apr_int64_t)u;
}

unsigned char *zc_session_entry_encode(apr_pool_t *p, const zc_session_t *s, const unsigned char *key,
                                       const unsigned char *hash, unsigned int *len)
{
    const char *str[6] = {s->login, s->display_name, s->region, s->method, s->provider_id, s->key_id};
    size_t n = ZC_SESSION_ENTRY_HEAD;
    for (int i = 0; i < 6; i++)
        n += (str[i] ? strlen(str[i]) : 0) + 1;
    unsigned char *buf = apr_palloc(p, n + ZC_SESSION_ENTRY_MAC), *o = buf;
    memcpy(o, zc_entry_magic, sizeof zc_entry_magic);
    o += sizeof zc_entry_magic;
    o = zc_put64(o, s->account_id);
    o = zc_put64(o, s->binding_id);
    o = zc_put64(o, s->cert_not_after);
    o = zc_put64(o, s->created_at);
    o = zc_put64(o, s->last_seen_at);
    o = zc_put64(o, s->expires_at);
    o = zc_put64(o, s->cached_at);
    for (int i = 0; i < 6; i++) {
        size_t l = str[i] ? strlen(str[i]) : 0;
        if (l)
            memcpy(o, str[i], l);
        o[l] = '\0';
        o += l + 1;
    }
    if (!zc_entry_mac(key, hash, buf, n, buf + n))
        return NULL;
    *len = (unsigned int)(n + ZC_SESSION_ENTRY_MAC);
    return buf;
}

int zc_session_entry_decode(apr_pool_t *p, const unsigned char *buf, unsigned int len, const unsigned char *key,
                            const unsigned char *hash, apr_time_t now, zc_session_t *s)
{
    unsigned char mac[ZC_SESSION_ENTRY_MAC];
    if (!buf || len <= ZC_SESSION_ENTRY_HEAD + ZC_SESSION_ENTRY_MAC
        || memcmp(buf, zc_entry_magic, sizeof zc_entry_magic) != 0)
        return 0;
    len -= ZC_SESSION_ENTRY_MAC;
    if (!zc_entry_mac(key, hash, buf, len, mac) || CRYPTO_memcmp(mac, buf + len, sizeof mac) != 0
        || buf[len - 1] != '\0')
        return 0;
    /* One copy; the six strings point into it.  Exactly six, ending at len. */
    char *strs = apr_pmemdup(p, buf + ZC_SESSION_ENTRY_HEAD, len - ZC_SESSION_ENTRY_HEAD);
    const char *str[6];
    size_t off = 0, total = len - ZC_SESSION_ENTRY_HEAD;
    for (int i = 0; i < 6; i++) {
        if (off >= total)
            return 0;
        str[i] = strs + off;
        off += strlen(str[i]) + 1;
    }
    if (off != total)
        return 0;
    const unsigned char *b = buf + sizeof zc_entry_magic;
    memset(s, 0, sizeof *s);
    s->account_id = zc_get64(b);
    s->binding_id = zc_get64(b + 8);
    s->cert_not_after = zc_get64(b + 16);
    s->created_at = zc_get64(b + 24);
    s->last_seen_at = zc_get64(b + 32);
    s->expires_at = zc_get64(b + 40);
    s->cached_at = zc_get64(b + 48);
    s->login = str[0];
    s->display_name = str[1];
    s->region = str[2];
    s->method = str[3];
    s->provider_id = *str[4] ? str[4] : NULL;
    s->key_id = *str[5] ? str[5] : NULL;
    if (s->cached_at > now + ZC_SESSION_ENTRY_SKEW || s->created_at > now + ZC_SESSION_ENTRY_SKEW)
        return 0;
    return s->account_id > 0 && *s->login && *s->method;
}
