/* Fuzz target: CRL parsing and use (crl.c, crl_scope.c): a provider's CRL
 * file loaded (PEM with one or more X509 CRL blocks, or one DER CRL), its
 * signature checked against the trust anchors of t/fuzz/pki/ (an EC and an
 * SM2 CA), its scope read (IssuingDistributionPoint, cRLNumber,
 * deltaCRLIndicator), then the status of five certificates looked up in
 * it.
 *
 * The first byte is the mode, the rest the file:
 *   bit 0:    when the rest parses as a CRL (DER, or the first PEM block),
 *             sign it again with the EC CA's key (bits 1-3 all set: the SM2
 *             CA's, SM3 with the GM/T ID; one input in eight, as SM2 signs
 *             and verifies ten times slower than P-256 in OpenSSL 3.0), so
 *             the fuzzer gets past the signature to the scope, the lists
 *             and the look-ups;
 *   bit 4:    write that re-signed CRL as PEM (else DER).
 * Every CRL in the input also has its scope read directly, signature or
 * not.  A loaded set must not look changed right after its load. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <apr_strings.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "crl.h"
#include "crl_scope.h"
#include "fuzz.h"
#include "trust.h"

/* Fixtures, loaded once (libFuzzer gives no other place to keep them). */
static const zc_trust_t *zc_fz_trust;
static X509 *zc_fz_certs[5];
static EVP_PKEY *zc_fz_keys[2];
static const char *zc_fz_file;   /* where each input is written: the loader reads files */
static int zc_fz_verbose;        /* ZC_FUZZ_VERBOSE=1: print what the loader and the look-ups said */

static void zc_fz_unlink(void)
{
    unlink(zc_fz_file);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    apr_pool_t *root = zc_fz_root();
    const char *why = NULL, *tmp = getenv("TMPDIR");

    (void)argc;
    (void)argv;
    if ((zc_fz_trust = zc_trust_load(root, zc_fz_path(root, "pki/trust.pem"), &why)) == NULL) {
        fprintf(stderr, "fuzz_crl: %s\n", why);
        abort();
    }
    zc_fz_certs[0] = zc_fz_cert("leaf-ec");
    zc_fz_certs[1] = zc_fz_cert("leaf-revoked");
    zc_fz_certs[2] = zc_fz_cert("leaf-sm2");
    zc_fz_certs[3] = zc_fz_cert("ca-ec");
    zc_fz_certs[4] = zc_fz_cert("leaf-rsa");
    zc_fz_keys[0] = zc_fz_key("ca-ec");
    zc_fz_keys[1] = zc_fz_key("ca-sm2");
    zc_fz_verbose = getenv("ZC_FUZZ_VERBOSE") != NULL;
    if (access("/dev/shm", W_OK) == 0)
        tmp = "/dev/shm";
    zc_fz_file = apr_psprintf(root, "%s/zcyca-fuzz-crl-%ld.crl", tmp && *tmp ? tmp : "/tmp", (long)getpid());
    atexit(zc_fz_unlink);   /* registered after apr_terminate: runs before it, while the path lives */
    return 0;
}

static void zc_fz_write(const void *data, size_t len)
{
    FILE *f = fopen(zc_fz_file, "wb");

    if (f == NULL || (len && fwrite(data, 1, len, f) != len) || fclose(f) != 0) {
        perror(zc_fz_file);
        abort();
    }
}

/* The scope of one CRL, read directly. */
static void zc_fz_scope(apr_pool_t *p, X509_CRL *crl)
{
    zc_crl_scope_t s;

    if (zc_crl_scope_read(p, crl, &s) != NULL)
        return;
    ZC_FZ_CHECK(zc_crl_scope_same(&s, &s));
    zc_crl_scope_text(p, &s);
    for (int i = 0; i < 5; i++)
        zc_crl_scope_covers(&s, zc_fz_certs[i], zc_crl_scope_dps(p, zc_fz_certs[i]));
    zc_crl_scope_free(&s);
}

/* The input's first CRL (DER, or the first PEM block), or NULL. */
static X509_CRL *zc_fz_first(const uint8_t *b, size_t n, int all_scopes, apr_pool_t *p)
{
    X509_CRL *first = NULL, *c;

    if (n >= 10 && memmem(b, n, "-----BEGIN", 10)) {
        BIO *bio = BIO_new_mem_buf(b, (int)n);
        while (bio && (c = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL)) != NULL) {
            if (all_scopes)
                zc_fz_scope(p, c);
            if (first == NULL)
                first = c;
            else
                X509_CRL_free(c);
        }
        BIO_free(bio);
    }
    else {
        const unsigned char *q = b;
        if ((first = d2i_X509_CRL(NULL, &q, (long)n)) != NULL && all_scopes)
            zc_fz_scope(p, first);
    }
    ERR_clear_error();
    return first;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    const uint8_t *body;
    size_t n;
    unsigned char mode;
    X509_CRL *crl;
    zc_crlset_t *s;
    const char *why = NULL, *detail = NULL;
    unsigned char *der = NULL;

    if (size < 1 || size > 65536)
        return 0;
    p = zc_fz_begin();
    mode = data[0];
    body = data + 1;
    n = size - 1;
    crl = zc_fz_first(body, n, 1, p);
    if ((mode & 1) && crl && zc_fz_sign_crl(crl, zc_fz_keys[((mode >> 1) & 7) == 7])) {
        if (mode & 16) {
            BIO *b = BIO_new(BIO_s_mem());
            char *pem;
            long len;
            if (b && PEM_write_bio_X509_CRL(b, crl) && (len = BIO_get_mem_data(b, &pem)) > 0)
                zc_fz_write(pem, (size_t)len);
            else
                zc_fz_write(body, n);
            BIO_free(b);
        }
        else {
            int len = i2d_X509_CRL(crl, &der);
            if (len > 0)
                zc_fz_write(der, (size_t)len);
            else
                zc_fz_write(body, n);
            OPENSSL_free(der);
        }
    }
    else
        zc_fz_write(body, n);
    X509_CRL_free(crl);
    ERR_clear_error();
    if ((s = zc_crl_load(p, zc_fz_file, zc_fz_trust, &why)) != NULL) {
        apr_time_t now = apr_time_from_sec(ZC_FZ_NOW_SEC);
        ZC_FZ_CHECK(!zc_crl_changed(p, s));
        zc_crl_count(s);
        zc_crl_this_update(s);
        zc_crl_next_update(s);
        for (int i = 0; i < 5; i++) {
            zc_err_t e = zc_crl_check(p, s, zc_fz_certs[i], now, &detail);
            if (zc_fz_verbose)
                fprintf(stderr, "crl: %d CRLs; certificate %d: %d %s\n", zc_crl_count(s), i, (int)e, detail);
            zc_crl_check(p, s, zc_fz_certs[i], 0, &detail);
        }
    }
    else {
        ZC_FZ_CHECK(why != NULL);
        if (zc_fz_verbose)
            fprintf(stderr, "crl: not loaded: %s\n", why);
    }
    zc_fz_end(p);
    return 0;
}
