/* Certificates: parsing, identity and key usage (pure: no httpd headers). */
#include <string.h>

#include <apr_strings.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "cert.h"
#include "crypto_util.h"

#define ZC_SM2_ID "1234567812345678"
#define ZC_KEYID_EXT_MAX 512

static const char zc_pem_begin[] = "-----BEGIN CERTIFICATE-----";
static const char zc_pem_end[] = "-----END CERTIFICATE-----";

/* Pool cleanups for the OpenSSL objects this file creates (STYLE 3.7). */
#define ZC_CLEANUP(name, type, expr)                                         \
    static apr_status_t name(void *obj)                                      \
    {                                                                        \
        type *o = obj;                                                       \
        expr;                                                                \
        return APR_SUCCESS;                                                  \
    }
ZC_CLEANUP(zc_x509_free, X509, X509_free(o))
ZC_CLEANUP(zc_sk_x509_free, STACK_OF(X509), sk_X509_pop_free(o, X509_free))
ZC_CLEANUP(zc_openssl_free, unsigned char, OPENSSL_free(o))
ZC_CLEANUP(zc_asn1_object_free, ASN1_OBJECT, ASN1_OBJECT_free(o))
ZC_CLEANUP(zc_asn1_type_free, ASN1_TYPE, ASN1_TYPE_free(o))

const char *zc_hex(apr_pool_t *p, const unsigned char *b, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    char *out = apr_palloc(p, 2 * len + 1);

    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15];
    }
    out[2 * len] = '\0';
    return out;
}

static char *zc_put_digits(char *o, int v, int n)
{
    for (int i = n - 1; i >= 0; i--, v /= 10)
        o[i] = (char)('0' + v % 10);
    return o + n;
}

/* Written digit by digit: AuthType zcyca formats two of these on every
 * protected request, and apr_psprintf's formatter cost more than the rest of
 * the session check. */
const char *zc_rfc3339(apr_pool_t *p, apr_time_t t)
{
    apr_time_exp_t e;

    if (apr_time_exp_gmt(&e, t) != APR_SUCCESS)
        return "1970-01-01T00:00:00Z";
    int year = e.tm_year + 1900;
    if (year < 0 || year > 9999)
        return apr_psprintf(p, "%04d-%02d-%02dT%02d:%02d:%02dZ", year, e.tm_mon + 1, e.tm_mday, e.tm_hour,
                            e.tm_min, e.tm_sec);
    char *out = apr_palloc(p, sizeof "YYYY-MM-DDTHH:MM:SSZ"), *o = out;
    o = zc_put_digits(o, year, 4);
    *o++ = '-';
    o = zc_put_digits(o, e.tm_mon + 1, 2);
    *o++ = '-';
    o = zc_put_digits(o, e.tm_mday, 2);
    *o++ = 'T';
    o = zc_put_digits(o, e.tm_hour, 2);
    *o++ = ':';
    o = zc_put_digits(o, e.tm_min, 2);
    *o++ = ':';
    o = zc_put_digits(o, e.tm_sec, 2);
    *o++ = 'Z';
    *o = '\0';
    return out;
}

/* ---- parsing ------------------------------------------------------------ */

STACK_OF(X509) *zc_cert_stack(apr_pool_t *p)
{
    STACK_OF(X509) *sk = sk_X509_new_null();

    if (sk)
        apr_pool_cleanup_register(p, sk, zc_sk_x509_free, apr_pool_cleanup_null);
    return sk;
}

X509 *zc_cert_ref(apr_pool_t *p, X509 *x)
{
    if (x == NULL || !X509_up_ref(x))
        return NULL;
    apr_pool_cleanup_register(p, x, zc_x509_free, apr_pool_cleanup_null);
    return x;
}

void zc_cert_stack_push(STACK_OF(X509) *sk, X509 *x)
{
    if (sk == NULL || x == NULL || !X509_up_ref(x))
        return;
    if (!sk_X509_push(sk, x))
        X509_free(x);
}

/* Exactly one DER certificate, re-encoding to the same bytes (so the
 * certificate hash is the hash of what the client sent). */
