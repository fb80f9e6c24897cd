/* Fuzz target: the session-cache entry decoder (session_entry.c), which
 * reads what a shared cache (redis, memcache) hands back: anyone who can
 * write there controls these bytes.
 *
 * The first byte picks the mode, the rest is the entry:
 *   even: the entry as it is, under the fixed key and token hash (the MAC
 *         must stop everything that was not encoded by us);
 *   odd:  the entry with its last 32 bytes replaced by the right MAC, so
 *         the fuzzer reaches the parsing behind the MAC (a key holder's
 *         view: what a node of another build might write).
 * A decoded session must hold up: an account, a login and a method, and it
 * encodes again to an entry that decodes to the same values; the expiry
 * rules (session_expiry.c) run on it. */
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "fuzz.h"
#include "session_entry.h"
#include "session_expiry.h"

ZC_FZ_INITIALIZE_ROOT_ONLY

static int zc_fz_same(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const unsigned char *key = (const unsigned char *)ZC_FZ_SESSION_KEY;
    const unsigned char *hash = (const unsigned char *)ZC_FZ_TOKEN_HASH;
    apr_time_t now = apr_time_from_sec(ZC_FZ_NOW_SEC);
    apr_pool_t *p;
    unsigned char *buf;
    unsigned int len, len2;
    zc_session_t s, s2;

    if (size < 1 || size > 8192)
        return 0;
    p = zc_fz_begin();
    len = (unsigned int)(size - 1);
    /* malloc'd at its exact size: pool memory would hide an over-read from ASan */
    if ((buf = malloc(len ? len : 1)) == NULL)
        abort();
    if (len)
        memcpy(buf, data + 1, len);
    if ((data[0] & 1) && len >= ZC_SESSION_ENTRY_MAC && len - ZC_SESSION_ENTRY_MAC <= 4096) {
        unsigned char *msg = apr_palloc(p, ZC_SESSION_TOKEN_HASH_LEN + len);
        unsigned int maclen = 0;
        memcpy(msg, hash, ZC_SESSION_TOKEN_HASH_LEN);
        memcpy(msg + ZC_SESSION_TOKEN_HASH_LEN, buf, len - ZC_SESSION_ENTRY_MAC);
        HMAC(EVP_sha256(), key, ZC_SESSION_MAC_KEY_LEN, msg, ZC_SESSION_TOKEN_HASH_LEN + len - ZC_SESSION_ENTRY_MAC,
             buf + len - ZC_SESSION_ENTRY_MAC, &maclen);
    }
    if (zc_session_entry_decode(p, buf, len, key, hash, now, &s)) {
        unsigned char *again;
        ZC_FZ_CHECK(s.account_id > 0 && s.login && *s.login && s.method && *s.method);
        ZC_FZ_CHECK(s.cached_at <= now + ZC_SESSION_ENTRY_SKEW);
        again = zc_session_entry_encode(p, &s, key, hash, &len2);
        ZC_FZ_CHECK(again && len2 == len && memcmp(again, buf, len) == 0);
        ZC_FZ_CHECK(zc_session_entry_decode(p, again, len2, key, hash, now, &s2));
        ZC_FZ_CHECK(s2.account_id == s.account_id && s2.binding_id == s.binding_id && zc_fz_same(s2.login, s.login) &&
                    zc_fz_same(s2.key_id, s.key_id) && zc_fz_same(s2.provider_id, s.provider_id));
        zc_session_expiry_end(&s);
        zc_session_expiry_usable(&s, now, 900, 28800);
        zc_session_expiry_touch_due(&s, now, 900);
        zc_session_expiry_idle_end(s.last_seen_at, 900);
    }
    free(buf);
    zc_fz_end(p);
    return 0;
}
