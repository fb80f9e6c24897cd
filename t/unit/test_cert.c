/* Unit tests: cert.c (parsing, information, usage, key ids, SM2). */
#include "unit.h"

#include <string.h>

#include <apr_strings.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "cert.h"
#include "crypto_util.h"
#include "testpki.h"

typedef struct {
    apr_pool_t *pool;       /* group pool: keys and certificates */
    apr_pool_t *p;          /* per-test pool */
    EVP_PKEY *root_key, *leaf_key, *sm2_root_key, *sm2_leaf_key;
    X509 *root, *leaf, *sm2_root, *sm2_leaf;
} zc_t_fix_t;

ZC_T_GROUP_FIXTURE(zc_t_fix_t)

static int zc_t_group_setup(void **state)
{
    zc_t_fix_t *f = zc_t_group_new();
    if (f == NULL)
        return -1;
    f->root_key = zc_tp_key(f->pool, ZC_TP_RSA);
    f->leaf_key = zc_tp_key(f->pool, ZC_TP_EC);
    f->sm2_root_key = zc_tp_key(f->pool, ZC_TP_SM2);
    f->sm2_leaf_key = zc_tp_key(f->pool, ZC_TP_SM2);
    f->root = zc_tp_ca(f->pool, "ZCYCA Test Root", f->root_key, NULL, NULL);
    f->leaf = zc_tp_leaf(f->pool, "张三", f->leaf_key, f->root, f->root_key);
    f->sm2_root = zc_tp_ca(f->pool, "ZCYCA SM2 Root", f->sm2_root_key, NULL, NULL);
    f->sm2_leaf = zc_tp_leaf(f->pool, "李四", f->sm2_leaf_key, f->sm2_root, f->sm2_root_key);
    *state = f;
    return 0;
}

static X509 *zc_t_parse(apr_pool_t *p, const void *data, size_t len, zc_err_t want)
{
    zc_err_t err = ZC_E_NOT_FOUND;
    ERR_clear_error();
    X509 *x = zc_cert_parse(p, data, len, &err);
    assert_int_equal(err, want);
    assert_int_equal(x != NULL, want == ZC_OK);
    /* A refused certificate leaves nothing on OpenSSL's error queue (issue 13,
     * finding 8): a later, unrelated call would report it as its own. */
    assert_int_equal(ERR_peek_error(), 0);
    return x;
}

static void zc_t_formats(void **state)
{
    zc_t_fix_t *f = *state;
    size_t der_len;
    unsigned char *der = zc_tp_der(f->p, f->leaf, &der_len);
    const char *pem = zc_tp_pem(f->p, f->leaf);
    const char *b64 = zc_b64(f->p, der, der_len);
    /* base64 wrapped at 64 columns with CRLF and stray spaces */
    char *wrapped = "";
    for (size_t i = 0; i < strlen(b64); i += 64)
        wrapped = apr_pstrcat(f->p, wrapped, apr_pstrndup(f->p, b64 + i, 64), "\r\n ", NULL);
    const char *variants[] = { pem, b64, wrapped, apr_pstrcat(f->p, "\n  ", pem, "\n\n", NULL) };

    X509 *from_der = zc_t_parse(f->p, der, der_len, ZC_OK);
    assert_int_equal(X509_cmp(from_der, f->leaf), 0);
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        X509 *x = zc_t_parse(f->p, variants[i], strlen(variants[i]), ZC_OK);
        assert_int_equal(X509_cmp(x, from_der), 0);
    }
    /* The parsed certificate lives as long as the pool (no leak, no early free). */
    zc_cert_info_t a, b;
    assert_int_equal(zc_cert_info(f->p, from_der, &a), ZC_OK);
    assert_int_equal(zc_cert_info(f->p, zc_t_parse(f->p, pem, strlen(pem), ZC_OK), &b), ZC_OK);
    assert_string_equal(a.cert_sha256, b.cert_sha256);
}

