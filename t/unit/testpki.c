/* Test-time PKI (see testpki.h). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <apr_strings.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "testpki.h"

#define ZC_TP_SM2_ID "1234567812345678"

static void zc_tp_die(const char *what)
{
    fprintf(stderr, "testpki: %s failed\n", what);
    ERR_print_errors_fp(stderr);
    abort();
}

static apr_status_t zc_tp_pkey_free(void *k)
{
    EVP_PKEY_free(k);
    return APR_SUCCESS;
}

static apr_status_t zc_tp_x509_free(void *x)
{
    X509_free(x);
    return APR_SUCCESS;
}

EVP_PKEY *zc_tp_key(apr_pool_t *p, zc_tp_alg_t alg)
{
    EVP_PKEY *k = NULL;

    switch (alg) {
    case ZC_TP_RSA: k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048); break;
    case ZC_TP_EC: k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"); break;
    case ZC_TP_SM2: k = EVP_PKEY_Q_keygen(NULL, NULL, "SM2"); break;
    }
    if (k == NULL)
        zc_tp_die("key generation");
    apr_pool_cleanup_register(p, k, zc_tp_pkey_free, apr_pool_cleanup_null);
    return k;
}

static void zc_tp_add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509_EXTENSION *ext;

    X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
    if ((ext = X509V3_EXT_nconf_nid(NULL, &ctx, nid, value)) == NULL || !X509_add_ext(x, ext, -1))
        zc_tp_die(value);
    X509_EXTENSION_free(ext);
}

static void zc_tp_add_private_ext(X509 *x, const char *oid, const char *value)
{
    ASN1_UTF8STRING *u = ASN1_UTF8STRING_new();
    ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
    ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
    unsigned char *der = NULL;
    X509_EXTENSION *ext;
    int n;

    if (!u || !os || !obj || !ASN1_STRING_set(u, value, -1) || (n = i2d_ASN1_UTF8STRING(u, &der)) <= 0 ||
        !ASN1_OCTET_STRING_set(os, der, n) || (ext = X509_EXTENSION_create_by_OBJ(NULL, obj, 0, os)) == NULL)
        zc_tp_die("private extension");
    if (!X509_add_ext(x, ext, -1))
        zc_tp_die("X509_add_ext");
    X509_EXTENSION_free(ext);
    OPENSSL_free(der);
    ASN1_OBJECT_free(obj);
    ASN1_OCTET_STRING_free(os);
    ASN1_UTF8STRING_free(u);
}

static void zc_tp_sign(X509 *x, EVP_PKEY *key, int no_id)
{
    EVP_MD_CTX *md;
    EVP_PKEY_CTX *pc;

    if (!EVP_PKEY_is_a(key, "SM2")) {
        if (!X509_sign(x, key, EVP_sha256()))
            zc_tp_die("X509_sign");
        return;
    }
    if ((md = EVP_MD_CTX_new()) == NULL || (pc = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL)) == NULL)
        zc_tp_die("SM2 sign context");
    if (!no_id && EVP_PKEY_CTX_set1_id(pc, ZC_TP_SM2_ID, strlen(ZC_TP_SM2_ID)) <= 0)
        zc_tp_die("EVP_PKEY_CTX_set1_id");
    EVP_MD_CTX_set_pkey_ctx(md, pc);
    if (EVP_DigestSignInit(md, NULL, EVP_sm3(), NULL, key) != 1 || X509_sign_ctx(x, md) <= 0)
        zc_tp_die("SM2 X509_sign_ctx");
    EVP_MD_CTX_free(md);
    EVP_PKEY_CTX_free(pc);
}

X509 *zc_tp_cert(apr_pool_t *p, const zc_tp_spec_t *s)
{
    X509 *x = X509_new();
    X509 *issuer = s->issuer ? s->issuer : x;
    EVP_PKEY *signer = s->issuer ? s->issuer_key : s->key;
    X509_NAME *name;
    ASN1_INTEGER *serial;

    if (x == NULL || signer == NULL)
        zc_tp_die("X509_new");
    apr_pool_cleanup_register(p, x, zc_tp_x509_free, apr_pool_cleanup_null);
    X509_set_version(x, X509_VERSION_3);
    serial = X509_get_serialNumber(x);
    if (s->serial)
        ASN1_INTEGER_set(serial, s->serial);
    else {
        unsigned char r[8];
        BIGNUM *bn;
        if (RAND_bytes(r, sizeof r) != 1)
            zc_tp_die("RAND_bytes");
        r[0] &= 0x7f;
        r[0] |= 0x40;
        if ((bn = BN_bin2bn(r, sizeof r, NULL)) == NULL || !BN_to_ASN1_INTEGER(bn, serial))
            zc_tp_die("serial");
        BN_free(bn);
    }
    if (!X509_time_adj_ex(X509_getm_notBefore(x), 0, s->not_before, NULL) ||
        !X509_time_adj_ex(X509_getm_notAfter(x), 0, s->not_after ? s->not_after : 365 * ZC_TP_DAY, NULL))
        zc_tp_die("validity");
    name = X509_get_subject_name(x);
    if (s->org && !X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, (const unsigned char *)s->org, -1, -1, 0))
        zc_tp_die("subject O");
    if (!X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)s->cn, -1, -1, 0))
        zc_tp_die("subject CN");
    if (!X509_set_issuer_name(x, X509_get_subject_name(issuer)) || !X509_set_pubkey(x, s->key))
        zc_tp_die("issuer/pubkey");
    if (s->ca >= 0)
        zc_tp_add_ext(x, issuer, NID_basic_constraints, s->ca ? "critical,CA:TRUE" : "CA:FALSE");
    if (s->key_usage)
        zc_tp_add_ext(x, issuer, NID_key_usage, s->key_usage);
    if (s->ext_key_usage)
        zc_tp_add_ext(x, issuer, NID_ext_key_usage, s->ext_key_usage);
    zc_tp_add_ext(x, issuer, NID_subject_key_identifier, "hash");
    if (s->issuer)
        zc_tp_add_ext(x, issuer, NID_authority_key_identifier, "keyid");
    if (s->ext_oid)
        zc_tp_add_private_ext(x, s->ext_oid, s->ext_value);
    if (s->aia)
        zc_tp_add_ext(x, issuer, NID_info_access, s->aia);
    if (s->crldp)
        zc_tp_add_ext(x, issuer, NID_crl_distribution_points, s->crldp);
    zc_tp_sign(x, signer, s->sm2_no_id);
    return x;
}

X509 *zc_tp_ca(apr_pool_t *p, const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key)
{
    zc_tp_spec_t s = { .cn = cn, .org = "ZCYCA Test", .key = key, .issuer = issuer,
                       .issuer_key = issuer_key, .ca = 1, .not_before = -365 * ZC_TP_DAY,
                       .not_after = 3650 * ZC_TP_DAY, .key_usage = "critical,keyCertSign,cRLSign" };
    return zc_tp_cert(p, &s);
}

X509 *zc_tp_leaf(apr_pool_t *p, const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key)
{
    zc_tp_spec_t s = { .cn = cn, .org = "ZCYCA Test", .key = key, .issuer = issuer,
                       .issuer_key = issuer_key, .ca = 0, .not_before = -ZC_TP_DAY,
                       .not_after = 365 * ZC_TP_DAY, .key_usage = "critical,digitalSignature",
                       .ext_key_usage = "clientAuth" };
    return zc_tp_cert(p, &s);
}

unsigned char *zc_tp_der(apr_pool_t *p, X509 *x, size_t *len)
{
    unsigned char *der = NULL, *copy;
    int n = i2d_X509(x, &der);

    if (n <= 0)
        zc_tp_die("i2d_X509");
    copy = apr_pmemdup(p, der, (apr_size_t)n);
    OPENSSL_free(der);
    *len = (size_t)n;
    return copy;
}

char *zc_tp_pem(apr_pool_t *p, X509 *x)
{
    BIO *b = BIO_new(BIO_s_mem());
    char *data, *out;
    long n;

    if (b == NULL || !PEM_write_bio_X509(b, x) || (n = BIO_get_mem_data(b, &data)) <= 0)
        zc_tp_die("PEM_write_bio_X509");
    out = apr_pstrmemdup(p, data, (apr_size_t)n);
    BIO_free(b);
    return out;
}

static apr_status_t zc_tp_rmdir(void *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (d) {
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", (const char *)dir, e->d_name);
            if (unlink(path) != 0)
                zc_tp_rmdir(path), rmdir(path);
        }
        closedir(d);
    }
    rmdir(dir);
    return APR_SUCCESS;
}

const char *zc_tp_tmpdir(apr_pool_t *p)
{
    const char *base = getenv("TMPDIR");
    char *dir = apr_pstrcat(p, base && *base ? base : "/tmp", "/zcyca-unit-XXXXXX", NULL);

    if (mkdtemp(dir) == NULL)
        zc_tp_die("mkdtemp");
    apr_pool_cleanup_register(p, dir, zc_tp_rmdir, apr_pool_cleanup_null);
    return dir;
}

const char *zc_tp_write(apr_pool_t *p, const char *dir, const char *name, const void *data, size_t len)
{
    const char *path = apr_pstrcat(p, dir, "/", name, NULL);
    FILE *f = fopen(path, "wb");

    if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0)
        zc_tp_die(path);
    return path;
}

const char *zc_tp_write_key(apr_pool_t *p, const char *dir, const char *name, EVP_PKEY *k)
{
    BIO *b = BIO_new(BIO_s_mem());
    char *data;
    long n;
    const char *path;

    if (b == NULL || !PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL) ||
        (n = BIO_get_mem_data(b, &data)) <= 0)
        zc_tp_die("PEM_write_bio_PrivateKey");
    path = zc_tp_write(p, dir, name, data, (size_t)n);
    BIO_free(b);
    return path;
}

const char *zc_tp_write_pem(apr_pool_t *p, const char *dir, const char *name, X509 *const *certs, int n)
{
    char *all = "";

    for (int i = 0; i < n; i++)
        all = apr_pstrcat(p, all, zc_tp_pem(p, certs[i]), NULL);
    return zc_tp_write(p, dir, name, all, strlen(all));
}

/* ---- CRLs ----------------------------------------------------------------- */

