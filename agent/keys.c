/* keys.c - the key list and the certificate fields SOF_GetUserList shows. */
#include "keys.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

bool zca_key_type_of(X509 *cert, zca_key_type_t *type)
{
    EVP_PKEY *pk = cert ? X509_get0_pubkey(cert) : NULL;
    char group[64] = "";

    if (pk == NULL)
        return false;
    if (EVP_PKEY_is_a(pk, "RSA")) {
        *type = ZCA_KEY_RSA;
        return true;
    }
    /* An SM2 certificate may carry the plain EC key OID: the curve decides. */
    if (EVP_PKEY_is_a(pk, "SM2") ||
        (EVP_PKEY_is_a(pk, "EC") && EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, group,
                                                                    sizeof group, NULL) &&
         strcmp(group, "SM2") == 0)) {
        *type = ZCA_KEY_SM2;
        return true;
    }
    if (EVP_PKEY_is_a(pk, "EC")) {
        *type = ZCA_KEY_EC;
        return true;
    }
    return false;
}

const char *zca_key_type_name(zca_key_type_t type)
{
    return type == ZCA_KEY_RSA ? "rsa" : type == ZCA_KEY_EC ? "ec" : "sm2";
}

const char *zca_key_algorithm(zca_key_type_t type)
{
    return type == ZCA_KEY_RSA ? "rsa-sha256" : type == ZCA_KEY_EC ? "ecdsa-sha256" : "sm2-sm3";
}

bool zca_keys_add(zca_keys_t *ks, zca_key_t *k)
{
    zca_key_t *v = realloc(ks->v, (ks->n + 1) * sizeof *v);

    if (v == NULL) {
        X509_free(k->cert);
        k->cert = NULL;
        return false;
    }
    ks->v = v;
    ks->v[ks->n++] = *k;
    k->cert = NULL;
    return true;
}

static int zca_keys_cmp(const void *x, const void *y)
{
    return strcmp(((const zca_key_t *)x)->cert_id, ((const zca_key_t *)y)->cert_id);
}

void zca_keys_sort(zca_keys_t *ks)
{
    if (ks->n > 1)
        qsort(ks->v, ks->n, sizeof *ks->v, zca_keys_cmp);
}

const zca_key_t *zca_keys_find(const zca_keys_t *ks, const char *cert_id)
{
    for (size_t i = 0; cert_id && i < ks->n; i++)
        if (strcmp(ks->v[i].cert_id, cert_id) == 0)
            return &ks->v[i];
    return NULL;
}

void zca_keys_clear(zca_keys_t *ks)
{
    for (size_t i = 0; i < ks->n; i++)
        X509_free(ks->v[i].cert);
    free(ks->v);
    ks->v = NULL;
    ks->n = 0;
}

/* RFC 2253 order and escaping, UTF-8 kept (Chinese names stay readable). */
static json_t *zca_name_json(const X509_NAME *name)
{
    BIO *b = BIO_new(BIO_s_mem());
    json_t *out = NULL;
    char *data;
    long n;

    if (b && X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0 &&
        (n = BIO_get_mem_data(b, &data)) >= 0)
        out = json_stringn(data, (size_t)n);
    BIO_free(b);
    return out ? out : json_string("");
}

/* Upper-case hex without leading zeros, as the module shows serials. */
static json_t *zca_serial_json(const ASN1_INTEGER *serial)
{
    BIGNUM *bn = ASN1_INTEGER_to_BN(serial, NULL);
    char *hex = bn ? BN_bn2hex(bn) : NULL;
    json_t *out = json_string(hex ? hex : "");

    OPENSSL_free(hex);
    BN_free(bn);
    return out;
}

static json_t *zca_time_json(const ASN1_TIME *t)
{
    struct tm tm;
    char buf[32];

    if (t == NULL || !ASN1_TIME_to_tm(t, &tm) || strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        return json_null();
    return json_string(buf);
}

json_t *zca_key_info(const zca_key_t *k)
{
    return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:s}", "cert_id", k->cert_id, "label", k->label,
                     "subject", zca_name_json(X509_get_subject_name(k->cert)),
                     "issuer", zca_name_json(X509_get_issuer_name(k->cert)),
                     "serial", zca_serial_json(X509_get0_serialNumber(k->cert)),
                     "not_after", zca_time_json(X509_get0_notAfter(k->cert)),
                     "key_type", zca_key_type_name(k->type));
}

json_t *zca_key_cert_b64(const zca_key_t *k)
{
    unsigned char *der = NULL;
    int n = i2d_X509(k->cert, &der);
    json_t *out = NULL;

    if (n > 0) {
        size_t cap = 4 * (((size_t)n + 2) / 3) + 1;
        unsigned char *b64 = malloc(cap);
        if (b64) {
            int m = EVP_EncodeBlock(b64, der, n);
            out = json_stringn((const char *)b64, (size_t)m);
            free(b64);
        }
    }
    OPENSSL_free(der);
    return out;
}
