/* Fuzz targets over the pure code (docs/testing.md, "Fuzz targets").
 *
 * Each fuzz_<name>.c defines LLVMFuzzerTestOneInput (and, when it needs
 * fixtures, LLVMFuzzerInitialize).  The same file builds two ways:
 *   - with clang -fsanitize=fuzzer,address,undefined (scripts/fuzz), where
 *     libFuzzer supplies main();
 *   - with the project's compiler and replay_main.c, a plain program that
 *     `make check` runs over t/fuzz/corpus/<name>/ (under valgrind in
 *     scripts/check), so every input found once stays a regression test.
 *
 * Every input gets its own APR pool, destroyed before returning, and the
 * OpenSSL error queue is cleared: one input must not leak into the next. */
#ifndef ZC_FUZZ_H
#define ZC_FUZZ_H

#include <stddef.h>
#include <stdlib.h>
#include <stdint.h>

#include <apr_pools.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A property every input must keep; a broken one is a crash, as libFuzzer counts them. */
#define ZC_FZ_CHECK(c) do { if (!(c)) abort(); } while (0)

/* The LLVMFuzzerInitialize of a target with no fixtures: the root pool only. */
#define ZC_FZ_INITIALIZE_ROOT_ONLY                                                                  \
    int LLVMFuzzerInitialize(int *argc, char ***argv)                                              \
    {                                                                                               \
        (void)argc;                                                                                 \
        (void)argv;                                                                                 \
        zc_fz_root();                                                                               \
        return 0;                                                                                   \
    }

/* The process's root pool (APR initialised on first use, terminated at
 * exit).  Fixtures loaded by LLVMFuzzerInitialize live in it. */
apr_pool_t *zc_fz_root(void);

/* A fresh pool for one input, and its end (pool destroyed, OpenSSL error
 * queue cleared). */
apr_pool_t *zc_fz_begin(void);
void zc_fz_end(apr_pool_t *p);

/* t/fuzz/<rel>: ZC_FUZZ_DIR from the build, or $ZC_FUZZ_DIR. */
const char *zc_fz_path(apr_pool_t *p, const char *rel);

/* Fixtures from t/fuzz/pki/ (made by t/fuzz/mkseeds): abort when missing. */
X509 *zc_fz_cert(const char *name);
EVP_PKEY *zc_fz_key(const char *name);

/* A NUL-terminated copy of len bytes, malloc'd at exactly len + 1 bytes and
 * freed by a cleanup on p: a read past its end is one ASan sees (inside a
 * pool block it would not be). */
char *zc_fz_str(apr_pool_t *p, const uint8_t *data, size_t len);

/* Sign (again) with key: SHA-256, or SM3 with the GM/T ID when key is SM2.
 * 1 on success. */
int zc_fz_sign_crl(X509_CRL *crl, EVP_PKEY *key);
int zc_fz_sign_ocsp(OCSP_BASICRESP *bs, X509 *signer, EVP_PKEY *key, unsigned long flags);

/* Fixed inputs shared by the targets and t/fuzz/mkseeds. */
#define ZC_FZ_NOW_SEC 1830297600L   /* 2028-01-01T00:00:00Z: "now" where a target needs one */
#define ZC_FZ_SIG_MSG "ZCYCA-AUTH-V1\npurpose=login\norigin=https://login.example.gov.cn\nprovider=p1\n" \
                      "nonce=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\niat=2026-12-01T00:00:00Z"
#define ZC_FZ_SESSION_KEY "0123456789abcdef0123456789abcdef"
#define ZC_FZ_TOKEN_HASH  "fedcba9876543210fedcba9876543210"

#endif
