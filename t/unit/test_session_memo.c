/* Unit tests: session_memo.c (a connection's memo of its session). */
#include "unit.h"

#include <apr_strings.h>
#include <string.h>

#include "session_memo.h"
#include "crypto_util.h"

#define TOKEN_A "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define TOKEN_B "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"

static zc_session_t zc_t_sample(void)
{
    zc_session_t s = { .token_hash_hex = "0a1b2c3d", .account_id = 42, .login = "zhangsan", .display_name = "张三", .region = "330100",
                       .method = "ca", .provider_id = "jlca", .key_id = "ab12", .binding_id = 7,
                       .cert_not_after = apr_time_from_sec(1900000000), .created_at = apr_time_from_sec(1795521600),
                       .last_seen_at = apr_time_from_sec(1795521660), .expires_at = apr_time_from_sec(1795550400),
                       .idle_expires_at = apr_time_from_sec(1795525260), .cached_at = apr_time_from_sec(1795521660) };
    return s;
}

static void zc_t_hash(void **state)
{
    apr_pool_t *p = *state;
    zc_session_memo_t *m = zc_session_memo_new(p);
    unsigned char want_a[ZC_SHA256_LEN], want_b[ZC_SHA256_LEN], got[ZC_SHA256_LEN];
    zc_sha256(TOKEN_A, 43, want_a);
    zc_sha256(TOKEN_B, 43, want_b);

    int rep = -1;
    assert_non_null(m);
    memcpy(got, zc_session_memo_hash(m, TOKEN_A, &rep), ZC_SHA256_LEN);
    assert_memory_equal(got, want_a, ZC_SHA256_LEN);
    assert_int_equal(rep, 0);                            /* the connection's first */
    assert_memory_equal(zc_session_memo_hash(m, TOKEN_A, &rep), want_a, ZC_SHA256_LEN);
    assert_int_equal(rep, 1);                            /* the same again */
    assert_memory_equal(zc_session_memo_hash(m, TOKEN_B, &rep), want_b, ZC_SHA256_LEN);
    assert_int_equal(rep, 0);
    /* A token that differs in its last character only is another token. */
    char near[44];
    memcpy(near, TOKEN_B, 44);
    near[42] = 'C';
    assert_memory_not_equal(zc_session_memo_hash(m, near, &rep), want_b, ZC_SHA256_LEN);
    assert_int_equal(rep, 0);
    /* Other lengths are hashed too, never taken for the kept token. */
    unsigned char want_short[ZC_SHA256_LEN];
    zc_sha256("AAAA", 4, want_short);
    assert_memory_equal(zc_session_memo_hash(m, "AAAA", &rep), want_short, ZC_SHA256_LEN);
    assert_memory_equal(zc_session_memo_hash(m, "AAAA", &rep), want_short, ZC_SHA256_LEN);
    assert_int_equal(rep, 0);                            /* never remembered */
    assert_memory_equal(zc_session_memo_hash(m, TOKEN_A, &rep), want_a, ZC_SHA256_LEN);
}

static void zc_t_keep_and_get(void **state)
{
    apr_pool_t *p = *state, *req;
    zc_session_memo_t *m = zc_session_memo_new(p);
    zc_session_t in = zc_t_sample();
    int rep;

    assert_null(zc_session_memo_get(m, p, 1));              /* no token yet */
    zc_session_memo_hash(m, TOKEN_A, &rep);
    assert_null(zc_session_memo_get(m, p, 1));              /* nothing kept */
    zc_session_memo_keep(m, p, &in, 5);
    assert_string_equal(in.expires_text, "2026-11-24T13:01:00Z");    /* the caller gets the texts too */
    assert_string_equal(in.cert_not_after_text, "2030-03-17T17:46:40Z");

    apr_pool_create(&req, p);
    zc_session_t *s = zc_session_memo_get(m, req, 5);
    assert_non_null(s);
    assert_int_equal(s->account_id, 42);
    assert_string_equal(s->login, "zhangsan");
    assert_string_equal(s->display_name, "张三");
    assert_string_equal(s->provider_id, "jlca");
    assert_true(s->idle_expires_at == in.idle_expires_at);
    assert_true(s->cached_at == in.cached_at);
    assert_string_equal(s->token_hash_hex, "0a1b2c3d");
    assert_string_equal(s->cert_not_after_text, "2030-03-17T17:46:40Z");
    assert_string_equal(s->expires_text, "2026-11-24T13:01:00Z");  /* idle expiry: the earlier */

    /* Another generation: nothing, whatever the token. */
    assert_null(zc_session_memo_get(m, req, 6));
    assert_null(zc_session_memo_get(m, req, 4));
    /* The copy owes the memo nothing: keeping another session leaves it intact. */
    zc_session_t other = zc_t_sample();
    other.login = "lisi";
    other.cert_not_after = 0;
    other.provider_id = NULL;
    zc_session_memo_keep(m, p, &other, 6);
    assert_string_equal(s->login, "zhangsan");
    assert_string_equal(s->expires_text, "2026-11-24T13:01:00Z");
    zc_session_t *t = zc_session_memo_get(m, req, 6);
    assert_string_equal(t->login, "lisi");
    assert_null(t->cert_not_after_text);
    assert_null(t->provider_id);

    /* A new token forgets the session; going back does not bring it back. */
    zc_session_memo_hash(m, TOKEN_B, &rep);
    assert_null(zc_session_memo_get(m, req, 6));
    zc_session_memo_hash(m, TOKEN_A, &rep);
    assert_null(zc_session_memo_get(m, req, 6));
    zc_session_memo_keep(m, p, &in, 6);
    assert_non_null(zc_session_memo_get(m, req, 6));
    assert_null(zc_session_memo_get(m, req, 7));            /* a removal since: nothing */
}

static void zc_t_not_kept(void **state)
{
    apr_pool_t *p = *state;
    zc_session_memo_t *m = zc_session_memo_new(p);
    zc_session_t in = zc_t_sample();
    int rep;

    /* Too large for the memo: not kept (it still works, from the cache). */
    char *big = apr_palloc(p, 2001);
    memset(big, 'x', 2000);
    big[2000] = '\0';
    in.display_name = big;
    zc_session_memo_hash(m, TOKEN_A, &rep);
    zc_session_memo_keep(m, p, &in, 1);
    assert_null(zc_session_memo_get(m, p, 1));
    /* A token of another length is not remembered, so nothing is kept for it. */
    in = zc_t_sample();
    zc_session_memo_hash(m, "short", &rep);
    zc_session_memo_keep(m, p, &in, 1);
    assert_null(zc_session_memo_get(m, p, 1));
    /* One that fits after one that did not: kept. */
    zc_session_memo_hash(m, TOKEN_A, &rep);
    zc_session_memo_keep(m, p, &in, 1);
    assert_non_null(zc_session_memo_get(m, p, 1));
}

static const struct CMUnitTest zc_t_tests[] = {
    ZC_T(zc_t_hash), ZC_T(zc_t_keep_and_get), ZC_T(zc_t_not_kept),
};

ZC_T_MAIN("session_memo", zc_t_tests, NULL, NULL)
