/* Unit tests: parse.c (strict directive value parsers). */
#include "unit.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <apr_strings.h>

#include "parse.h"

static void zc_t_seconds(void **state)
{
    apr_pool_t *p = *state;
    long v = -7;

    assert_null(zc_parse_seconds(p, "120", 10, 300, &v));
    assert_int_equal(v, 120);
    assert_null(zc_parse_seconds(p, "10", 10, 300, &v));
    assert_int_equal(v, 10);
    assert_null(zc_parse_seconds(p, "300", 10, 300, &v));
    assert_int_equal(v, 300);
    assert_null(zc_parse_seconds(p, "0300", 10, 300, &v));
    assert_int_equal(v, 300);

    const char *bad[] = { "10x", "", "-1", "+5", " 20", "20 ", "1e2", "0x10", "12.5", "٣",
                          "99999999999999999999", "9223372036854775808", "301", "9" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        v = -7;
        const char *why = zc_parse_seconds(p, bad[i], 10, 300, &v);
        assert_non_null(why);
        assert_int_equal(v, -7);   /* untouched on failure */
    }
    assert_non_null(zc_parse_seconds(p, NULL, 10, 300, &v));
    assert_non_null(strstr(zc_parse_seconds(p, "301", 10, 300, &v), "between 10 and 300"));
    assert_non_null(strstr(zc_parse_seconds(p, "10x", 10, 300, &v), "seconds"));
}

static void zc_t_long(void **state)
{
    apr_pool_t *p = *state;
    long v = 0;
    char max[32];

    snprintf(max, sizeof max, "%ld", LONG_MAX);
    assert_null(zc_parse_long(p, max, 0, LONG_MAX, &v));
    assert_int_equal(v, LONG_MAX);
    assert_non_null(zc_parse_long(p, "9223372036854775808", 0, LONG_MAX, &v));
    assert_non_null(zc_parse_long(p, "92233720368547758070", 0, LONG_MAX, &v));
    /* 2^64 + 1 and 2^65 + 5 would wrap to 1 and 5 without the overflow check */
    assert_non_null(zc_parse_long(p, "18446744073709551617", 0, LONG_MAX, &v));
    assert_non_null(zc_parse_seconds(p, "36893488147419103237", 0, 300, &v));
    assert_null(zc_parse_long(p, "0", 0, 5, &v));
    assert_int_equal(v, 0);
    assert_non_null(zc_parse_long(p, "0", 1, 5, &v));
    assert_non_null(zc_parse_long(p, "6", 1, 5, &v));
    assert_non_null(zc_parse_long(p, "-1", -5, 5, &v));
    assert_non_null(zc_parse_long(p, "", 0, 5, &v));
}

static void zc_t_provider_id(void **state)
{
    apr_pool_t *p = *state;
    const char *good[] = { "jlca", "sxca-hr", "zjtg_2", "0ca", "abcdefghijklmnopqrstuvwxyz012345" };
    const char *bad[] = { "", "-ca", "_ca", "JLCA", "jl ca", "jl.ca", "吉林", "abcdefghijklmnopqrstuvwxyz0123456" };

    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_null(zc_parse_provider_id(p, good[i]));
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_non_null(zc_parse_provider_id(p, bad[i]));
    assert_non_null(zc_parse_provider_id(p, NULL));
}