static void zc_t_malformed(void **state)
{
    zc_t_fix_t *f = *state;
    size_t der_len;
    unsigned char *der = zc_tp_der(f->p, f->leaf, &der_len);
    const char *pem = zc_tp_pem(f->p, f->leaf), *b64 = zc_b64(f->p, der, der_len);
    unsigned char *trail = apr_palloc(f->p, der_len + 1);
    memcpy(trail, der, der_len);
    trail[der_len] = 0;

    zc_t_parse(f->p, "", 0, ZC_E_CERT_MALFORMED);
    zc_t_parse(f->p, NULL, 0, ZC_E_CERT_MALFORMED);
    zc_t_parse(f->p, der, der_len - 1, ZC_E_CERT_MALFORMED);        /* truncated DER */
    zc_t_parse(f->p, der, 40, ZC_E_CERT_MALFORMED);
    zc_t_parse(f->p, trail, der_len + 1, ZC_E_CERT_MALFORMED);       /* trailing byte */
    zc_t_parse(f->p, apr_pstrcat(f->p, pem, "garbage", NULL), strlen(pem) + 7, ZC_E_CERT_MALFORMED);
    zc_t_parse(f->p, apr_pstrcat(f->p, "x", pem, NULL), strlen(pem) + 1, ZC_E_CERT_MALFORMED);
    const char *two = apr_pstrcat(f->p, pem, pem, NULL);
    zc_t_parse(f->p, two, strlen(two), ZC_E_CERT_MALFORMED);
    zc_t_parse(f->p, pem, strlen(pem) - 30, ZC_E_CERT_MALFORMED);   /* no END line */
    const char *b64_trail = zc_b64(f->p, trail, der_len + 1);
    zc_t_parse(f->p, b64_trail, strlen(b64_trail), ZC_E_CERT_MALFORMED);
    zc_t_parse(f->p, b64, strlen(b64) - 8, ZC_E_CERT_MALFORMED);    /* truncated base64 */
    const char *bang = apr_pstrcat(f->p, b64, "!", NULL);
    zc_t_parse(f->p, bang, strlen(bang), ZC_E_CERT_MALFORMED);
    zc_t_parse(f->p, "hello world", 11, ZC_E_CERT_MALFORMED);
    /* a PEM body that is not base64 (damaged in the middle) */
    char *bad = apr_pstrdup(f->p, pem);
    bad[100] = '*';
    zc_t_parse(f->p, bad, strlen(bad), ZC_E_CERT_MALFORMED);
    /* over ZC_CERT_MAX_DER: SEQUENCE with a long length */
    size_t big = ZC_CERT_MAX_DER + 10;
    unsigned char *huge = apr_pcalloc(f->p, big);
    huge[0] = 0x30;
    huge[1] = 0x82;
    huge[2] = (unsigned char)((big - 4) >> 8);
    huge[3] = (unsigned char)(big - 4);
    zc_t_parse(f->p, huge, big, ZC_E_CERT_MALFORMED);
    /* non-DER encoding (long-form length for the outer SEQUENCE) */
    unsigned char *ber = apr_palloc(f->p, der_len + 1);
    assert_int_equal(der[1], 0x82);
    ber[0] = 0x30;
    ber[1] = 0x83;
    ber[2] = 0;
    memcpy(ber + 3, der + 2, der_len - 2);
    zc_t_parse(f->p, ber, der_len + 1, ZC_E_CERT_MALFORMED);
}

