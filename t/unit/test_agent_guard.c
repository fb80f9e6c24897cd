/* Unit tests: agent/guard.c (origins, the Host check, the signing guard). */
#include "unit.h"

#include <string.h>

/* by path: mod_zcyca/ has a guard.h too */
#include "../../agent/guard.h"

#define ORIGIN "https://127.0.0.1:8443"
#define NONCE "q7Yx0V1uQZ3N6hQv5Jc3r8Vw2bH1mK9sT4dE0fG7aB_"
#define LOGIN_TEXT "ZCYCA-AUTH-V1\npurpose=login\norigin=" ORIGIN "\nprovider=jlca\nnonce=" NONCE \
                   "\niat=2026-12-02T10:00:00Z"

/* Normal form of IN, or "" when refused. */
static const char *zc_t_norm(const char *in)
{
    static char out[ZCA_ORIGIN_MAX];    /* test-only scratch */
    if (!zca_origin_normalize(in, out, sizeof out))
        assert_string_equal(out, "");
    return out;
}

static void zc_t_origin_normalize(void **state)
{
    (void)state;
    assert_string_equal(zc_t_norm("https://login.example.gov.cn"), "https://login.example.gov.cn");
    assert_string_equal(zc_t_norm("HTTPS://Login.Example.GOV.cn"), "https://login.example.gov.cn");
    assert_string_equal(zc_t_norm("https://a.example:443"), "https://a.example");        /* default port */
    assert_string_equal(zc_t_norm("http://a.example:80"), "http://a.example");
    assert_string_equal(zc_t_norm("http://a.example:443"), "http://a.example:443");      /* not http's default */
    assert_string_equal(zc_t_norm("https://a.example:8443"), "https://a.example:8443");
    assert_string_equal(zc_t_norm("https://127.0.0.1:8443"), "https://127.0.0.1:8443");
    assert_string_equal(zc_t_norm("https://[0:0::1]:8443"), "https://[::1]:8443");       /* RFC 5952 */
    assert_string_equal(zc_t_norm("https://[::1]"), "https://[::1]");
    assert_string_equal(zc_t_norm("https://a.example/"), "https://a.example");           /* one trailing / */
}

static void zc_t_origin_refused(void **state)
{
    static const char *const bad[] = {
        "null", "", "a.example", "ftp://a.example", "file:///etc/passwd", "https://",
        "https://a.example/login.html",  /* path */
        "https://a.example//",           /* more than one trailing slash */
        "https://a.example?x=1", "https://a.example#f",
        "https://user@a.example",        /* userinfo */
        "https://user:pw@a.example", "https://good.example@evil.example",
        "https://a.example:0", "https://a.example:65536", "https://a.example:", "https://a.example:44x",
        "https://a.example:123456", "https://a .example", "https://a.example\r", "https://a\texample",
        "https://-a.example", "https://a-.example", "https://a..example", "https://a.example.",
        "https://[::1", "https://[zz::1]", "https://a.ex\\ample", "https://\xe6\x94\xbf.cn",
    };
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char out[ZCA_ORIGIN_MAX] = "x";
        if (zca_origin_normalize(bad[i], out, sizeof out))
            fail_msg("accepted origin '%s' as '%s'", bad[i], out);
        assert_string_equal(out, "");
    }
    char small[8];
    assert_false(zca_origin_normalize("https://a.example", small, sizeof small));
    assert_false(zca_origin_normalize(NULL, small, sizeof small));
}

static void zc_t_origin_allowed(void **state)
{
    const char *const list[] = { "https://127.0.0.1:8443", "https://localhost:8443" };
    char norm[ZCA_ORIGIN_MAX];
    (void)state;

    assert_true(zca_origin_allowed("https://127.0.0.1:8443", list, 2, norm, sizeof norm));    /* exact */
    assert_string_equal(norm, "https://127.0.0.1:8443");
    assert_true(zca_origin_allowed("HTTPS://LOCALHOST:8443", list, 2, norm, sizeof norm));    /* case */
    assert_string_equal(norm, "https://localhost:8443");
    assert_true(zca_origin_allowed("https://localhost:8443/", list, 2, norm, sizeof norm));   /* trailing / */
    assert_false(zca_origin_allowed("https://127.0.0.1:8444", list, 2, norm, sizeof norm));   /* port */
    assert_string_equal(norm, "");
    assert_false(zca_origin_allowed("http://127.0.0.1:8443", list, 2, norm, sizeof norm));    /* scheme */
    assert_false(zca_origin_allowed("https://127.0.0.1", list, 2, norm, sizeof norm));
    assert_false(zca_origin_allowed("null", list, 2, norm, sizeof norm));
    assert_false(zca_origin_allowed(NULL, list, 2, norm, sizeof norm));                       /* missing */
    assert_false(zca_origin_allowed("https://u@127.0.0.1:8443", list, 2, norm, sizeof norm)); /* userinfo */
    assert_false(zca_origin_allowed("https://127.0.0.1:8443/x", list, 2, norm, sizeof norm)); /* path */
    assert_false(zca_origin_allowed("https://127.0.0.1.evil.example", list, 2, norm, sizeof norm));
    assert_false(zca_origin_allowed("https://127.0.0.1:8443", list, 0, norm, sizeof norm));   /* empty list */

    /* default port dropped on both sides */
    const char *const dflt[] = { "https://login.example.gov.cn" };
    assert_true(zca_origin_allowed("https://login.example.gov.cn:443", dflt, 1, norm, sizeof norm));
    assert_false(zca_origin_allowed("https://login.example.gov.cn:8443", dflt, 1, norm, sizeof norm));
}