static X509 *zc_cert_from_der(apr_pool_t *p, const unsigned char *der, size_t len)
{
    const unsigned char *q = der;
    unsigned char *again = NULL;
    X509 *x;
    int n;

    if (len == 0 || len > ZC_CERT_MAX_DER)
        return NULL;
    x = d2i_X509(NULL, &q, (long)len);
    if (x == NULL) {
        /* A refused certificate is the client's error, not ours: leave no
         * entries on this thread's queue for a later, unrelated call. */
        ERR_clear_error();
        return NULL;
    }
    apr_pool_cleanup_register(p, x, zc_x509_free, apr_pool_cleanup_null);
    if (q != der + len)
        return NULL;
    n = i2d_X509(x, &again);
    if (n <= 0)
        return NULL;
    apr_pool_cleanup_register(p, again, zc_openssl_free, apr_pool_cleanup_null);
    if ((size_t)n != len || memcmp(again, der, len) != 0)
        return NULL;
    return x;
}

static int zc_only_ws(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return 0;
    return 1;
}

/* Walk PEM CERTIFICATE blocks, pushing each onto sk (at most max).  Strict
 * mode allows only whitespace outside the blocks; lenient mode (trust
 * bundles) skips any other text and other PEM block types. */
static const char *zc_pem_walk(apr_pool_t *p, const char *s, size_t len, int lenient,
                               STACK_OF(X509) *sk, int max)
{
    const size_t blen = sizeof zc_pem_begin - 1, elen = sizeof zc_pem_end - 1;
    size_t pos = 0;
    int n = 0;

    while (pos < len) {
        const char *begin = memmem(s + pos, len - pos, zc_pem_begin, blen), *body, *end;
        if (begin == NULL) {
            if (!lenient && !zc_only_ws(s + pos, len - pos))
                return "text after the last certificate";
            break;
        }
        if (!lenient && !zc_only_ws(s + pos, (size_t)(begin - (s + pos))))
            return "text before a certificate";
        body = begin + blen;
        end = memmem(body, len - (size_t)(body - s), zc_pem_end, elen);
        if (end == NULL)
            return "a certificate has no END line";
        if (++n > max)
            return apr_psprintf(p, "more than %d certificates", max);
        size_t der_len;
        unsigned char *der = zc_b64_decode(p, body, (size_t)(end - body), 0, &der_len);
        X509 *x = der ? zc_cert_from_der(p, der, der_len) : NULL;
        if (x == NULL)
            return apr_psprintf(p, "certificate %d is not a valid DER certificate", n);
        zc_cert_stack_push(sk, x);
        pos = (size_t)(end - s) + elen;
    }
    return NULL;
}

X509 *zc_cert_parse(apr_pool_t *p, const char *data, size_t len, zc_err_t *err)
{
    const unsigned char *u = (const unsigned char *)data;
    size_t skip = 0, der_len;
    unsigned char *der;
    X509 *x = NULL;

    *err = ZC_E_CERT_MALFORMED;
    if (data == NULL || len == 0 || len > 4 * ZC_CERT_MAX_DER)
        return NULL;
    if (u[0] == 0x30)
        x = zc_cert_from_der(p, u, len);
    else {
        while (skip < len && zc_only_ws(data + skip, 1))
            skip++;
        if (len - skip >= sizeof zc_pem_begin - 1 &&
            memcmp(data + skip, zc_pem_begin, sizeof zc_pem_begin - 1) == 0) {
            STACK_OF(X509) *sk = zc_cert_stack(p);
            if (sk && zc_pem_walk(p, data, len, 0, sk, 1) == NULL && sk_X509_num(sk) == 1)
                x = sk_X509_value(sk, 0);
        }
        else if ((der = zc_b64_decode(p, data, len, 0, &der_len)) != NULL)
            x = zc_cert_from_der(p, der, der_len);
    }
    if (x)
        *err = ZC_OK;
    return x;
}

STACK_OF(X509) *zc_cert_parse_chain(apr_pool_t *p, const char *pem, size_t len, zc_err_t *err)
{
    STACK_OF(X509) *sk = zc_cert_stack(p);

    *err = ZC_E_CERT_MALFORMED;
    if (sk == NULL || (pem == NULL && len != 0))
        return NULL;
    if (len > (size_t)ZC_CERT_MAX_CHAIN * 2 * ZC_CERT_MAX_DER)
        return NULL;
    if (len && zc_pem_walk(p, pem, len, 0, sk, ZC_CERT_MAX_CHAIN))
        return NULL;
    *err = ZC_OK;
    return sk;
}