static void zc_t_chain(void **state)
{
    zc_t_fix_t *f = *state;
    zc_err_t err;
    const char *pem = zc_tp_pem(f->p, f->leaf), *root = zc_tp_pem(f->p, f->root);
    const char *two = apr_pstrcat(f->p, pem, "\n", root, NULL);
    STACK_OF(X509) *sk;

    sk = zc_cert_parse_chain(f->p, "", 0, &err);
    assert_non_null(sk);
    assert_int_equal(err, ZC_OK);
    assert_int_equal(sk_X509_num(sk), 0);
    sk = zc_cert_parse_chain(f->p, " \r\n", 3, &err);
    assert_int_equal(sk_X509_num(sk), 0);
    sk = zc_cert_parse_chain(f->p, two, strlen(two), &err);
    assert_non_null(sk);
    assert_int_equal(sk_X509_num(sk), 2);
    assert_int_equal(X509_cmp(sk_X509_value(sk, 0), f->leaf), 0);
    assert_int_equal(X509_cmp(sk_X509_value(sk, 1), f->root), 0);

    const char *bad[] = { apr_pstrcat(f->p, pem, "junk\n", root, NULL), apr_pstrcat(f->p, "subject=x\n", pem, NULL),
                          "MIIB", apr_pstrndup(f->p, two, strlen(two) - 40) };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err = ZC_OK;
        assert_null(zc_cert_parse_chain(f->p, bad[i], strlen(bad[i]), &err));
        assert_int_equal(err, ZC_E_CERT_MALFORMED);
    }
    char *nine = "";
    for (int i = 0; i < ZC_CERT_MAX_CHAIN + 1; i++)
        nine = apr_pstrcat(f->p, nine, root, NULL);
    assert_null(zc_cert_parse_chain(f->p, nine, strlen(nine), &err));
    nine[strlen(nine) - strlen(root)] = '\0';
    assert_int_equal(sk_X509_num(zc_cert_parse_chain(f->p, nine, strlen(nine), &err)), ZC_CERT_MAX_CHAIN);
}

static void zc_t_bundle(void **state)
{
    zc_t_fix_t *f = *state;
    const char *why = NULL, *root = zc_tp_pem(f->p, f->root), *sm2 = zc_tp_pem(f->p, f->sm2_root);
    const char *text = apr_pstrcat(f->p, "# provider bundle\nsubject=CN = ZCYCA Test Root\n", root,
                                   "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n", sm2, "trailer", NULL);
    STACK_OF(X509) *sk = zc_cert_parse_bundle(f->p, text, strlen(text), &why);

    assert_non_null(sk);
    assert_int_equal(sk_X509_num(sk), 2);
    assert_int_equal(sk_X509_num(zc_cert_parse_bundle(f->p, "no certs", 8, &why)), 0);
    char *broken = apr_pstrdup(f->p, root);
    broken[80] = '#';
    assert_null(zc_cert_parse_bundle(f->p, broken, strlen(broken), &why));
    assert_non_null(strstr(why, "certificate 1"));
    assert_null(zc_cert_parse_bundle(f->p, root, strlen(root) - 30, &why));
    assert_non_null(strstr(why, "END"));
}

static void zc_t_info(void **state)
{
    zc_t_fix_t *f = *state;
    zc_cert_info_t i;
    zc_tp_spec_t s = { .cn = "王五, \"x\"", .org = "测试 CA", .key = f->leaf_key, .issuer = f->root,
                       .issuer_key = f->root_key, .ca = 0, .not_before = -10 * ZC_TP_DAY,
                       .not_after = 20 * ZC_TP_DAY, .serial = 0x0abc };
    X509 *x = zc_tp_cert(f->p, &s);
    apr_time_t now = apr_time_now();
    unsigned char md[ZC_SHA256_LEN];
    size_t der_len;
    unsigned char *der = zc_tp_der(f->p, x, &der_len);

    assert_int_equal(zc_cert_info(f->p, x, &i), ZC_OK);
    assert_string_equal(i.subject, "CN=王五\\, \\\"x\\\",O=测试 CA");
    assert_string_equal(i.issuer, "CN=ZCYCA Test Root,O=ZCYCA Test");
    assert_string_equal(i.serial, "ABC");
    zc_sha256(der, der_len, md);
    assert_string_equal(i.cert_sha256, zc_hex(f->p, md, sizeof md));
    assert_int_equal(strlen(i.spki_sha256), 64);
    assert_string_not_equal(i.spki_sha256, i.cert_sha256);
    assert_int_equal(i.not_after - i.not_before, apr_time_from_sec(30 * ZC_TP_DAY));
    assert_true(i.not_before < now - apr_time_from_sec(10 * ZC_TP_DAY - 60));
    assert_true(i.not_before > now - apr_time_from_sec(10 * ZC_TP_DAY + 60));
    assert_string_equal(i.key_type, "ec");
    assert_int_equal(zc_cert_info(f->p, f->root, &i), ZC_OK);
    assert_string_equal(i.key_type, "rsa");
    assert_int_equal(zc_cert_info(f->p, f->sm2_leaf, &i), ZC_OK);
    assert_string_equal(i.key_type, "sm2");
    assert_string_equal(i.subject, "CN=李四,O=ZCYCA Test");
    assert_int_equal(zc_cert_info(f->p, NULL, &i), ZC_E_CERT_MALFORMED);

    s.serial = 0x7f00;
    assert_int_equal(zc_cert_info(f->p, zc_tp_cert(f->p, &s), &i), ZC_OK);
    assert_string_equal(i.serial, "7F00");
    s.serial = 0x80;         /* DER adds a leading 00 byte */
    assert_int_equal(zc_cert_info(f->p, zc_tp_cert(f->p, &s), &i), ZC_OK);
    assert_string_equal(i.serial, "80");
}