static void zc_t_host(void **state)
{
    (void)state;
    assert_true(zca_host_ok("127.0.0.1:18901", 18901));
    assert_true(zca_host_ok("localhost:18901", 18901));
    assert_true(zca_host_ok("LocalHost:18901", 18901));
    assert_true(zca_host_ok("[::1]:18901", 18901));
    assert_true(zca_host_ok("127.0.0.1", 80));
    assert_false(zca_host_ok("127.0.0.1", 18901));                /* no port means 80 */
    assert_false(zca_host_ok("127.0.0.1:18902", 18901));
    assert_false(zca_host_ok("evil.example:18901", 18901));       /* DNS rebinding */
    assert_false(zca_host_ok("127.0.0.1.nip.io:18901", 18901));
    assert_false(zca_host_ok("127.0.0.2:18901", 18901));
    assert_false(zca_host_ok("u@127.0.0.1:18901", 18901));
    assert_false(zca_host_ok("", 18901));
    assert_false(zca_host_ok(NULL, 18901));
}

/* LOGIN_TEXT with line LINE (0-based) replaced by REPL, joined by LF. */
static const char *zc_t_with_line(char *buf, size_t bufsz, int line, const char *repl)
{
    const char *lines[] = { "ZCYCA-AUTH-V1", "purpose=login", "origin=" ORIGIN, "provider=jlca",
                            "nonce=" NONCE, "iat=2026-12-02T10:00:00Z" };
    buf[0] = '\0';
    for (int i = 0; i < 6; i++) {
        if (i)
            strncat(buf, "\n", bufsz - strlen(buf) - 1);
        strncat(buf, i == line ? repl : lines[i], bufsz - strlen(buf) - 1);
    }
    return buf;
}

static zca_sign_kind_t zc_t_sign(const char *s, bool allow_nonce)
{
    const char *why = NULL;
    zca_sign_kind_t k = zca_guard_sign(s, strlen(s), ORIGIN, allow_nonce, &why);
    if (k == ZCA_SIGN_REFUSED)
        assert_non_null(why);    /* every refusal says why, for the log */
    else
        assert_null(why);
    return k;
}

static void zc_t_sign_valid(void **state)
{
    char buf[512];
    (void)state;
    assert_int_equal(zc_t_sign(LOGIN_TEXT, false), ZCA_SIGN_TBS);
    assert_int_equal(zc_t_sign(LOGIN_TEXT, true), ZCA_SIGN_TBS);
    assert_int_equal(zc_t_sign(zc_t_with_line(buf, sizeof buf, 1, "purpose=bind"), false), ZCA_SIGN_TBS);
    assert_int_equal(zc_t_sign(zc_t_with_line(buf, sizeof buf, 3, "provider=A_z-09"), false), ZCA_SIGN_TBS);
    assert_int_equal(zc_t_sign(zc_t_with_line(buf, sizeof buf, 5, "iat=2028-02-29T23:59:59Z"), false),
                     ZCA_SIGN_TBS);
    char p64[80] = "provider=";
    memset(p64 + 9, 'x', 64);
    p64[73] = '\0';
    assert_int_equal(zc_t_sign(zc_t_with_line(buf, sizeof buf, 3, p64), false), ZCA_SIGN_TBS);
}