static apr_status_t zc_tp_crl_free(void *c)
{
    X509_CRL_free(c);
    return APR_SUCCESS;
}

static void zc_tp_crl_int_ext(X509_CRL *c, int nid, long v, int crit)
{
    ASN1_INTEGER *i = ASN1_INTEGER_new();

    if (i == NULL || !ASN1_INTEGER_set(i, v) || X509_CRL_add1_ext_i2d(c, nid, i, crit, 0) != 1)
        zc_tp_die("CRL integer extension");
    ASN1_INTEGER_free(i);
}

/* The scope extensions of a CRL spec: IDP, cRLNumber, deltaCRLIndicator. */
static void zc_tp_crl_scope(X509_CRL *c, const zc_tp_crl_spec_t *s)
{
    if (s->idp) {
        X509V3_CTX ctx;
        X509_EXTENSION *ext;

        X509V3_set_ctx(&ctx, s->issuer, NULL, NULL, c, 0);
        if ((ext = X509V3_EXT_nconf_nid(NULL, &ctx, NID_issuing_distribution_point, s->idp)) == NULL ||
            !X509_EXTENSION_set_critical(ext, 1) || !X509_CRL_add_ext(c, ext, -1))
            zc_tp_die(s->idp);
        X509_EXTENSION_free(ext);
    }
    if (s->number)
        zc_tp_crl_int_ext(c, NID_crl_number, s->number, 0);
    if (s->delta)
        zc_tp_crl_int_ext(c, NID_delta_crl, s->delta_base, 1);
}