STACK_OF(X509) *zc_cert_parse_bundle(apr_pool_t *p, const char *text, size_t len, const char **why)
{
    STACK_OF(X509) *sk = zc_cert_stack(p);
    const char *w;

    if (sk == NULL) {
        *why = "out of memory";
        return NULL;
    }
    if ((w = zc_pem_walk(p, text ? text : "", text ? len : 0, 1, sk, 100000))) {
        *why = w;
        return NULL;
    }
    return sk;
}

/* ---- information ------------------------------------------------------ */

const char *zc_cert_name(apr_pool_t *p, const X509_NAME *name)
{
    BIO *b = BIO_new(BIO_s_mem());
    const char *out = "";
    char *data;
    long n;

    if (b == NULL || name == NULL) {
        BIO_free(b);
        return out;
    }
    if (X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0 &&
        (n = BIO_get_mem_data(b, &data)) > 0)
        out = apr_pstrmemdup(p, data, (apr_size_t)n);
    BIO_free(b);
    return out;
}

/* Upper-case hex of the serial's magnitude, no leading zeros ("0" for 0). */
static const char *zc_serial_text(apr_pool_t *p, const ASN1_INTEGER *serial)
{
    static const char digits[] = "0123456789ABCDEF";
    const unsigned char *b = ASN1_STRING_get0_data(serial);
    int len = ASN1_STRING_length(serial), i = 0;
    char *out, *o;

    while (i < len && b[i] == 0)
        i++;
    if (i >= len)
        return "0";
    out = o = apr_palloc(p, 2 * (size_t)(len - i) + 2);
    if (ASN1_STRING_type(serial) == V_ASN1_NEG_INTEGER)
        *o++ = '-';
    if (b[i] < 16)
        *o++ = digits[b[i++]];
    for (; i < len; i++) {
        *o++ = digits[b[i] >> 4];
        *o++ = digits[b[i] & 15];
    }
    *o = '\0';
    return out;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1..12). */
static apr_int64_t zc_days_from_civil(apr_int64_t y, int m, int d)
{
    y -= m <= 2;
    apr_int64_t era = (y >= 0 ? y : y - 399) / 400;
    apr_int64_t yoe = y - era * 400;
    apr_int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    apr_int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int zc_asn1_time(const ASN1_TIME *t, apr_time_t *out)
{
    struct tm tm;

    if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
        return 0;
    apr_int64_t secs = zc_days_from_civil(tm.tm_year + 1900LL, tm.tm_mon + 1, tm.tm_mday) * 86400LL +
                     tm.tm_hour * 3600LL + tm.tm_min * 60LL + tm.tm_sec;
    *out = (apr_time_t)secs * APR_USEC_PER_SEC;
    return 1;
}

static int zc_pkey_is_sm2(EVP_PKEY *pk)
{
    char group[64];
    size_t glen = 0;

    if (pk == NULL)
        return 0;
    if (EVP_PKEY_is_a(pk, "SM2"))
        return 1;
    return EVP_PKEY_is_a(pk, "EC") && EVP_PKEY_get_group_name(pk, group, sizeof group, &glen) == 1 &&
           OBJ_txt2nid(group) == NID_sm2;
}

int zc_cert_is_sm2(X509 *x)
{
    if (x == NULL)
        return 0;
    return zc_pkey_is_sm2(X509_get0_pubkey(x)) || X509_get_signature_nid(x) == NID_SM2_with_SM3;
}

void zc_cert_set_sm2_id(X509 *x)
{
    ASN1_OCTET_STRING *id;

    if (!zc_cert_is_sm2(x) || (id = ASN1_OCTET_STRING_new()) == NULL)
        return;
    if (!ASN1_OCTET_STRING_set(id, (const unsigned char *)ZC_SM2_ID, (int)strlen(ZC_SM2_ID))) {
        ASN1_OCTET_STRING_free(id);
        return;
    }
    X509_set0_distinguishing_id(x, id);   /* x owns id (and frees any previous one) */
}

/* SHA-256 hex of an i2d encoding. */
static const char *zc_der_sha256(apr_pool_t *p, const unsigned char *der, int len)
{
    unsigned char md[ZC_SHA256_LEN];

    if (der == NULL || len <= 0)
        return NULL;
    zc_sha256(der, (size_t)len, md);
    return zc_hex(p, md, sizeof md);
}

static const char *zc_cert_sha256(apr_pool_t *p, X509 *x)
{
    unsigned char *der = NULL;
    int len = i2d_X509(x, &der);

    if (len > 0)
        apr_pool_cleanup_register(p, der, zc_openssl_free, apr_pool_cleanup_null);
    return zc_der_sha256(p, der, len);
}

static const char *zc_spki_sha256(apr_pool_t *p, X509 *x)
{
    unsigned char *der = NULL;
    int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der);

    if (len > 0)
        apr_pool_cleanup_register(p, der, zc_openssl_free, apr_pool_cleanup_null);
    return zc_der_sha256(p, der, len);
}