static void zc_t_keyid_mode(void **state)
{
    apr_pool_t *p = *state;
    zc_keyid_mode_t m = ZC_KEYID_EXT;
    const char *oid = "x";

    assert_null(zc_parse_keyid_mode(p, "spki-sha256", &m, &oid));
    assert_int_equal(m, ZC_KEYID_SPKI_SHA256);
    assert_null(oid);
    assert_null(zc_parse_keyid_mode(p, "cert-sha256", &m, &oid));
    assert_int_equal(m, ZC_KEYID_CERT_SHA256);
    assert_null(zc_parse_keyid_mode(p, "Issuer-Serial", &m, &oid));
    assert_int_equal(m, ZC_KEYID_ISSUER_SERIAL);
    assert_null(zc_parse_keyid_mode(p, "ext:1.2.156.10260.4.1.1", &m, &oid));
    assert_int_equal(m, ZC_KEYID_EXT);
    assert_string_equal(oid, "1.2.156.10260.4.1.1");
    assert_null(zc_parse_keyid_mode(p, "ext:2.999", &m, &oid));
    assert_null(zc_parse_keyid_mode(p, "ext:1.39", &m, &oid));

    const char *bad[] = { "", "spki", "sha256", "spki-sha256 ", "ext:", "ext:1", "ext:3.1", "ext:1.40",
                          "ext:1..2", "ext:1.2.", "ext:.1.2", "ext:1.02", "ext:1.2a", "ext:commonName" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        m = ZC_KEYID_CERT_SHA256;
        assert_non_null(zc_parse_keyid_mode(p, bad[i], &m, &oid));
        assert_int_equal(m, ZC_KEYID_CERT_SHA256);
    }
    assert_non_null(zc_parse_keyid_mode(p, NULL, &m, &oid));
    assert_string_equal(zc_keyid_mode_name(ZC_KEYID_SPKI_SHA256), "spki-sha256");
    assert_string_equal(zc_keyid_mode_name(ZC_KEYID_CERT_SHA256), "cert-sha256");
    assert_string_equal(zc_keyid_mode_name(ZC_KEYID_ISSUER_SERIAL), "issuer-serial");
    assert_string_equal(zc_keyid_mode_name(ZC_KEYID_EXT), "ext");
    assert_string_equal(zc_keyid_mode_name((zc_keyid_mode_t)42), "unknown");
}

static void zc_t_origin(void **state)
{
    apr_pool_t *p = *state;
    const struct { const char *in, *norm; } good[] = {
        { "https://login.example.gov.cn", "https://login.example.gov.cn" },
        { "HTTPS://Login.Example.GOV.cn", "https://login.example.gov.cn" },
        { "https://a.example:443", "https://a.example" },
        { "https://a.example/", "https://a.example" },
        { "https://a.example:8443", "https://a.example:8443" },
        { "https://a.example:08443", "https://a.example:8443" },
        { "https://127.0.0.1", "https://127.0.0.1" },
        { "https://[::1]:8443", "https://[::1]:8443" },
        { "https://[2001:DB8:0:0::1]", "https://[2001:db8::1]" },
        { "https://[::1]:443/", "https://[::1]" },
    };
    const char *norm;

    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        norm = NULL;
        assert_null(zc_parse_origin(p, good[i].in, &norm));
        assert_string_equal(norm, good[i].norm);
        assert_string_equal(zc_origin_normalize(p, good[i].in), good[i].norm);
    }
    const char *bad[] = { "", "a.example", "ftp://a.example", "https://", "https:///", "https://a.example/x",
                          "https://a.example//", "https://a.example?x", "https://a.example#f",
                          "https://u@a.example", "https://a.example:", "https://a.example:0",
                          "https://a.example:65536", "https://a.example:123456", "https://a..example",
                          "https://-a.example", "https://a-.example", "https://a.example.",
                          "https://a example", "https://例子.cn", "https://[::1", "https://[zz::1]",
                          "https://[::1]x", "https://a.example:44x", "https://a.example\\x", "null" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        norm = "untouched";
        assert_non_null(zc_parse_origin(p, bad[i], &norm));
        assert_string_equal(norm, "untouched");
        assert_null(zc_origin_normalize(p, bad[i]));
    }
    /* http is refused as configuration but normalised in headers. */
    const char *why = zc_parse_origin(p, "http://a.example", &norm);
    assert_non_null(why);
    assert_non_null(strstr(why, "https"));
    assert_non_null(strstr(zc_parse_origin(p, "https://u@a.example", &norm), "user"));
    assert_string_equal(zc_origin_normalize(p, "http://A.example:80"), "http://a.example");
    assert_string_equal(zc_origin_normalize(p, "http://a.example:443"), "http://a.example:443");
    assert_string_equal(zc_origin_normalize(p, "https://a.example:80"), "https://a.example:80");
    assert_null(zc_origin_normalize(p, NULL));
    assert_non_null(zc_parse_origin(p, NULL, &norm));
}