static void zc_tp_crl_sign(X509_CRL *c, EVP_PKEY *key, int no_id)
{
    EVP_MD_CTX *md;
    EVP_PKEY_CTX *pc;

    if (!EVP_PKEY_is_a(key, "SM2")) {
        if (!X509_CRL_sign(c, key, EVP_sha256()))
            zc_tp_die("X509_CRL_sign");
        return;
    }
    if ((md = EVP_MD_CTX_new()) == NULL || (pc = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL)) == NULL)
        zc_tp_die("SM2 CRL sign context");
    if (!no_id && EVP_PKEY_CTX_set1_id(pc, ZC_TP_SM2_ID, strlen(ZC_TP_SM2_ID)) <= 0)
        zc_tp_die("EVP_PKEY_CTX_set1_id");
    EVP_MD_CTX_set_pkey_ctx(md, pc);
    if (EVP_DigestSignInit(md, NULL, EVP_sm3(), NULL, key) != 1 || X509_CRL_sign_ctx(c, md) <= 0)
        zc_tp_die("SM2 X509_CRL_sign_ctx");
    EVP_MD_CTX_free(md);
    EVP_PKEY_CTX_free(pc);
}

X509_CRL *zc_tp_crl(apr_pool_t *p, const zc_tp_crl_spec_t *s)
{
    X509_CRL *c = X509_CRL_new();
    ASN1_TIME *t = ASN1_TIME_new();

    if (c == NULL || t == NULL || s->issuer == NULL || s->key == NULL)
        zc_tp_die("X509_CRL_new");
    apr_pool_cleanup_register(p, c, zc_tp_crl_free, apr_pool_cleanup_null);
    if (!X509_CRL_set_version(c, X509_CRL_VERSION_2) ||
        !X509_CRL_set_issuer_name(c, X509_get_subject_name(s->issuer)) ||
        !X509_time_adj_ex(t, 0, s->this_update, NULL) || !X509_CRL_set1_lastUpdate(c, t))
        zc_tp_die("CRL header");
    if (!s->no_next_update &&
        (!X509_time_adj_ex(t, 0, s->next_update ? s->next_update : 7 * ZC_TP_DAY, NULL) ||
         !X509_CRL_set1_nextUpdate(c, t)))
        zc_tp_die("CRL nextUpdate");
    for (int i = 0; i < s->n_revoked; i++) {
        X509_REVOKED *r = X509_REVOKED_new();

        if (r == NULL || !X509_REVOKED_set_serialNumber(r, X509_get_serialNumber(s->revoked[i])) ||
            !X509_time_adj_ex(t, 0, -3600, NULL) || !X509_REVOKED_set_revocationDate(r, t))
            zc_tp_die("X509_REVOKED");
        if (s->reason) {
            ASN1_ENUMERATED *e = ASN1_ENUMERATED_new();
            if (e == NULL || !ASN1_ENUMERATED_set(e, s->reason - 1) ||
                !X509_REVOKED_add1_ext_i2d(r, NID_crl_reason, e, 0, 0))
                zc_tp_die("CRL reason");
            ASN1_ENUMERATED_free(e);
        }
        if (!X509_CRL_add0_revoked(c, r))
            zc_tp_die("X509_CRL_add0_revoked");
    }
    ASN1_TIME_free(t);
    zc_tp_crl_scope(c, s);
    if (!X509_CRL_sort(c))
        zc_tp_die("X509_CRL_sort");
    zc_tp_crl_sign(c, s->key, s->sm2_no_id);
    return c;
}

