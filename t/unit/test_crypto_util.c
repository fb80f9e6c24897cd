/* Unit tests: crypto_util.c (tokens, SHA-256, base64). */
#include "unit.h"

#include <string.h>

#include <apr_strings.h>
#include <openssl/rand.h>

#include "crypto_util.h"

static void zc_t_token(void **state)
{
    apr_pool_t *p = *state;
    const char *a = zc_token_new(p), *b = zc_token_new(p);
    size_t n = 0;
    unsigned char *raw;

    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(strlen(a), 43);
    assert_int_equal(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), 43);
    assert_string_not_equal(a, b);
    raw = zc_b64_decode(p, a, strlen(a), 1, &n);
    assert_non_null(raw);
    assert_int_equal(n, ZC_TOKEN_BYTES);
}

/* The shape of a session or challenge token: exactly 43 base64url characters.
 * Every byte value is tried in every place against the alphabet itself. */
static void zc_t_token_shaped(void **state)
{
    (void)state;
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char t[45];
    memset(t, 'A', 43);
    t[43] = '\0';
    assert_true(zc_token_shaped(t));
    for (int pos = 0; pos < 43; pos += 7) {
        for (int c = 1; c < 256; c++) {
            t[pos] = (char)c;
            assert_int_equal(zc_token_shaped(t), strchr(alphabet, c) != NULL);
        }
        t[pos] = 'A';
    }
    assert_false(zc_token_shaped(NULL));
    assert_false(zc_token_shaped(""));
    t[42] = '\0';
    assert_false(zc_token_shaped(t));           /* 42 characters */
    t[42] = 'A';
    t[43] = 'A';
    t[44] = '\0';
    assert_false(zc_token_shaped(t));           /* 44 */
    t[43] = '=';
    assert_false(zc_token_shaped(t));           /* padding is not base64url's */
}

static void zc_t_sha256(void **state)
{
    static const unsigned char abc[ZC_SHA256_LEN] = {
        0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
        0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad };
    unsigned char md[ZC_SHA256_LEN];

    zc_sha256("abc", 3, md);
    assert_memory_equal(md, abc, sizeof md);
    zc_sha256("abd", 3, md);
    assert_memory_not_equal(md, abc, sizeof md);

    /* A kept context gives the same digests, used again and again. */
    EVP_MD_CTX *ctx = zc_sha256_ctx_new();
    assert_non_null(ctx);
    for (int i = 0; i < 3; i++) {
        memset(md, 0, sizeof md);
        zc_sha256_with(ctx, "abc", 3, md);
        assert_memory_equal(md, abc, sizeof md);
        zc_sha256_with(ctx, "abd", 3, md);
        assert_memory_not_equal(md, abc, sizeof md);
    }
    zc_sha256_ctx_free(ctx);
    zc_sha256_with(NULL, "abc", 3, md);         /* no context (allocation failed): still right */
    assert_memory_equal(md, abc, sizeof md);

    /* Released (before httpd unloads the module): still right, through EVP_sha256(); a second
     * release does nothing. */
    assert_int_equal(zc_sha256_release(NULL), APR_SUCCESS);
    memset(md, 0, sizeof md);
    zc_sha256("abc", 3, md);
    assert_memory_equal(md, abc, sizeof md);
    assert_int_equal(zc_sha256_release(NULL), APR_SUCCESS);
}

static void zc_t_log_tag(void **state)
{
    apr_pool_t *p = *state;

    assert_string_equal(zc_log_tag(p, "secret"), "2bb80d53");
    assert_string_equal(zc_log_tag(p, ""), "e3b0c442");
    assert_string_equal(zc_log_tag(p, NULL), "e3b0c442");
    assert_string_not_equal(zc_log_tag(p, "secret2"), "2bb80d53");
}