static void zc_t_url(void **state)
{
    apr_pool_t *p = *state;
    const char *good[] = { "/", "/login.html", "/app?x=1#top", "https://ca.example.cn/driver.exe",
                           "HTTP://ca.example.cn", "https://ca.example.cn:8443/a?b=c", "https://[::1]/d" };
    const char *bad[] = { "", "login.html", "//evil.example/x", "/\\evil", "javascript:alert(1)",
                          "https://", "https:///x", "https://u:p@ca.example/", "/a b", "/a\tb", "/下载",
                          "https://ca.example:0/", "ftp://ca.example/", "data:text/html,x", "/x\x7f" };

    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_null(zc_parse_url(p, good[i]));
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_non_null(zc_parse_url(p, bad[i]));
    assert_non_null(zc_parse_url(p, NULL));
}

/* ZcyCAProviderDriver: only a service on the user's own computer. */
static void zc_t_local_url(void **state)
{
    apr_pool_t *p = *state;
    const char *good[] = { "http://127.0.0.1:18901", "http://127.0.0.1:18901/", "https://localhost:9443/sof",
                           "http://LOCALHOST:1/", "http://[::1]:8080/x", "http://[0:0:0:0:0:0:0:1]:80",
                           "http://127.0.0.1" };
    const char *bad[] = { "/sof", "http://192.168.1.5:18901", "http://127.0.0.2:1", "http://localhost.evil.example/",
                          "http://127.0.0.1.evil.example/", "http://[::2]:1", "http://user@127.0.0.1:1/",
                          "ftp://127.0.0.1/", "http://127.0.0.1:0/", "http://0x7f000001/", "", "http://10.0.0.1" };

    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_null(zc_parse_local_url(p, good[i]));
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_non_null(zc_parse_local_url(p, bad[i]));
    assert_non_null(zc_parse_local_url(p, NULL));
}

static void zc_t_adapter_name(void **state)
{
    assert_null(zc_parse_adapter_name("sof-json"));
    assert_null(zc_parse_adapter_name("vendor2"));
    assert_null(zc_parse_adapter_name("abcdefghijklmnopqrstuvwxyz012345"));
    assert_non_null(zc_parse_adapter_name("abcdefghijklmnopqrstuvwxyz0123456"));
    assert_non_null(zc_parse_adapter_name(""));
    assert_non_null(zc_parse_adapter_name(NULL));
    assert_non_null(zc_parse_adapter_name("Sof-Json"));
    assert_non_null(zc_parse_adapter_name("../x"));
    assert_non_null(zc_parse_adapter_name("sof json"));
}