zc_err_t zc_cert_info(apr_pool_t *p, X509 *x, zc_cert_info_t *out)
{
    EVP_PKEY *pk;

    memset(out, 0, sizeof *out);
    if (x == NULL || (pk = X509_get0_pubkey(x)) == NULL)
        return ZC_E_CERT_MALFORMED;
    out->subject = zc_cert_name(p, X509_get_subject_name(x));
    out->issuer = zc_cert_name(p, X509_get_issuer_name(x));
    out->serial = zc_serial_text(p, X509_get0_serialNumber(x));
    out->cert_sha256 = zc_cert_sha256(p, x);
    out->spki_sha256 = zc_spki_sha256(p, x);
    if (!out->cert_sha256 || !out->spki_sha256 || !zc_asn1_time(X509_get0_notBefore(x), &out->not_before) ||
        !zc_asn1_time(X509_get0_notAfter(x), &out->not_after))
        return ZC_E_CERT_MALFORMED;
    if (zc_pkey_is_sm2(pk) || (EVP_PKEY_is_a(pk, "EC") && X509_get_signature_nid(x) == NID_SM2_with_SM3))
        out->key_type = "sm2";
    else if (EVP_PKEY_is_a(pk, "EC"))
        out->key_type = "ec";
    else if (EVP_PKEY_is_a(pk, "RSA") || EVP_PKEY_is_a(pk, "RSA-PSS"))
        out->key_type = "rsa";
    else
        out->key_type = "other";
    return ZC_OK;
}

/* ---- usage and key id --------------------------------------------------- */

zc_err_t zc_cert_check_usage(X509 *x)
{
    uint32_t flags;

    if (x == NULL)
        return ZC_E_CERT_MALFORMED;
    flags = X509_get_extension_flags(x);
    if (flags & EXFLAG_INVALID)
        return ZC_E_CERT_MALFORMED;
    if ((flags & EXFLAG_KUSAGE) && !(X509_get_key_usage(x) & KU_DIGITAL_SIGNATURE))
        return ZC_E_CERT_USAGE;
    if ((flags & EXFLAG_XKUSAGE) && !(X509_get_extended_key_usage(x) & (XKU_SSL_CLIENT | XKU_ANYEKU)))
        return ZC_E_CERT_USAGE;
    return ZC_OK;
}

