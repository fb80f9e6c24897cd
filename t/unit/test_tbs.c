/* Unit tests: tbs.c (the ZCYCA-AUTH-V1 to-be-signed text). */
#include "unit.h"

#include <string.h>

#include "tbs.h"

static void zc_t_text(void **state)
{
    apr_pool_t *p = *state;
    zc_tbs_fields_t f = { .purpose = "login", .origin = "https://login.example.gov.cn",
                          .provider = "cfca", .nonce = "q7Yx0V1uQZ3N6hQv5Jc3r8Vw2bH1mK9sT4dE0fG7aB_",
                          .issued_at = apr_time_from_sec(1795521600) };
    const char *want = "ZCYCA-AUTH-V1\n"
                       "purpose=login\n"
                       "origin=https://login.example.gov.cn\n"
                       "provider=cfca\n"
                       "nonce=q7Yx0V1uQZ3N6hQv5Jc3r8Vw2bH1mK9sT4dE0fG7aB_\n"
                       "iat=2026-11-24T12:00:00Z";
    const char *got = zc_tbs_build(p, &f, ZC_SIGNED_TBS);

    assert_string_equal(got, want);
    assert_int_equal(strlen(got), strlen(want));       /* no trailing LF, nothing after */
    assert_int_not_equal(got[strlen(got) - 1], '\n');
    for (const char *c = got; *c; c++)                 /* ASCII, LF only */
        assert_true((*c >= 0x20 && *c < 0x7f) || *c == '\n');

    f.purpose = "bind";
    assert_string_equal(zc_tbs_build(p, &f, ZC_SIGNED_TBS),
                        "ZCYCA-AUTH-V1\npurpose=bind\norigin=https://login.example.gov.cn\nprovider=cfca\n"
                        "nonce=q7Yx0V1uQZ3N6hQv5Jc3r8Vw2bH1mK9sT4dE0fG7aB_\niat=2026-11-24T12:00:00Z");
}

static void zc_t_nonce_mode(void **state)
{
    apr_pool_t *p = *state;
    zc_tbs_fields_t f = { .purpose = "login", .origin = "https://a.example", .provider = "gdca",
                          .nonce = "AAAABBBBCCCCDDDDEEEEFFFFGGGGHHHHIIIIJJJJKKK",
                          .issued_at = apr_time_from_sec(1795521600) };
    const char *got = zc_tbs_build(p, &f, ZC_SIGNED_NONCE);

    assert_string_equal(got, "AAAABBBBCCCCDDDDEEEEFFFFGGGGHHHHIIIIJJJJKKK");
    assert_ptr_not_equal(got, f.nonce);                /* a pool copy */
}

static const char *zc_t_iat(apr_pool_t *p, apr_time_t t)
{
    zc_tbs_fields_t f = { .purpose = "login", .origin = "https://a.example", .provider = "x", .nonce = "n",
                          .issued_at = t };
    const char *s = zc_tbs_build(p, &f, ZC_SIGNED_TBS), *iat = strstr(s, "\niat=");
    assert_non_null(iat);
    return iat + 5;
}

static void zc_t_iat_format(void **state)
{
    apr_pool_t *p = *state;

    assert_string_equal(zc_t_iat(p, apr_time_from_sec(1795521600)), "2026-11-24T12:00:00Z");
    assert_string_equal(zc_t_iat(p, apr_time_from_sec(1795521600) + 999999), "2026-11-24T12:00:00Z");
    assert_string_equal(zc_t_iat(p, apr_time_from_sec(1835481599)), "2028-02-29T23:59:59Z");
    assert_string_equal(zc_t_iat(p, apr_time_from_sec(946684799)), "1999-12-31T23:59:59Z");
    assert_string_equal(zc_t_iat(p, 0), "1970-01-01T00:00:00Z");
}

static void zc_t_null(void **state)
{
    apr_pool_t *p = *state;
    zc_tbs_fields_t f = { 0 };

    assert_string_equal(zc_tbs_build(p, &f, ZC_SIGNED_TBS),
                        "ZCYCA-AUTH-V1\npurpose=\norigin=\nprovider=\nnonce=\niat=1970-01-01T00:00:00Z");
    assert_string_equal(zc_tbs_build(p, &f, ZC_SIGNED_NONCE), "");
    assert_string_equal(zc_tbs_build(p, NULL, ZC_SIGNED_NONCE), "");
    assert_string_equal(zc_tbs_build(p, NULL, ZC_SIGNED_TBS),
                        "ZCYCA-AUTH-V1\npurpose=\norigin=\nprovider=\nnonce=\niat=1970-01-01T00:00:00Z");
}

static const struct CMUnitTest zc_t_tests[] = {
    ZC_T(zc_t_text), ZC_T(zc_t_nonce_mode), ZC_T(zc_t_iat_format), ZC_T(zc_t_null),
};

ZC_T_MAIN("tbs", zc_t_tests, NULL, NULL)
