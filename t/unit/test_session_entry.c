/* Unit tests: session_entry.c (the binary session-cache entry). */
#include "unit.h"

#include <apr_strings.h>
#include <string.h>

#include "session_entry.h"

static const unsigned char zc_t_key[ZC_SESSION_MAC_KEY_LEN] = "0123456789abcdef0123456789abcdef";
static const unsigned char zc_t_hash[ZC_SESSION_TOKEN_HASH_LEN] = "the sha-256 of the session token";
/* After every time in the sample. */
#define ZC_T_NOW apr_time_from_sec(1795522000)

static unsigned char *zc_t_enc(apr_pool_t *p, const zc_session_t *s, unsigned int *len)
{
    unsigned char *e = zc_session_entry_encode(p, s, zc_t_key, zc_t_hash, len);
    assert_non_null(e);
    return e;
}

static int zc_t_dec(apr_pool_t *p, const unsigned char *e, unsigned int len, zc_session_t *out)
{
    return zc_session_entry_decode(p, e, len, zc_t_key, zc_t_hash, ZC_T_NOW, out);
}

static zc_session_t zc_t_sample(void)
{
    zc_session_t s = { .account_id = 42, .login = "zhangsan", .display_name = "张三", .region = "330100",
                       .method = "ca", .provider_id = "jlca", .key_id = "ab12", .binding_id = 7,
                       .cert_not_after = apr_time_from_sec(1900000000), .created_at = apr_time_from_sec(1795521600),
                       .last_seen_at = apr_time_from_sec(1795521660) + 123, .expires_at = -5,
                       .cached_at = apr_time_from_sec(1795521700) + 9 };
    return s;
}

static void zc_t_round_trip(void **state)
{
    apr_pool_t *p = *state;
    zc_session_t in = zc_t_sample(), out;
    unsigned int len;
    unsigned char *e = zc_t_enc(p, &in, &len);

    assert_int_equal(len, ZC_SESSION_ENTRY_HEAD + strlen("zhangsan") + strlen("张三") + 6 + 2 + 4 + 4 + 6
                              + ZC_SESSION_ENTRY_MAC);
    assert_true(zc_t_dec(p, e, len, &out));
    assert_int_equal(out.account_id, 42);
    assert_int_equal(out.binding_id, 7);
    assert_true(out.cert_not_after == in.cert_not_after);
    assert_true(out.created_at == in.created_at);
    assert_true(out.last_seen_at == in.last_seen_at);
    assert_true(out.expires_at == -5);          /* signed values survive */
    assert_true(out.cached_at == in.cached_at);
    assert_string_equal(out.login, "zhangsan");
    assert_string_equal(out.display_name, "张三");
    assert_string_equal(out.region, "330100");
    assert_string_equal(out.method, "ca");
    assert_string_equal(out.provider_id, "jlca");
    assert_string_equal(out.key_id, "ab12");
    assert_null(out.token_hash_hex);
    assert_true(out.idle_expires_at == 0);
    /* The strings are copies: the buffer may go. */
    memset(e, 0, len);
    assert_string_equal(out.login, "zhangsan");
}

static void zc_t_little_endian(void **state)
{
    apr_pool_t *p = *state;
    zc_session_t in = zc_t_sample();
    unsigned int len;
    unsigned char *e = zc_t_enc(p, &in, &len);

    assert_memory_equal(e, "ZS\x03\x00", 4);
    assert_int_equal(e[4], 42);                 /* account_id, low byte first */
    for (int i = 5; i < 12; i++)
        assert_int_equal(e[i], 0);
    assert_int_equal(e[12], 7);                 /* binding_id */
}

static void zc_t_password_session(void **state)
{
    apr_pool_t *p = *state;
    zc_session_t in = { .account_id = 3, .login = "plain", .method = "password" }, out;
    unsigned int len;
    unsigned char *e = zc_t_enc(p, &in, &len);

    assert_int_equal(len, ZC_SESSION_ENTRY_HEAD + 6 + 1 + 1 + 9 + 1 + 1 + ZC_SESSION_ENTRY_MAC);
    assert_true(zc_t_dec(p, e, len, &out));
    assert_null(out.provider_id);
    assert_null(out.key_id);
    assert_string_equal(out.display_name, "");
    assert_string_equal(out.region, "");
}

/* Every truncation, an extra byte, another version or magic, a missing
 * string: a miss, never a session, never a read past the end. */
