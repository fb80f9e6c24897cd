/* Unit tests: session_entry.c (the binary session-cache entry). */
#include "unit.h"

#include <apr_strings.h>
#include <string.h>

#include "session_entry.h"

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
    unsigned char *e = zc_session_entry_encode(p, &in, &len);

    assert_int_equal(len, ZC_SESSION_ENTRY_HEAD + strlen("zhangsan") + strlen("张三") + 6 + 2 + 4 + 4 + 6);
    assert_true(zc_session_entry_decode(p, e, len, &out));
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
    unsigned char *e = zc_session_entry_encode(p, &in, &len);

    assert_memory_equal(e, "ZS\x02\x00", 4);
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
    unsigned char *e = zc_session_entry_encode(p, &in, &len);

    assert_int_equal(len, ZC_SESSION_ENTRY_HEAD + 6 + 1 + 1 + 9 + 1 + 1);
    assert_true(zc_session_entry_decode(p, e, len, &out));
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
    unsigned char *e = zc_session_entry_encode(p, &in, &len);

    for (unsigned int n = 0; n < len; n++) {
        unsigned char *cut = malloc(n ? n : 1);   /* exact size: valgrind sees any overrun */
        memcpy(cut, e, n);
        assert_false(zc_session_entry_decode(p, cut, n, &out));
        free(cut);
    }
    unsigned char *more = apr_palloc(p, len + 1);
    memcpy(more, e, len);
    more[len] = '\0';
    assert_false(zc_session_entry_decode(p, more, len + 1, &out));

    unsigned char *v1 = apr_pmemdup(p, e, len);
    v1[2] = 1;                                  /* the previous version, without cached_at */
    assert_false(zc_session_entry_decode(p, v1, len, &out));
    v1[2] = 3;
    assert_false(zc_session_entry_decode(p, v1, len, &out));
    unsigned char *json = (unsigned char *)"{\"a\":42,\"l\":\"zhangsan\",\"m\":\"ca\"}";
    assert_false(zc_session_entry_decode(p, json, (unsigned int)strlen((char *)json) + 1, &out));
    assert_false(zc_session_entry_decode(p, NULL, 100, &out));

    zc_session_t bad = in;
    bad.account_id = 0;
    e = zc_session_entry_encode(p, &bad, &len);
    assert_false(zc_session_entry_decode(p, e, len, &out));
    bad = in;
    bad.login = "";
    e = zc_session_entry_encode(p, &bad, &len);
    assert_false(zc_session_entry_decode(p, e, len, &out));
    bad = in;
    bad.method = NULL;
    e = zc_session_entry_encode(p, &bad, &len);
    assert_false(zc_session_entry_decode(p, e, len, &out));
}

static const struct CMUnitTest zc_t_tests[] = {
    ZC_T(zc_t_round_trip), ZC_T(zc_t_little_endian), ZC_T(zc_t_password_session), ZC_T(zc_t_malformed),
};

ZC_T_MAIN("session_entry", zc_t_tests, NULL, NULL)