static void zc_t_hex_time(void **state)
{
    zc_t_fix_t *f = *state;
    const unsigned char b[] = { 0x00, 0x0f, 0xa5, 0xff };

    assert_string_equal(zc_hex(f->p, b, 4), "000fa5ff");
    assert_string_equal(zc_hex(f->p, b, 0), "");
    assert_string_equal(zc_rfc3339(f->p, 0), "1970-01-01T00:00:00Z");
    assert_string_equal(zc_rfc3339(f->p, apr_time_from_sec(1795521600)), "2026-11-24T12:00:00Z");
    assert_string_equal(zc_rfc3339(f->p, apr_time_from_sec(951782400)), "2000-02-29T00:00:00Z");
    assert_string_equal(zc_rfc3339(f->p, apr_time_from_sec(253402300799)), "9999-12-31T23:59:59Z");
    assert_string_equal(zc_rfc3339(f->p, apr_time_from_sec(253402300800)), "10000-01-01T00:00:00Z");
    assert_string_equal(zc_rfc3339(f->p, apr_time_from_sec(1795521600) + 999999), "2026-11-24T12:00:00Z");
    assert_string_equal(zc_rfc3339(f->p, apr_time_from_sec(-62135596800)), "0001-01-01T00:00:00Z");
}

static zc_err_t zc_t_usage_of(zc_t_fix_t *f, const char *ku, const char *eku)
{
    zc_tp_spec_t s = { .cn = "usage", .key = f->leaf_key, .issuer = f->root, .issuer_key = f->root_key,
                       .ca = 0, .not_before = -ZC_TP_DAY, .key_usage = ku, .ext_key_usage = eku };
    return zc_cert_check_usage(zc_tp_cert(f->p, &s));
}

static void zc_t_usage(void **state)
{
    zc_t_fix_t *f = *state;

    assert_int_equal(zc_t_usage_of(f, NULL, NULL), ZC_OK);
    assert_int_equal(zc_t_usage_of(f, "critical,digitalSignature", NULL), ZC_OK);
    assert_int_equal(zc_t_usage_of(f, "digitalSignature,nonRepudiation", "clientAuth"), ZC_OK);
    assert_int_equal(zc_t_usage_of(f, "digitalSignature", "serverAuth,clientAuth"), ZC_OK);
    assert_int_equal(zc_t_usage_of(f, NULL, "anyExtendedKeyUsage"), ZC_OK);
    assert_int_equal(zc_t_usage_of(f, "critical,keyEncipherment", NULL), ZC_E_CERT_USAGE);
    assert_int_equal(zc_t_usage_of(f, "keyEncipherment,dataEncipherment", "clientAuth"), ZC_E_CERT_USAGE);
    assert_int_equal(zc_t_usage_of(f, "nonRepudiation", NULL), ZC_E_CERT_USAGE);
    assert_int_equal(zc_t_usage_of(f, "digitalSignature", "serverAuth"), ZC_E_CERT_USAGE);
    assert_int_equal(zc_t_usage_of(f, NULL, "emailProtection,codeSigning"), ZC_E_CERT_USAGE);
    assert_int_equal(zc_cert_check_usage(f->root), ZC_E_CERT_USAGE);   /* keyCertSign, cRLSign */
    assert_int_equal(zc_cert_check_usage(NULL), ZC_E_CERT_MALFORMED);
}

