/* Shared helpers of the fuzz targets (see fuzz.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_strings.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "fuzz.h"

#ifndef ZC_FUZZ_DIR
#define ZC_FUZZ_DIR "t/fuzz"
#endif

#define ZC_FZ_SM2_ID "1234567812345678"

/* The one piece of process state a libFuzzer harness cannot avoid: the
 * root pool its fixtures live in, made on first use. */
static apr_pool_t *zc_fz_root_pool;

static void zc_fz_die(const char *what, const char *name)
{
    fprintf(stderr, "fuzz: %s %s failed\n", what, name ? name : "");
    ERR_print_errors_fp(stderr);
    abort();
}

apr_pool_t *zc_fz_root(void)
{
    if (zc_fz_root_pool == NULL) {
        if (apr_initialize() != APR_SUCCESS || apr_pool_create(&zc_fz_root_pool, NULL) != APR_SUCCESS)
            zc_fz_die("apr_initialize", NULL);
        atexit(apr_terminate);
    }
    return zc_fz_root_pool;
}

apr_pool_t *zc_fz_begin(void)
{
    apr_pool_t *p;

    if (apr_pool_create(&p, zc_fz_root()) != APR_SUCCESS)
        zc_fz_die("apr_pool_create", NULL);
    return p;
}

void zc_fz_end(apr_pool_t *p)
{
    apr_pool_destroy(p);
    ERR_clear_error();
}

const char *zc_fz_path(apr_pool_t *p, const char *rel)
{
    const char *dir = getenv("ZC_FUZZ_DIR");

    return apr_pstrcat(p, dir && *dir ? dir : ZC_FUZZ_DIR, "/", rel, NULL);
}

static void *zc_fz_read_x509(FILE *f)
{
    return PEM_read_X509(f, NULL, NULL, NULL);
}

static apr_status_t zc_fz_x509_free(void *x)
{
    X509_free(x);
    return APR_SUCCESS;
}

static void *zc_fz_read_key(FILE *f)
{
    return PEM_read_PrivateKey(f, NULL, NULL, NULL);
}

static apr_status_t zc_fz_pkey_free(void *k)
{
    EVP_PKEY_free(k);
    return APR_SUCCESS;
}

/* t/fuzz/pki/NAME.EXT read by READ, freed with the root pool by RELEASE; abort when missing. */
static void *zc_fz_fixture(const char *name, const char *ext, const char *what, void *(*read)(FILE *),
                           apr_status_t (*release)(void *))
{
    apr_pool_t *root = zc_fz_root();
    const char *path = zc_fz_path(root, apr_pstrcat(root, "pki/", name, ext, NULL));
    FILE *f = fopen(path, "r");
    void *v = f ? read(f) : NULL;

    if (f)
        fclose(f);
    if (v == NULL)
        zc_fz_die(what, path);
    apr_pool_cleanup_register(root, v, release, apr_pool_cleanup_null);
    return v;
}

X509 *zc_fz_cert(const char *name)
{
    return zc_fz_fixture(name, ".pem", "reading the certificate", zc_fz_read_x509, zc_fz_x509_free);
}

EVP_PKEY *zc_fz_key(const char *name)
{
    return zc_fz_fixture(name, ".key", "reading the key", zc_fz_read_key, zc_fz_pkey_free);
}

static apr_status_t zc_fz_free(void *v)
{
    free(v);
    return APR_SUCCESS;
}

char *zc_fz_str(apr_pool_t *p, const uint8_t *data, size_t len)
{
    char *s = malloc(len + 1);

    if (s == NULL)
        abort();
    if (len)
        memcpy(s, data, len);
    s[len] = '\0';
    apr_pool_cleanup_register(p, s, zc_fz_free, apr_pool_cleanup_null);
    return s;
}

/* The signing context of key: SHA-256, or SM3 with the GM/T ID for SM2
 * (pc then holds the EVP_PKEY_CTX the caller frees after md). */
static EVP_MD_CTX *zc_fz_sign_ctx(EVP_PKEY *key, EVP_PKEY_CTX **pc)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();

    *pc = NULL;
    if (md == NULL)
        return NULL;
    if (EVP_PKEY_is_a(key, "SM2")) {
        if ((*pc = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL)) == NULL ||
            EVP_PKEY_CTX_set1_id(*pc, ZC_FZ_SM2_ID, strlen(ZC_FZ_SM2_ID)) <= 0)
            goto fail;
        EVP_MD_CTX_set_pkey_ctx(md, *pc);
    }
    if (EVP_DigestSignInit(md, NULL, *pc ? EVP_sm3() : EVP_sha256(), NULL, key) == 1)
        return md;
fail:
    EVP_MD_CTX_free(md);
    EVP_PKEY_CTX_free(*pc);
    *pc = NULL;
    return NULL;
}

int zc_fz_sign_crl(X509_CRL *crl, EVP_PKEY *key)
{
    EVP_PKEY_CTX *pc;
    EVP_MD_CTX *md = zc_fz_sign_ctx(key, &pc);
    int ok = md && X509_CRL_sign_ctx(crl, md) > 0;

    EVP_MD_CTX_free(md);
    EVP_PKEY_CTX_free(pc);
    return ok;
}

int zc_fz_sign_ocsp(OCSP_BASICRESP *bs, X509 *signer, EVP_PKEY *key, unsigned long flags)
{
    EVP_PKEY_CTX *pc;
    EVP_MD_CTX *md = zc_fz_sign_ctx(key, &pc);
    int ok = md && OCSP_basic_sign_ctx(bs, signer, md, NULL, flags) == 1;

    EVP_MD_CTX_free(md);
    EVP_PKEY_CTX_free(pc);
    return ok;
}