static void zc_t_sign_origin(void **state)
{
    char buf[512];
    (void)state;
    /* a page of another origin asking for this origin's text, and the reverse */
    assert_int_equal(zca_guard_sign(LOGIN_TEXT, strlen(LOGIN_TEXT), "https://localhost:8443", false, NULL),
                     ZCA_SIGN_REFUSED);
    assert_int_equal(zc_t_sign(zc_t_with_line(buf, sizeof buf, 2, "origin=https://evil.example"), false),
                     ZCA_SIGN_REFUSED);
    /* not in normal form: the module never writes these */
    assert_int_equal(zc_t_sign(zc_t_with_line(buf, sizeof buf, 2, "origin=HTTPS://127.0.0.1:8443"), false),
                     ZCA_SIGN_REFUSED);
    assert_int_equal(zc_t_sign(zc_t_with_line(buf, sizeof buf, 2, "origin=" ORIGIN "/"), false),
                     ZCA_SIGN_REFUSED);
    assert_int_equal(zc_t_sign(zc_t_with_line(buf, sizeof buf, 2, "origin="), false), ZCA_SIGN_REFUSED);
    assert_int_equal(zca_guard_sign(LOGIN_TEXT, strlen(LOGIN_TEXT), NULL, false, NULL), ZCA_SIGN_REFUSED);
    assert_int_equal(zca_guard_sign(LOGIN_TEXT, strlen(LOGIN_TEXT), "", false, NULL), ZCA_SIGN_REFUSED);
}

static void zc_t_sign_shape(void **state)
{
    char buf[512];
    (void)state;
    assert_int_equal(zc_t_sign(LOGIN_TEXT "\n", false), ZCA_SIGN_REFUSED);                /* trailing LF */
    assert_int_equal(zc_t_sign(LOGIN_TEXT "\nextra=1", false), ZCA_SIGN_REFUSED);         /* extra line */
    assert_int_equal(zc_t_sign("\n" LOGIN_TEXT, false), ZCA_SIGN_REFUSED);                /* leading LF */
    assert_int_equal(zc_t_sign(LOGIN_TEXT "\r", false), ZCA_SIGN_REFUSED);
    assert_int_equal(zc_t_sign("ZCYCA-AUTH-V1\r\npurpose=login\r\norigin=" ORIGIN "\r\nprovider=jlca\r\nnonce=" NONCE
                               "\r\niat=2026-12-02T10:00:00Z", false), ZCA_SIGN_REFUSED); /* CRLF */
    assert_int_equal(zc_t_sign(zc_t_with_line(buf, sizeof buf, 0, "ZCYCA-AUTH-V2"), false), ZCA_SIGN_REFUSED);
    assert_int_equal(zc_t_sign(zc_t_with_line(buf, sizeof buf, 0, "zcyca-auth-v1"), false), ZCA_SIGN_REFUSED);
    assert_int_equal(zc_t_sign(zc_t_with_line(buf, sizeof buf, 0, "ZCYCA-AUTH-V1 "), false), ZCA_SIGN_REFUSED);
    /* lines in another order */
    assert_int_equal(zc_t_sign("ZCYCA-AUTH-V1\norigin=" ORIGIN "\npurpose=login\nprovider=jlca\nnonce=" NONCE
                               "\niat=2026-12-02T10:00:00Z", false), ZCA_SIGN_REFUSED);
    /* five lines */
    assert_int_equal(zc_t_sign("ZCYCA-AUTH-V1\npurpose=login\norigin=" ORIGIN "\nprovider=jlca\nnonce=" NONCE, false),
                     ZCA_SIGN_REFUSED);
    /* a NUL inside: the length counts, not strlen */
    static const char withnul[] = "ZCYCA-AUTH-V1\npurpose=login\0\norigin=" ORIGIN "\nprovider=jlca\nnonce=" NONCE
                                  "\niat=2026-12-02T10:00:00Z";
    assert_int_equal(zca_guard_sign(withnul, sizeof withnul - 1, ORIGIN, false, NULL), ZCA_SIGN_REFUSED);
    assert_int_equal(zca_guard_sign(LOGIN_TEXT, strlen(LOGIN_TEXT) - 1, ORIGIN, false, NULL), ZCA_SIGN_REFUSED);
    assert_int_equal(zca_guard_sign(NULL, 0, ORIGIN, true, NULL), ZCA_SIGN_REFUSED);
}