static void zc_t_keyid(void **state)
{
    zc_t_fix_t *f = *state;
    const char *oid = "1.2.156.10260.4.1.1";
    zc_tp_spec_t s = { .cn = "张三", .key = f->leaf_key, .issuer = f->root, .issuer_key = f->root_key,
                       .ca = 0, .not_before = -ZC_TP_DAY, .ext_oid = oid, .ext_value = "CN-123456" };
    X509 *a = zc_tp_cert(f->p, &s);
    s.not_before = -2 * ZC_TP_DAY;        /* renewed: same key, new serial and dates */
    X509 *renewed = zc_tp_cert(f->p, &s);
    const char *id[4], *id2[4], *rid[4], *d;
    zc_cert_info_t info;

    for (int m = ZC_KEYID_SPKI_SHA256; m <= ZC_KEYID_EXT; m++) {
        assert_int_equal(zc_cert_key_id(f->p, a, (zc_keyid_mode_t)m, oid, &id[m], &d), ZC_OK);
        assert_int_equal(zc_cert_key_id(f->p, a, (zc_keyid_mode_t)m, oid, &id2[m], NULL), ZC_OK);
        assert_int_equal(zc_cert_key_id(f->p, renewed, (zc_keyid_mode_t)m, oid, &rid[m], &d), ZC_OK);
        assert_string_equal(id[m], id2[m]);                  /* stable */
        for (int k = 0; k < m; k++)
            assert_string_not_equal(id[m], id[k]);            /* distinct */
    }
    assert_int_equal(zc_cert_info(f->p, a, &info), ZC_OK);
    assert_string_equal(id[ZC_KEYID_SPKI_SHA256], info.spki_sha256);
    assert_string_equal(id[ZC_KEYID_CERT_SHA256], info.cert_sha256);
    assert_int_equal(strlen(id[ZC_KEYID_ISSUER_SERIAL]), 64);
    assert_string_equal(rid[ZC_KEYID_SPKI_SHA256], id[ZC_KEYID_SPKI_SHA256]);   /* survives renewal */
    assert_string_not_equal(rid[ZC_KEYID_CERT_SHA256], id[ZC_KEYID_CERT_SHA256]);
    assert_string_not_equal(rid[ZC_KEYID_ISSUER_SERIAL], id[ZC_KEYID_ISSUER_SERIAL]);
    assert_string_equal(rid[ZC_KEYID_EXT], id[ZC_KEYID_EXT]);
    assert_int_equal(strlen(id[ZC_KEYID_EXT]), 16 + 1 + 9);
    assert_string_equal(id[ZC_KEYID_EXT] + 16, ":CN-123456");
    /* Another key: the SPKI id changes. */
    assert_int_equal(zc_cert_key_id(f->p, f->sm2_leaf, ZC_KEYID_SPKI_SHA256, NULL, &rid[0], &d), ZC_OK);
    assert_string_not_equal(rid[0], id[ZC_KEYID_SPKI_SHA256]);

    /* ext: missing extension, bad OID */
    const char *out = "x";
    d = NULL;
    assert_int_equal(zc_cert_key_id(f->p, f->leaf, ZC_KEYID_EXT, oid, &out, &d), ZC_E_CERT_MALFORMED);
    assert_null(out);
    assert_non_null(strstr(d, oid));
    assert_int_equal(zc_cert_key_id(f->p, a, ZC_KEYID_EXT, "not an oid", &out, &d), ZC_E_CERT_MALFORMED);
    assert_int_equal(zc_cert_key_id(f->p, a, ZC_KEYID_EXT, NULL, &out, &d), ZC_E_CERT_MALFORMED);
    assert_int_equal(zc_cert_key_id(f->p, a, (zc_keyid_mode_t)9, NULL, &out, &d), ZC_E_CERT_MALFORMED);
    assert_int_equal(zc_cert_key_id(f->p, NULL, ZC_KEYID_SPKI_SHA256, NULL, &out, &d), ZC_E_CERT_MALFORMED);
    /* The extension twice: which one is the key? Refused. */
    X509 *twice = X509_dup(a);
    X509_EXTENSION *copy = X509_EXTENSION_dup(X509_get_ext(a, X509_get_ext_count(a) - 1));
    assert_true(X509_add_ext(twice, copy, -1));
    X509_EXTENSION_free(copy);
    assert_int_equal(zc_cert_key_id(f->p, twice, ZC_KEYID_EXT, oid, &out, &d), ZC_E_CERT_MALFORMED);
    assert_non_null(strstr(d, "twice"));
    X509_free(twice);
    /* An empty string value is refused. */
    s.ext_value = "";
    assert_int_equal(zc_cert_key_id(f->p, zc_tp_cert(f->p, &s), ZC_KEYID_EXT, oid, &out, &d), ZC_E_CERT_MALFORMED);
}

