/* Unit tests: header_scrub.c (no client header may pose as our identity). */
#include "unit.h"

#include <apr_strings.h>
#include <string.h>

#include "header_scrub.h"

static void zc_t_ours(void **state)
{
    static const char *const ours[] = {
        "ZCYCA_ACCOUNT", "zcyca_account", "Zcyca-Account", "ZCYCA-ACCOUNT", "zCyCa_Region", "ZCYCA_METHOD",
        "ZCYCA_SESSION_EXPIRES", "ZCYCA", "zcyca", "ZCYCA-", "ZCYCA_", "ZCYCA__", "ZCYCA-_x", "ZCYCA_ACCOUNT ",
        "zcyca-anything-at-all", "ZCYCA_\xe5\xb8\x90\xe5\x8f\xb7",
    };
    for (size_t i = 0; i < sizeof ours / sizeof ours[0]; i++)
        if (!zc_header_is_ours(ours[i]))
            fail_msg("not taken for ours: \"%s\"", ours[i]);
}

static void zc_t_not_ours(void **state)
{
    static const char *const others[] = {
        "", "Z", "ZC", "ZCYC", "ZCYCB", "ZCYCAX", "ZCYCA1", "ZCYCA.ACCOUNT", "ZCYCA ACCOUNT", "ZCYCAACCOUNT",
        "X-ZCYCA-ACCOUNT", "HTTP_ZCYCA_ACCOUNT", "_ZCYCA", "-ZCYCA", " ZCYCA", "Cookie", "Authorization",
        "ZCYC\xc3\x80", /* a non-ASCII letter that some would fold to 'A' */
        "\xdazcyca",
    };
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
        if (zc_header_is_ours(others[i]))
            fail_msg("taken for ours: \"%s\"", others[i]);
}

static apr_table_t *zc_t_headers(apr_pool_t *p, const char *const *kv)
{
    apr_table_t *t = apr_table_make(p, 4);
    for (; *kv; kv += 2)
        apr_table_add(t, kv[0], kv[1]);
    return t;
}

static void zc_t_scrub(void **state)
{
    apr_pool_t *p = *state;
    static const char *const in[] = {
        "Host", "example", "ZCYCA_ACCOUNT", "admin", "Accept", "*/*", "zcyca-account", "admin2",
        "X-ZCYCA-ACCOUNT", "kept", "Zcyca_Region", "330100", "ZCYCA", "x", "Cookie", "zcyca_session=abc", NULL,
    };
    apr_table_t *t = zc_t_headers(p, in);
    const apr_array_header_t *gone = zc_header_scrub(p, t);
    assert_int_equal(gone->nelts, 4);
    assert_string_equal(APR_ARRAY_IDX(gone, 0, const char *), "ZCYCA_ACCOUNT");
    assert_string_equal(APR_ARRAY_IDX(gone, 1, const char *), "zcyca-account");
    assert_string_equal(APR_ARRAY_IDX(gone, 2, const char *), "Zcyca_Region");
    assert_string_equal(APR_ARRAY_IDX(gone, 3, const char *), "ZCYCA");
    assert_int_equal(apr_table_elts(t)->nelts, 4);
    assert_string_equal(apr_table_get(t, "Host"), "example");
    assert_string_equal(apr_table_get(t, "Accept"), "*/*");
    assert_string_equal(apr_table_get(t, "X-ZCYCA-ACCOUNT"), "kept");
    assert_string_equal(apr_table_get(t, "Cookie"), "zcyca_session=abc");
    assert_null(apr_table_get(t, "ZCYCA_ACCOUNT"));
    assert_null(apr_table_get(t, "zcyca_region"));
    assert_null(apr_table_get(t, "ZCYCA"));
}

/* Every instance goes, however many and however spelt. */
static void zc_t_scrub_repeated(void **state)
{
    apr_pool_t *p = *state;
    apr_table_t *t = apr_table_make(p, 4);
    for (int i = 0; i < 300; i++) {
        apr_table_add(t, i % 2 ? "ZCYCA_ACCOUNT" : "zcyca_account", "admin");
        apr_table_add(t, apr_psprintf(p, "X-Other-%d", i), "v");
    }
    const apr_array_header_t *gone = zc_header_scrub(p, t);
    assert_int_equal(gone->nelts, 300);
    assert_int_equal(apr_table_elts(t)->nelts, 300);
    assert_null(apr_table_get(t, "ZCYCA_ACCOUNT"));
}

static void zc_t_scrub_nothing(void **state)
{
    apr_pool_t *p = *state;
    apr_table_t *t = apr_table_make(p, 1);
    assert_int_equal(zc_header_scrub(p, t)->nelts, 0);
    apr_table_add(t, "Accept", "text/html");
    assert_int_equal(zc_header_scrub(p, t)->nelts, 0);
    assert_int_equal(apr_table_elts(t)->nelts, 1);
}

/* A very long name of ours, and one that only starts like ours. */
static void zc_t_scrub_long(void **state)
{
    apr_pool_t *p = *state;
    char *n = apr_palloc(p, 100001);
    memset(n, 'A', 100000);
    n[100000] = '\0';
    memcpy(n, "ZCYCA_", 6);
    apr_table_t *t = apr_table_make(p, 2);
    apr_table_add(t, n, "x");
    n = apr_pstrdup(p, n);
    n[5] = 'X';
    apr_table_add(t, n, "y");
    assert_int_equal(zc_header_scrub(p, t)->nelts, 1);
    assert_int_equal(apr_table_elts(t)->nelts, 1);
    assert_string_equal(apr_table_get(t, n), "y");
}

static const struct CMUnitTest zc_t_tests[] = {
    cmocka_unit_test(zc_t_ours),
    cmocka_unit_test(zc_t_not_ours),
    ZC_T(zc_t_scrub),
    ZC_T(zc_t_scrub_repeated),
    ZC_T(zc_t_scrub_nothing),
    ZC_T(zc_t_scrub_long),
};

ZC_T_MAIN("header_scrub", zc_t_tests, NULL, NULL)