unsigned char *zc_tp_crl_der(apr_pool_t *p, X509_CRL *c, size_t *len)
{
    unsigned char *der = NULL, *copy;
    int n = i2d_X509_CRL(c, &der);

    if (n <= 0)
        zc_tp_die("i2d_X509_CRL");
    copy = apr_pmemdup(p, der, (apr_size_t)n);
    OPENSSL_free(der);
    *len = (size_t)n;
    return copy;
}

char *zc_tp_crl_pem(apr_pool_t *p, X509_CRL *c)
{
    BIO *b = BIO_new(BIO_s_mem());
    char *data, *out;
    long n;

    if (b == NULL || !PEM_write_bio_X509_CRL(b, c) || (n = BIO_get_mem_data(b, &data)) <= 0)
        zc_tp_die("PEM_write_bio_X509_CRL");
    out = apr_pstrmemdup(p, data, (apr_size_t)n);
    BIO_free(b);
    return out;
}

/* ---- OCSP responses ------------------------------------------------------- */

unsigned char *zc_tp_ocsp_resp(apr_pool_t *p, const zc_tp_ocsp_spec_t *s, size_t *len)
{
    OCSP_RESPONSE *resp;
    OCSP_BASICRESP *bs = NULL;
    unsigned char *der = NULL, *copy;
    int n;

    if (s->resp_status != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
        resp = OCSP_response_create(s->resp_status, NULL);
    }
    else {
        OCSP_CERTID *id = OCSP_cert_to_id(EVP_sha1(), s->cert, s->issuer);
        ASN1_TIME *tu = X509_gmtime_adj(NULL, s->this_update ? s->this_update : -60);
        ASN1_TIME *nu = s->no_next_update ? NULL : X509_gmtime_adj(NULL, s->next_update ? s->next_update : ZC_TP_DAY);
        ASN1_TIME *rev = s->status == V_OCSP_CERTSTATUS_REVOKED ? X509_gmtime_adj(NULL, -3600) : NULL;

        if ((bs = OCSP_BASICRESP_new()) == NULL || id == NULL || tu == NULL || (!s->no_next_update && nu == NULL) ||
            OCSP_basic_add1_status(bs, id, s->status, rev ? OCSP_REVOKED_STATUS_KEYCOMPROMISE : -1, rev, tu,
                                   nu) == NULL)
            zc_tp_die("OCSP_basic_add1_status");
        OCSP_CERTID_free(id);
        ASN1_TIME_free(tu);
        ASN1_TIME_free(nu);
        ASN1_TIME_free(rev);
        if (s->nonce == 0 && s->req_der) {
            const unsigned char *q = s->req_der;
            OCSP_REQUEST *req = d2i_OCSP_REQUEST(NULL, &q, (long)s->req_len);
            if (req == NULL || OCSP_copy_nonce(bs, req) != 1)
                zc_tp_die("OCSP_copy_nonce");
            OCSP_REQUEST_free(req);
        }
        else if (s->nonce == 2 && OCSP_basic_add1_nonce(bs, NULL, -1) != 1)
            zc_tp_die("OCSP_basic_add1_nonce");
        if (EVP_PKEY_is_a(s->signer_key, "SM2")) {
            EVP_MD_CTX *md = EVP_MD_CTX_new();
            EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_pkey(NULL, s->signer_key, NULL);

            if (md == NULL || pc == NULL ||
                (!s->sm2_no_id && EVP_PKEY_CTX_set1_id(pc, ZC_TP_SM2_ID, strlen(ZC_TP_SM2_ID)) <= 0))
                zc_tp_die("SM2 OCSP sign context");
            EVP_MD_CTX_set_pkey_ctx(md, pc);
            if (EVP_DigestSignInit(md, NULL, EVP_sm3(), NULL, s->signer_key) != 1 ||
                OCSP_basic_sign_ctx(bs, s->signer, md, NULL, s->no_certs ? OCSP_NOCERTS : 0) != 1)
                zc_tp_die("OCSP_basic_sign_ctx (SM2)");
            EVP_MD_CTX_free(md);
            EVP_PKEY_CTX_free(pc);
        }
        else if (OCSP_basic_sign(bs, s->signer, s->signer_key, EVP_sha256(), NULL, s->no_certs ? OCSP_NOCERTS : 0) != 1)
            zc_tp_die("OCSP_basic_sign");
        resp = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, bs);
    }
    if (resp == NULL || (n = i2d_OCSP_RESPONSE(resp, &der)) <= 0)
        zc_tp_die("OCSP_response_create");
    copy = apr_pmemdup(p, der, (apr_size_t)n);
    OPENSSL_free(der);
    OCSP_RESPONSE_free(resp);
    OCSP_BASICRESP_free(bs);
    *len = (size_t)n;
    return copy;
}