static void zc_t_sm2(void **state)
{
    zc_t_fix_t *f = *state;
    const ASN1_OCTET_STRING *id;
    zc_err_t err;
    size_t der_len;
    unsigned char *der = zc_tp_der(f->p, f->sm2_leaf, &der_len);
    /* What a client sends: no ID attached after parsing. */
    X509 *x = zc_cert_parse(f->p, (const char *)der, der_len, &err);

    assert_non_null(x);
    assert_true(zc_cert_is_sm2(x));
    assert_true(zc_cert_is_sm2(f->sm2_root));
    assert_false(zc_cert_is_sm2(f->leaf));
    assert_false(zc_cert_is_sm2(f->root));
    assert_false(zc_cert_is_sm2(NULL));
    /* An EC (P-256) key in a certificate signed with SM2-with-SM3 counts. */
    X509 *mixed = zc_tp_leaf(f->p, "mixed", f->leaf_key, f->sm2_root, f->sm2_root_key);
    assert_true(zc_cert_is_sm2(mixed));

    assert_null(X509_get0_distinguishing_id(x));
    zc_cert_set_sm2_id(x);
    id = X509_get0_distinguishing_id(x);
    assert_non_null(id);
    assert_int_equal(ASN1_STRING_length(id), 16);
    assert_memory_equal(ASN1_STRING_get0_data(id), "1234567812345678", 16);
    zc_cert_set_sm2_id(x);                               /* idempotent, old ID freed */
    assert_non_null(X509_get0_distinguishing_id(x));
    X509 *rsa = zc_t_parse(f->p, zc_tp_pem(f->p, f->root), strlen(zc_tp_pem(f->p, f->root)), ZC_OK);
    zc_cert_set_sm2_id(rsa);
    assert_null(X509_get0_distinguishing_id(rsa));
    /* The ID makes the signature verify: without it, it does not. */
    X509 *y = zc_cert_parse(f->p, (const char *)der, der_len, &err);
    assert_int_equal(X509_verify(y, X509_get0_pubkey(f->sm2_root)), 0);
    assert_int_equal(X509_verify(x, X509_get0_pubkey(f->sm2_root)), 1);
}

static void zc_t_stack(void **state)
{
    zc_t_fix_t *f = *state;
    STACK_OF(X509) *sk = zc_cert_stack(f->p);

    assert_non_null(sk);
    zc_cert_stack_push(sk, f->leaf);
    zc_cert_stack_push(sk, f->root);
    zc_cert_stack_push(sk, NULL);
    zc_cert_stack_push(NULL, f->root);
    assert_int_equal(sk_X509_num(sk), 2);
    assert_ptr_equal(sk_X509_value(sk, 0), f->leaf);  /* same object, up-ref'd */
}

static const struct CMUnitTest zc_t_tests[] = {
    ZC_T_FIX(zc_t_formats), ZC_T_FIX(zc_t_malformed), ZC_T_FIX(zc_t_chain), ZC_T_FIX(zc_t_bundle), ZC_T_FIX(zc_t_info),
    ZC_T_FIX(zc_t_hex_time), ZC_T_FIX(zc_t_usage), ZC_T_FIX(zc_t_keyid), ZC_T_FIX(zc_t_sm2), ZC_T_FIX(zc_t_stack),
};

ZC_T_MAIN("cert", zc_t_tests, zc_t_group_setup, zc_t_group_teardown)