/* The value of extension oid as text (see cert.h). */
static zc_err_t zc_ext_value(apr_pool_t *p, X509 *x, const char *oid, const char **out, const char **detail)
{
    ASN1_OBJECT *obj = oid ? OBJ_txt2obj(oid, 1) : NULL;
    const ASN1_OCTET_STRING *data;
    const unsigned char *raw, *q;
    ASN1_TYPE *t;
    int idx, rlen;

    if (obj == NULL) {
        *detail = "key id extension OID is not valid";
        return ZC_E_CERT_MALFORMED;
    }
    apr_pool_cleanup_register(p, obj, zc_asn1_object_free, apr_pool_cleanup_null);
    if ((idx = X509_get_ext_by_OBJ(x, obj, -1)) < 0) {
        *detail = apr_psprintf(p, "certificate has no extension %s (the provider's key id)", oid);
        return ZC_E_CERT_MALFORMED;
    }
    if (X509_get_ext_by_OBJ(x, obj, idx) >= 0) {
        *detail = apr_psprintf(p, "extension %s appears twice", oid);
        return ZC_E_CERT_MALFORMED;
    }
    data = X509_EXTENSION_get_data(X509_get_ext(x, idx));
    raw = q = ASN1_STRING_get0_data(data);
    rlen = ASN1_STRING_length(data);
    if (rlen <= 0 || rlen > ZC_KEYID_EXT_MAX) {
        *detail = apr_psprintf(p, "extension %s is empty or too long", oid);
        return ZC_E_CERT_MALFORMED;
    }
    *out = zc_hex(p, raw, (size_t)rlen);    /* any other content: hex of extnValue */
    t = d2i_ASN1_TYPE(NULL, &q, rlen);
    if (t == NULL)
        return ZC_OK;
    apr_pool_cleanup_register(p, t, zc_asn1_type_free, apr_pool_cleanup_null);
    if (q != raw + rlen)
        return ZC_OK;
    switch (t->type) {
    case V_ASN1_OCTET_STRING:
        *out = zc_hex(p, ASN1_STRING_get0_data(t->value.octet_string),
                      (size_t)ASN1_STRING_length(t->value.octet_string));
        if (**out == '\0')
            break;
        return ZC_OK;
    case V_ASN1_UTF8STRING: case V_ASN1_PRINTABLESTRING: case V_ASN1_IA5STRING:
    case V_ASN1_BMPSTRING: case V_ASN1_VISIBLESTRING: case V_ASN1_T61STRING:
    case V_ASN1_UNIVERSALSTRING: {
        unsigned char *utf8 = NULL;
        int n = ASN1_STRING_to_UTF8(&utf8, t->value.asn1_string);
        if (n < 0)
            break;
        apr_pool_cleanup_register(p, utf8, zc_openssl_free, apr_pool_cleanup_null);
        for (int i = 0; i < n; i++)
            if (utf8[i] < 0x20 || utf8[i] == 0x7f)
                n = -1;
        if (n <= 0)
            break;
        *out = apr_pstrmemdup(p, (const char *)utf8, (apr_size_t)n);
        return ZC_OK;
    }
    default:
        return ZC_OK;
    }
    *detail = apr_psprintf(p, "extension %s holds an empty or unreadable string", oid);
    return ZC_E_CERT_MALFORMED;
}

zc_err_t zc_cert_key_id(apr_pool_t *p, X509 *x, zc_keyid_mode_t mode, const char *oid,
                        const char **out, const char **detail)
{
    const char *dummy, *v;
    unsigned char *name = NULL, *serial = NULL, md[ZC_SHA256_LEN];
    int nlen, slen;
    zc_err_t rc;

    if (detail == NULL)
        detail = &dummy;
    *out = NULL;
    *detail = NULL;
    if (x == NULL)
        return ZC_E_CERT_MALFORMED;
    switch (mode) {
    case ZC_KEYID_SPKI_SHA256:
        *out = zc_spki_sha256(p, x);
        break;
    case ZC_KEYID_CERT_SHA256:
        *out = zc_cert_sha256(p, x);
        break;
    case ZC_KEYID_ISSUER_SERIAL:
    case ZC_KEYID_EXT:
        nlen = i2d_X509_NAME(X509_get_issuer_name(x), &name);
        if (nlen <= 0)
            break;
        apr_pool_cleanup_register(p, name, zc_openssl_free, apr_pool_cleanup_null);
        if (mode == ZC_KEYID_EXT) {
            if ((rc = zc_ext_value(p, x, oid, &v, detail)) != ZC_OK)
                return rc;
            zc_sha256(name, (size_t)nlen, md);
            *out = apr_pstrcat(p, zc_hex(p, md, 8), ":", v, NULL);
            break;
        }
        slen = i2d_ASN1_INTEGER(X509_get0_serialNumber(x), &serial);
        if (slen <= 0)
            break;
        apr_pool_cleanup_register(p, serial, zc_openssl_free, apr_pool_cleanup_null);
        unsigned char *both = apr_palloc(p, (size_t)nlen + (size_t)slen);
        memcpy(both, name, (size_t)nlen);
        memcpy(both + nlen, serial, (size_t)slen);
        *out = zc_der_sha256(p, both, nlen + slen);
        break;
    default:
        *detail = "unknown key id mode";
        return ZC_E_CERT_MALFORMED;
    }
    if (*out == NULL) {
        *detail = "could not encode the certificate";
        return ZC_E_CERT_MALFORMED;
    }
    return ZC_OK;
}