static void zc_t_malformed(void **state)
{
    apr_pool_t *p = *state;
    zc_session_t in = zc_t_sample(), out;
    unsigned int len;
    unsigned char *e = zc_t_enc(p, &in, &len);

    for (unsigned int n = 0; n < len; n++) {
        unsigned char *cut = malloc(n ? n : 1);   /* exact size: valgrind sees any overrun */
        memcpy(cut, e, n);
        assert_false(zc_t_dec(p, cut, n, &out));
        free(cut);
    }
    unsigned char *more = apr_palloc(p, len + 1);
    memcpy(more, e, len);
    more[len] = '\0';
    assert_false(zc_t_dec(p, more, len + 1, &out));

    unsigned char *v1 = apr_pmemdup(p, e, len);
    v1[2] = 2;                                  /* the previous version, without a MAC */
    assert_false(zc_t_dec(p, v1, len, &out));
    v1[2] = 4;
    assert_false(zc_t_dec(p, v1, len, &out));
    unsigned char *json = (unsigned char *)"{\"a\":42,\"l\":\"zhangsan\",\"m\":\"ca\"}";
    assert_false(zc_t_dec(p, json, (unsigned int)strlen((char *)json) + 1, &out));
    assert_false(zc_t_dec(p, NULL, 100, &out));

    zc_session_t bad = in;
    bad.account_id = 0;
    e = zc_t_enc(p, &bad, &len);
    assert_false(zc_t_dec(p, e, len, &out));
    bad = in;
    bad.login = "";
    e = zc_t_enc(p, &bad, &len);
    assert_false(zc_t_dec(p, e, len, &out));
    bad = in;
    bad.method = NULL;
    e = zc_t_enc(p, &bad, &len);
    assert_false(zc_t_dec(p, e, len, &out));
}

/* Whoever can write to a shared cache can neither forge an entry nor move a
 * real one under another token's hash (issue 13, finding 3). */
static void zc_t_mac(void **state)
{
    apr_pool_t *p = *state;
    zc_session_t in = zc_t_sample(), out;
    unsigned int len;
    unsigned char *e = zc_t_enc(p, &in, &len);
    unsigned char other_hash[ZC_SESSION_TOKEN_HASH_LEN];
    memcpy(other_hash, zc_t_hash, sizeof other_hash);
    other_hash[0] ^= 1;
    /* copied to another key: refused */
    assert_false(zc_session_entry_decode(p, e, len, zc_t_key, other_hash, ZC_T_NOW, &out));
    /* another server's key: refused */
    unsigned char other_key[ZC_SESSION_MAC_KEY_LEN];
    memcpy(other_key, zc_t_key, sizeof other_key);
    other_key[31] ^= 0x80;
    assert_false(zc_session_entry_decode(p, e, len, other_key, zc_t_hash, ZC_T_NOW, &out));
    /* any changed byte: refused (account id, a string, the MAC itself) */
    for (unsigned int i = 0; i < len; i++) {
        unsigned char *x = apr_pmemdup(p, e, len);
        x[i] ^= 0x01;
        assert_false(zc_t_dec(p, x, len, &out));
    }
    /* a forged entry made with another key, then its account id changed */
    unsigned char *forged = zc_session_entry_encode(p, &in, other_key, zc_t_hash, &len);
    assert_false(zc_t_dec(p, forged, len, &out));
    /* the right key: accepted */
    e = zc_t_enc(p, &in, &len);
    assert_true(zc_t_dec(p, e, len, &out));
}

/* A time in the future beyond a small skew is refused: no entry outlives
 * ZcyCASessionCacheTTL by claiming PostgreSQL vouched for it later. */
static void zc_t_future(void **state)
{
    apr_pool_t *p = *state;
    zc_session_t in = zc_t_sample(), out;
    unsigned int len;
    in.cached_at = ZC_T_NOW + ZC_SESSION_ENTRY_SKEW;
    unsigned char *e = zc_t_enc(p, &in, &len);
    assert_true(zc_t_dec(p, e, len, &out));
    in.cached_at = ZC_T_NOW + ZC_SESSION_ENTRY_SKEW + 1;
    e = zc_t_enc(p, &in, &len);
    assert_false(zc_t_dec(p, e, len, &out));
    in = zc_t_sample();
    in.created_at = ZC_T_NOW + apr_time_from_sec(3600);
    e = zc_t_enc(p, &in, &len);
    assert_false(zc_t_dec(p, e, len, &out));
}

static const struct CMUnitTest zc_t_tests[] = {
    ZC_T(zc_t_round_trip), ZC_T(zc_t_little_endian), ZC_T(zc_t_password_session), ZC_T(zc_t_malformed),
    ZC_T(zc_t_mac), ZC_T(zc_t_future),
};

ZC_T_MAIN("session_entry", zc_t_tests, NULL, NULL)
