/* Unit tests: cookie.c (the session and pre-login cookies). */
#include "unit.h"

#include <apr_strings.h>
#include <string.h>

#include "cookie.h"

#define ZC_T_TOK "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" /* 43 base64url characters */
#define ZC_T_TOK2 "abcdefghijklmnopqrstuvwxyz0123456789-_ABCDE"

static void zc_t_find_basic(void **state)
{
    apr_pool_t *p = *state;
    assert_string_equal(zc_cookie_find(p, "zcyca_session=abc", "zcyca_session"), "abc");
    assert_string_equal(zc_cookie_find(p, "a=1; zcyca_session=abc; b=2", "zcyca_session"), "abc");
    assert_string_equal(zc_cookie_find(p, "a=1;zcyca_session=abc;b=2", "zcyca_session"), "abc");
    assert_string_equal(zc_cookie_find(p, "a=1;\t zcyca_session=abc", "zcyca_session"), "abc");
    assert_string_equal(zc_cookie_find(p, "zcyca_session=", "zcyca_session"), "");
    assert_string_equal(zc_cookie_find(p, "zcyca_session=a=b", "zcyca_session"), "a=b");
    assert_string_equal(zc_cookie_find(p, "zcyca_session= abc \t; x=1", "zcyca_session"), "abc");
    assert_string_equal(zc_cookie_find(p, ";;; ;zcyca_session=abc;;;", "zcyca_session"), "abc");
}

static void zc_t_find_missing(void **state)
{
    apr_pool_t *p = *state;
    assert_null(zc_cookie_find(p, NULL, "zcyca_session"));
    assert_null(zc_cookie_find(p, "", "zcyca_session"));
    assert_null(zc_cookie_find(p, "zcyca_session=abc", NULL));
    assert_null(zc_cookie_find(p, "zcyca_session=abc", ""));
    assert_null(zc_cookie_find(p, "=abc", ""));
    assert_null(zc_cookie_find(p, "; ; ;", "zcyca_session"));
    assert_null(zc_cookie_find(p, "zcyca_session", "zcyca_session"));      /* no '=' */
    assert_null(zc_cookie_find(p, "zcyca_session;x=1", "zcyca_session"));
    assert_null(zc_cookie_find(p, "zcyca_session =abc", "zcyca_session")); /* not the name */
}

/* Names that contain ours, or differ from it in case. */
static void zc_t_find_other_names(void **state)
{
    apr_pool_t *p = *state;
    assert_null(zc_cookie_find(p, "zcyca_session_old=abc", "zcyca_session"));
    assert_null(zc_cookie_find(p, "zcyca_sessionx=abc", "zcyca_session"));
    assert_null(zc_cookie_find(p, "xzcyca_session=abc", "zcyca_session"));
    assert_null(zc_cookie_find(p, "my_zcyca_session=abc", "zcyca_session"));
    assert_null(zc_cookie_find(p, "ZCYCA_SESSION=abc", "zcyca_session"));
    assert_null(zc_cookie_find(p, "zcyca=abc", "zcyca_session"));
    assert_null(zc_cookie_find(p, "a=zcyca_session=abc", "zcyca_session")); /* inside another's value */
    assert_string_equal(zc_cookie_find(p, "zcyca_session_old=x; zcyca_session=abc", "zcyca_session"), "abc");
    assert_string_equal(zc_cookie_find(p, "zcyca_pre=p; zcyca_session=s", "zcyca_pre"), "p");
    assert_string_equal(zc_cookie_find(p, "zcyca_pre=p; zcyca_session=s", "zcyca_session"), "s");
    /* a name that is a prefix of ours does not find ours */
    assert_null(zc_cookie_find(p, "zcyca_session=abc", "zcyca"));
}

static void zc_t_find_duplicates(void **state)
{
    apr_pool_t *p = *state;
    assert_string_equal(zc_cookie_find(p, "zcyca_session=first; zcyca_session=second", "zcyca_session"), "first");
}

static void zc_t_quoted(void **state)
{
    apr_pool_t *p = *state;
    /* The quotes stay: such a value is never a token of ours. */
    assert_string_equal(zc_cookie_find(p, "zcyca_session=\"abc\"", "zcyca_session"), "\"abc\"");
    assert_null(zc_cookie_token(p, "zcyca_session=\"" ZC_T_TOK "\"", "zcyca_session"));
    assert_string_equal(zc_cookie_token(p, "zcyca_session=\"" ZC_T_TOK "\"; zcyca_session=" ZC_T_TOK2, "zcyca_session"),
                        ZC_T_TOK2);
}