static void zc_t_algorithms(void **state)
{
    apr_pool_t *p = *state;
    const char *names[] = { "sm2-sm3", "rsa-sha256", "rsa-pss-sha256", "ecdsa-sha256" };
    unsigned bits[] = { ZC_ALG_SM2_SM3, ZC_ALG_RSA_SHA256, ZC_ALG_RSA_PSS_SHA256, ZC_ALG_ECDSA_SHA256 };
    unsigned bit, all = 0;

    for (int i = 0; i < 4; i++) {
        bit = 0;
        assert_null(zc_parse_algorithm(p, names[i], &bit));
        assert_int_equal(bit, bits[i]);
        all |= bit;
    }
    assert_int_equal(all, ZC_ALG_ALL);
    assert_null(zc_parse_algorithm(p, "SM2-SM3", &bit));
    assert_int_equal(bit, ZC_ALG_SM2_SM3);
    bit = 99;
    assert_non_null(strstr(zc_parse_algorithm(p, "rsa", &bit), "sm2-sm3"));
    assert_int_equal(bit, 99);
    assert_non_null(zc_parse_algorithm(p, "", &bit));
    assert_non_null(zc_parse_algorithm(p, "ecdsa-sha1", &bit));
    assert_non_null(zc_parse_algorithm(p, NULL, &bit));

    apr_array_header_t *a = zc_algorithm_names(p, ZC_ALG_ALL);
    assert_int_equal(a->nelts, 4);
    for (int i = 0; i < 4; i++)
        assert_string_equal(APR_ARRAY_IDX(a, i, const char *), names[i]);
    a = zc_algorithm_names(p, ZC_ALG_ECDSA_SHA256 | ZC_ALG_SM2_SM3);
    assert_int_equal(a->nelts, 2);
    assert_string_equal(APR_ARRAY_IDX(a, 0, const char *), "sm2-sm3");
    assert_string_equal(APR_ARRAY_IDX(a, 1, const char *), "ecdsa-sha256");
    assert_int_equal(zc_algorithm_names(p, 0)->nelts, 0);
}

static void zc_t_cookie(void **state)
{
    apr_pool_t *p = *state;
    const struct { const char *in, *canon; } good[] = {
        { "Path=/", "Path=/" }, { "path=/app", "Path=/app" }, { "Domain=Example.ORG", "Domain=example.org" },
        { "domain=.example.org", "Domain=example.org" }, { "SameSite=strict", "SameSite=Strict" },
        { "SAMESITE=LAX", "SameSite=Lax" }, { "SameSite=None", "SameSite=None" },
    };
    const char *canon;

    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        canon = NULL;
        assert_null(zc_parse_cookie_attr(p, good[i].in, &canon));
        assert_string_equal(canon, good[i].canon);
    }
    const char *bad[] = { "", "Max-Age=3600", "max-age=1", "Expires=Wed, 21 Oct 2026 07:28:00 GMT", "Secure",
                          "HttpOnly", "Path=app", "Path=/a;b", "Path=/a b", "Domain=", "Domain=a..b",
                          "Domain=-a.org", "SameSite=", "SameSite=Sometimes", "Priority=High", "Path" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        canon = "untouched";
        assert_non_null(zc_parse_cookie_attr(p, bad[i], &canon));
        assert_string_equal(canon, "untouched");
    }
    assert_non_null(strstr(zc_parse_cookie_attr(p, "Max-Age=5", &canon), "ZcyCASession"));
    assert_non_null(zc_parse_cookie_attr(p, NULL, &canon));

    const char *good_names[] = { "zcyca_session", "__Host-zcyca", "a", "x!#$%&'*+-.^_`|~",
                                 "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl" };
    const char *bad_names[] = { "", "a b", "a;b", "a=b", "a,b", "a\"b", "a/b", "a\tb", "名字", "a@b", "(a)",
                                "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklm" };
    for (size_t i = 0; i < sizeof good_names / sizeof good_names[0]; i++)
        assert_null(zc_parse_cookie_name(p, good_names[i]));
    for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++)
        assert_non_null(zc_parse_cookie_name(p, bad_names[i]));
    assert_non_null(zc_parse_cookie_name(p, NULL));
}

static const struct CMUnitTest zc_t_tests[] = {
    ZC_T(zc_t_seconds), ZC_T(zc_t_long), ZC_T(zc_t_provider_id), ZC_T(zc_t_keyid_mode), ZC_T(zc_t_origin),
    ZC_T(zc_t_url), ZC_T(zc_t_local_url), ZC_T(zc_t_adapter_name), ZC_T(zc_t_algorithms), ZC_T(zc_t_cookie),
};

ZC_T_MAIN("parse", zc_t_tests, NULL, NULL)