static void zc_t_b64_encode(void **state)
{
    apr_pool_t *p = *state;
    const unsigned char fbff[] = { 0xfb, 0xff };

    assert_string_equal(zc_b64url(p, (const unsigned char *)"", 0), "");
    assert_string_equal(zc_b64url(p, (const unsigned char *)"f", 1), "Zg");
    assert_string_equal(zc_b64url(p, (const unsigned char *)"fo", 2), "Zm8");
    assert_string_equal(zc_b64url(p, (const unsigned char *)"foo", 3), "Zm9v");
    assert_string_equal(zc_b64url(p, (const unsigned char *)"foobar", 6), "Zm9vYmFy");
    assert_string_equal(zc_b64url(p, fbff, 2), "-_8");
    assert_string_equal(zc_b64(p, fbff, 2), "+/8=");
    assert_string_equal(zc_b64(p, (const unsigned char *)"f", 1), "Zg==");
    assert_string_equal(zc_b64(p, (const unsigned char *)"", 0), "");
}

static void zc_t_b64_roundtrip(void **state)
{
    apr_pool_t *p = *state;
    unsigned char buf[70];

    assert_int_equal(RAND_bytes(buf, sizeof buf), 1);
    for (size_t len = 0; len <= sizeof buf; len++) {
        for (int url = 0; url <= 1; url++) {
            const char *s = url ? zc_b64url(p, buf, len) : zc_b64(p, buf, len);
            size_t n = 999;
            unsigned char *d = zc_b64_decode(p, s, strlen(s), url, &n);
            assert_non_null(d);
            assert_int_equal(n, len);
            assert_memory_equal(d, buf, len);
        }
    }
}

static void zc_t_b64_decode(void **state)
{
    apr_pool_t *p = *state;
    size_t n;
    unsigned char *d;

    d = zc_b64_decode(p, " Zm9v\r\nYmFy\t", 12, 0, &n);
    assert_non_null(d);
    assert_int_equal(n, 6);
    assert_memory_equal(d, "foobar", 6);
    d = zc_b64_decode(p, "Zg", 2, 0, &n);          /* padding optional */
    assert_non_null(d);
    assert_int_equal(n, 1);
    d = zc_b64_decode(p, "Zg==", 4, 1, &n);
    assert_non_null(d);
    assert_int_equal(n, 1);
    d = zc_b64_decode(p, "", 0, 0, &n);
    assert_non_null(d);
    assert_int_equal(n, 0);

    const char *bad[] = { "Zg=", "Zg===", "Z", "Zm9vY", "Zg==Zg==", "Zm9v!", "Zh==", "Zm9=", "=Zg",
                          "Zm8==", "Zm\0v" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_null(zc_b64_decode(p, bad[i], i == 10 ? 4 : strlen(bad[i]), 0, &n));
    /* The two alphabets are not mixed. */
    assert_null(zc_b64_decode(p, "-_8", 3, 0, &n));
    assert_null(zc_b64_decode(p, "+/8=", 4, 1, &n));
    assert_non_null(zc_b64_decode(p, "-_8", 3, 1, &n));
    assert_null(zc_b64_decode(p, NULL, 0, 0, &n));
}

static void zc_t_ct_equal(void **state)
{
    assert_true(zc_ct_equal("abcd", "abcd", 4));
    assert_false(zc_ct_equal("abcd", "abce", 4));
    assert_false(zc_ct_equal("xbcd", "abcd", 4));
    assert_true(zc_ct_equal("abcd", "abce", 3));
    assert_true(zc_ct_equal("", "", 0));
}

static const struct CMUnitTest zc_t_tests[] = {
    ZC_T(zc_t_token), cmocka_unit_test(zc_t_token_shaped), cmocka_unit_test(zc_t_sha256), ZC_T(zc_t_log_tag), ZC_T(zc_t_b64_encode),
    ZC_T(zc_t_b64_roundtrip), ZC_T(zc_t_b64_decode), cmocka_unit_test(zc_t_ct_equal),
};

ZC_T_MAIN("crypto_util", zc_t_tests, NULL, NULL)