static void zc_t_token(void **state)
{
    apr_pool_t *p = *state;
    assert_string_equal(zc_cookie_token(p, "zcyca_session=" ZC_T_TOK, "zcyca_session"), ZC_T_TOK);
    assert_string_equal(zc_cookie_token(p, "a=b; zcyca_session=" ZC_T_TOK "; c=d", "zcyca_session"), ZC_T_TOK);
    assert_string_equal(zc_cookie_token(p, "zcyca_session=" ZC_T_TOK " ", "zcyca_session"), ZC_T_TOK);
    assert_null(zc_cookie_token(p, "zcyca_session=" ZC_T_TOK, NULL));
    assert_null(zc_cookie_token(p, "zcyca_session=" ZC_T_TOK, ""));
    assert_null(zc_cookie_token(p, NULL, "zcyca_session"));
    assert_null(zc_cookie_token(p, "zcyca_session=short", "zcyca_session"));
    assert_null(zc_cookie_token(p, "zcyca_session=" ZC_T_TOK "A", "zcyca_session"));       /* 44 */
    assert_null(zc_cookie_token(p, "zcyca_session=" ZC_T_TOK "%", "zcyca_session"));
    assert_null(zc_cookie_token(p, "zcyca_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "zcyca_session"));
    assert_null(zc_cookie_token(p, "zcyca_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+", "zcyca_session"));
    assert_null(zc_cookie_token(p, "zcyca_session=AAAAAAAAAAAAAAAAAAAAA AAAAAAAAAAAAAAAAAAAAA", "zcyca_session"));
    assert_null(zc_cookie_token(p, "zcyca_session_old=" ZC_T_TOK, "zcyca_session"));
    assert_null(zc_cookie_token(p, "ZCYCA_SESSION=" ZC_T_TOK, "zcyca_session"));
}

/* Several cookies of our name: the first token wins. */
static void zc_t_token_duplicates(void **state)
{
    apr_pool_t *p = *state;
    assert_string_equal(zc_cookie_token(p, "zcyca_session=" ZC_T_TOK "; zcyca_session=" ZC_T_TOK2, "zcyca_session"),
                        ZC_T_TOK);
    assert_string_equal(zc_cookie_token(p, "zcyca_session=" ZC_T_TOK2 "; zcyca_session=" ZC_T_TOK, "zcyca_session"),
                        ZC_T_TOK2);
    /* What is not a token (a cookie of that name from a sibling host or a
     * sub-path) is passed over rather than hiding ours. */
    assert_string_equal(zc_cookie_token(p, "zcyca_session=junk; zcyca_session=" ZC_T_TOK, "zcyca_session"), ZC_T_TOK);
    assert_string_equal(zc_cookie_token(p, "zcyca_session=; zcyca_session=" ZC_T_TOK, "zcyca_session"), ZC_T_TOK);
    assert_string_equal(zc_cookie_token(p, "zcyca_session_x=" ZC_T_TOK2 "; zcyca_session=" ZC_T_TOK, "zcyca_session"),
                        ZC_T_TOK);
    assert_null(zc_cookie_token(p, "zcyca_session=junk; zcyca_session=more junk", "zcyca_session"));
}

static void zc_t_control_characters(void **state)
{
    apr_pool_t *p = *state;
    assert_null(zc_cookie_token(p, "zcyca_session=AAAAAAAAAAAAAAAAAAAAA\r\nAAAAAAAAAAAAAAAAAAAA", "zcyca_session"));
    assert_null(zc_cookie_token(p, "zcyca_session=" ZC_T_TOK "\x01", "zcyca_session"));
    assert_string_equal(zc_cookie_find(p, "zcyca_session=a\x01" "b", "zcyca_session"), "a\x01" "b");
}

static void zc_t_long(void **state)
{
    apr_pool_t *p = *state;
    size_t n = 200000;
    char *h = apr_palloc(p, n + 128);
    size_t used = 0;
    while (used + 20 < n) {
        memcpy(h + used, "zcyca_session=x; ", 17);
        used += 17;
    }
    strcpy(h + used, "zcyca_session=" ZC_T_TOK);
    assert_string_equal(zc_cookie_token(p, h, "zcyca_session"), ZC_T_TOK);
    assert_string_equal(zc_cookie_find(p, h, "zcyca_session"), "x");
    memset(h, 'a', n);                       /* one long value, no ';' */
    memcpy(h, "zcyca_session=", 14);
    h[n] = '\0';
    assert_int_equal(strlen(zc_cookie_find(p, h, "zcyca_session")), n - 14);
    assert_null(zc_cookie_token(p, h, "zcyca_session"));
    memset(h, ';', n);
    assert_null(zc_cookie_find(p, h, "zcyca_session"));
}

static const struct CMUnitTest zc_t_tests[] = {
    ZC_T(zc_t_find_basic),
    ZC_T(zc_t_find_missing),
    ZC_T(zc_t_find_other_names),
    ZC_T(zc_t_find_duplicates),
    ZC_T(zc_t_quoted),
    ZC_T(zc_t_token),
    ZC_T(zc_t_token_duplicates),
    ZC_T(zc_t_control_characters),
    ZC_T(zc_t_long),
};

ZC_T_MAIN("cookie", zc_t_tests, NULL, NULL)