static void zc_t_sign_fields(void **state)
{
    static const struct { int line; const char *text; } bad[] = {
        { 1, "purpose=Login" }, { 1, "purpose=logout" }, { 1, "purpose=" }, { 1, "purpose=login " }, { 1, "purpose=bond" },
        { 1, "purpose=logi" },
        { 1, "purpose = login" },
        { 3, "provider=" }, { 3, "provider=jl ca" }, { 3, "provider=jl.ca" }, { 3, "provider=\xe5\x90\x89" },
        { 4, "nonce=q7Yx0V1uQZ3N6hQv5Jc3r8Vw2bH1mK9sT4dE0fG7aB" },     /* 42: short */
        { 4, "nonce=q7Yx0V1uQZ3N6hQv5Jc3r8Vw2bH1mK9sT4dE0fG7aB_x" },   /* 44: long */
        { 4, "nonce=q7Yx0V1uQZ3N6hQv5Jc3r8Vw2bH1mK9sT4dE0fG7aB+" },    /* base64, not base64url */
        { 4, "nonce=q7Yx0V1uQZ3N6hQv5Jc3r8Vw2bH1mK9sT4dE0fG7aB=" },
        { 4, "nonce=" },
        { 5, "iat=2026-12-02T10:00:00" }, { 5, "iat=2026-12-02 10:00:00Z" }, { 5, "iat=2026-13-02T10:00:00Z" },
        { 5, "iat=2026-02-29T10:00:00Z" }, { 5, "iat=2026-04-31T10:00:00Z" }, { 5, "iat=2026-12-00T10:00:00Z" },
        { 5, "iat=2026-12-02T24:00:00Z" }, { 5, "iat=2026-12-02T10:60:00Z" }, { 5, "iat=2026-12-02T10:00:60Z" },
        { 5, "iat=2026-12-02T10:00:00.5Z" }, { 5, "iat=2026-12-02T10:00:00+08:00" }, { 5, "iat=1969-12-31T23:59:59Z" },
        { 5, "iat=1795521600" }, { 5, "iat=" }, { 5, "iat=2026-12-02t10:00:00z" },
    };
    char buf[512], p65[80] = "provider=";
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (zc_t_sign(zc_t_with_line(buf, sizeof buf, bad[i].line, bad[i].text), true) != ZCA_SIGN_REFUSED)
            fail_msg("accepted a text with line '%s'", bad[i].text);
    memset(p65 + 9, 'x', 65);
    p65[74] = '\0';
    assert_int_equal(zc_t_sign(zc_t_with_line(buf, sizeof buf, 3, p65), false), ZCA_SIGN_REFUSED);
}

static void zc_t_sign_arbitrary(void **state)
{
    static const unsigned char pdf[] = "%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n";
    static const unsigned char sha256[32] = { 0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4,
                                              0xc8, 0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b,
                                              0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55 };
    (void)state;
    assert_int_equal(zca_guard_sign((const char *)pdf, sizeof pdf - 1, ORIGIN, true, NULL), ZCA_SIGN_REFUSED);
    assert_int_equal(zca_guard_sign((const char *)sha256, sizeof sha256, ORIGIN, true, NULL), ZCA_SIGN_REFUSED);
    /* the same hash as hex and as base64: 64 and 44 characters, not a nonce */
    assert_int_equal(zc_t_sign("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", true),
                     ZCA_SIGN_REFUSED);
    assert_int_equal(zc_t_sign("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", true), ZCA_SIGN_REFUSED);
    assert_int_equal(zc_t_sign("", true), ZCA_SIGN_REFUSED);
    assert_int_equal(zc_t_sign("转账 100000 元给 张三", true), ZCA_SIGN_REFUSED);
    assert_int_equal(zc_t_sign("ZCYCA-AUTH-V1", true), ZCA_SIGN_REFUSED);
}

static void zc_t_sign_nonce(void **state)
{
    (void)state;
    assert_int_equal(zc_t_sign(NONCE, false), ZCA_SIGN_REFUSED);    /* allow-nonce off */
    assert_int_equal(zc_t_sign(NONCE, true), ZCA_SIGN_NONCE);       /* allow-nonce on */
    assert_int_equal(zc_t_sign("AAAABBBBCCCCDDDDEEEEFFFFGGGGHHHHIIIIJJJJKKK", true), ZCA_SIGN_NONCE);
    assert_int_equal(zc_t_sign(NONCE "A", true), ZCA_SIGN_REFUSED);                         /* 44 */
    assert_int_equal(zc_t_sign("q7Yx0V1uQZ3N6hQv5Jc3r8Vw2bH1mK9sT4dE0fG7aB", true), ZCA_SIGN_REFUSED); /* 42 */
    assert_int_equal(zc_t_sign(NONCE "\n", true), ZCA_SIGN_REFUSED);
    assert_int_equal(zc_t_sign("q7Yx0V1uQZ3N6hQv5Jc3r8Vw2bH1mK9sT4dE0fG7aB=", true), ZCA_SIGN_REFUSED);
    assert_int_equal(zc_t_sign("q7Yx0V1uQZ3N6hQv5Jc3r8Vw2bH1mK9sT4dE0fG7aB/", true), ZCA_SIGN_REFUSED);
}

static const struct CMUnitTest zc_t_tests[] = {
    ZC_T(zc_t_origin_normalize), ZC_T(zc_t_origin_refused), ZC_T(zc_t_origin_allowed), ZC_T(zc_t_host),
    ZC_T(zc_t_sign_valid),       ZC_T(zc_t_sign_origin),    ZC_T(zc_t_sign_shape),     ZC_T(zc_t_sign_fields),
    ZC_T(zc_t_sign_arbitrary),   ZC_T(zc_t_sign_nonce),
};

ZC_T_MAIN("agent_guard", zc_t_tests, NULL, NULL)
