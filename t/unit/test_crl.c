/* Unit tests for crl.c and crl_scope.c: loading (PEM, DER, directories,
 * SM2 with the GM/T ID), refusal of forged or corrupted CRLs and of scopes
 * we cannot use, revocation status (partitions by IssuingDistributionPoint,
 * base + delta CRLs), change detection and concurrent checks against one
 * snapshot. */
#include "unit.h"

#include <pthread.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <apr_allocator.h>
#include <apr_strings.h>
#include <openssl/x509v3.h>

#include "crl.h"
#include "testpki.h"
#include "trust.h"

typedef struct {
    apr_pool_t *pool;
    apr_pool_t *p;
    EVP_PKEY *rsa_key, *ec_key, *sm2_key, *other_ec, *other_sm2, *leaf_key;
    X509 *rsa_ca, *ec_ca, *sm2_ca, *stranger_ca;
    X509 *rsa_leaf, *rsa_leaf2, *ec_leaf, *sm2_leaf, *sm2_leaf2;
    zc_trust_t *trust;
} zc_crl_fix_t;

ZC_T_GROUP_FIXTURE(zc_crl_fix_t)

static int zc_crl_group_setup(void **state)
{
    zc_crl_fix_t *f = zc_t_group_new();
    const char *why = NULL, *dir;
    X509 *cas[3];

    if (f == NULL)
        return -1;
    *state = f;
    f->rsa_key = zc_tp_key(f->pool, ZC_TP_RSA);
    f->ec_key = zc_tp_key(f->pool, ZC_TP_EC);
    f->sm2_key = zc_tp_key(f->pool, ZC_TP_SM2);
    f->other_ec = zc_tp_key(f->pool, ZC_TP_EC);
    f->other_sm2 = zc_tp_key(f->pool, ZC_TP_SM2);
    f->leaf_key = zc_tp_key(f->pool, ZC_TP_EC);
    f->rsa_ca = zc_tp_ca(f->pool, "CRL Test RSA CA", f->rsa_key, NULL, NULL);
    f->ec_ca = zc_tp_ca(f->pool, "CRL Test EC CA", f->ec_key, NULL, NULL);
    f->sm2_ca = zc_tp_ca(f->pool, "CRL Test SM2 CA", f->sm2_key, NULL, NULL);
    f->stranger_ca = zc_tp_ca(f->pool, "CRL Test Stranger CA", f->other_ec, NULL, NULL);
    f->rsa_leaf = zc_tp_leaf(f->pool, "rsa-one", f->leaf_key, f->rsa_ca, f->rsa_key);
    f->rsa_leaf2 = zc_tp_leaf(f->pool, "rsa-two", f->leaf_key, f->rsa_ca, f->rsa_key);
    f->ec_leaf = zc_tp_leaf(f->pool, "ec-one", f->leaf_key, f->ec_ca, f->ec_key);
    f->sm2_leaf = zc_tp_leaf(f->pool, "sm2-one", zc_tp_key(f->pool, ZC_TP_SM2), f->sm2_ca, f->sm2_key);
    f->sm2_leaf2 = zc_tp_leaf(f->pool, "sm2-two", zc_tp_key(f->pool, ZC_TP_SM2), f->sm2_ca, f->sm2_key);
    cas[0] = f->rsa_ca;
    cas[1] = f->ec_ca;
    cas[2] = f->sm2_ca;
    dir = zc_tp_tmpdir(f->pool);
    f->trust = zc_trust_load(f->pool, zc_tp_write_pem(f->pool, dir, "cas.pem", cas, 3), &why);
    if (f->trust == NULL) {
        fprintf(stderr, "trust: %s\n", why);
        return -1;
    }
    return 0;
}

/* A CRL from ca (signed by key) listing the n certificates of revoked. */
static X509_CRL *zc_crl_make(zc_crl_fix_t *f, X509 *ca, EVP_PKEY *key, X509 *const *revoked, int n)
{
    zc_tp_crl_spec_t s = { .issuer = ca, .key = key, .this_update = -3600, .revoked = revoked, .n_revoked = n };
    return zc_tp_crl(f->p, &s);
}

static const char *zc_crl_write_pem(zc_crl_fix_t *f, const char *dir, const char *name, X509_CRL *const *c, int n)
{
    char *all = "";

    for (int i = 0; i < n; i++)
        all = apr_pstrcat(f->p, all, zc_tp_crl_pem(f->p, c[i]), NULL);
    return zc_tp_write(f->p, dir, name, all, strlen(all));
}

static const char *zc_crl_write_der(zc_crl_fix_t *f, const char *dir, const char *name, X509_CRL *c)
{
    size_t len;
    unsigned char *der = zc_tp_crl_der(f->p, c, &len);
    return zc_tp_write(f->p, dir, name, der, len);
}

static zc_crlset_t *zc_crl_must_load(zc_crl_fix_t *f, const char *path)
{
    const char *why = NULL;
    zc_crlset_t *s = zc_crl_load(f->p, path, f->trust, &why);

    if (s == NULL)
        fprintf(stderr, "load %s: %s\n", path, why);
    assert_non_null(s);
    assert_null(why);
    return s;
}

static void zc_crl_must_fail(zc_crl_fix_t *f, const char *path, const char *file, const char *reason)
{
    const char *why = NULL;

    assert_null(zc_crl_load(f->p, path, f->trust, &why));
    assert_non_null(why);
    assert_non_null(strstr(why, file));
    if (reason)
        assert_non_null(strstr(why, reason));
}

static void test_rsa_pem_revoked(void **state)
{
    zc_crl_fix_t *f = *state;
    const char *dir = zc_tp_tmpdir(f->p), *detail = NULL;
    X509_CRL *c = zc_crl_make(f, f->rsa_ca, f->rsa_key, &f->rsa_leaf, 1);
    zc_crlset_t *s = zc_crl_must_load(f, zc_crl_write_pem(f, dir, "rsa.pem", &c, 1));

    assert_int_equal(zc_crl_count(s), 1);
    assert_int_equal(zc_crl_check(f->p, s, f->rsa_leaf, 0, &detail), ZC_E_CERT_REVOKED);
    assert_non_null(strstr(detail, "rsa.pem"));
    assert_int_equal(zc_crl_check(f->p, s, f->rsa_leaf2, 0, &detail), ZC_OK);
    assert_int_equal(zc_crl_check(f->p, s, f->rsa_leaf2, 0, NULL), ZC_OK);
}

static void test_ec_der_not_listed(void **state)
{
    zc_crl_fix_t *f = *state;
    const char *dir = zc_tp_tmpdir(f->p);
    X509_CRL *c = zc_crl_make(f, f->ec_ca, f->ec_key, NULL, 0);
    zc_crlset_t *s = zc_crl_must_load(f, zc_crl_write_der(f, dir, "ec.crl", c));

    assert_int_equal(zc_crl_count(s), 1);
    assert_int_equal(zc_crl_check(f->p, s, f->ec_leaf, 0, NULL), ZC_OK);
    /* no CRL from the RSA CA in this set */
    assert_int_equal(zc_crl_check(f->p, s, f->rsa_leaf, 0, NULL), ZC_E_CERT_STATUS_UNKNOWN);
}

static void test_stale_and_times(void **state)
{
    zc_crl_fix_t *f = *state;
    const char *dir = zc_tp_tmpdir(f->p), *detail = NULL;
    zc_tp_crl_spec_t old = { .issuer = f->rsa_ca, .key = f->rsa_key, .this_update = -2 * ZC_TP_DAY,
                             .next_update = -ZC_TP_DAY, .revoked = &f->rsa_leaf, .n_revoked = 1 };
    X509_CRL *c = zc_tp_crl(f->p, &old);
    zc_crlset_t *s = zc_crl_must_load(f, zc_crl_write_pem(f, dir, "old.pem", &c, 1));
    apr_time_t now = apr_time_now();

    assert_int_equal(zc_crl_check(f->p, s, f->rsa_leaf2, 0, &detail), ZC_E_CERT_STATUS_UNKNOWN);
    assert_non_null(strstr(detail, "stale"));
    /* a listed serial stays revoked even when the CRL is stale */
    assert_int_equal(zc_crl_check(f->p, s, f->rsa_leaf, 0, NULL), ZC_E_CERT_REVOKED);
    /* checked at a time when the CRL was current */
    assert_int_equal(zc_crl_check(f->p, s, f->rsa_leaf2, now - apr_time_from_sec(36 * 3600), NULL), ZC_OK);
    /* before its thisUpdate: not usable */
    assert_int_equal(zc_crl_check(f->p, s, f->rsa_leaf2, now - apr_time_from_sec(3 * ZC_TP_DAY), NULL),
                     ZC_E_CERT_STATUS_UNKNOWN);
    assert_true(zc_crl_this_update(s) > now - apr_time_from_sec(2 * ZC_TP_DAY + 60));
    assert_true(zc_crl_this_update(s) < now - apr_time_from_sec(2 * ZC_TP_DAY - 60));
    assert_true(zc_crl_next_update(s) < now - apr_time_from_sec(ZC_TP_DAY - 60));
    assert_true(zc_crl_next_update(s) > now - apr_time_from_sec(ZC_TP_DAY + 60));
}

static void test_latest_wins(void **state)
{
    zc_crl_fix_t *f = *state;
    const char *dir = zc_tp_tmpdir(f->p);
    zc_tp_crl_spec_t a = { .issuer = f->rsa_ca, .key = f->rsa_key, .this_update = -2 * ZC_TP_DAY,
                           .revoked = &f->rsa_leaf, .n_revoked = 1 };
    zc_tp_crl_spec_t b = { .issuer = f->rsa_ca, .key = f->rsa_key, .this_update = -60, .no_next_update = 1,
                           .revoked = &f->rsa_leaf2, .n_revoked = 1 };
    X509_CRL *c[2] = { zc_tp_crl(f->p, &b), zc_tp_crl(f->p, &a) };
    zc_crlset_t *s = zc_crl_must_load(f, zc_crl_write_pem(f, dir, "two.pem", c, 2));

    assert_int_equal(zc_crl_count(s), 2);
    assert_int_equal(zc_crl_check(f->p, s, f->rsa_leaf, 0, NULL), ZC_OK);
    assert_int_equal(zc_crl_check(f->p, s, f->rsa_leaf2, 0, NULL), ZC_E_CERT_REVOKED);
    /* the earliest nextUpdate among those that have one */
    assert_true(zc_crl_next_update(s) > apr_time_now() + apr_time_from_sec(5 * ZC_TP_DAY));
}

static void test_remove_from_crl(void **state)
{
    zc_crl_fix_t *f = *state;
    const char *dir = zc_tp_tmpdir(f->p);
    zc_tp_crl_spec_t r = { .issuer = f->rsa_ca, .key = f->rsa_key, .this_update = -60, .revoked = &f->rsa_leaf,
                           .n_revoked = 1, .reason = CRL_REASON_REMOVE_FROM_CRL + 1 };
    zc_tp_crl_spec_t k = { .issuer = f->ec_ca, .key = f->ec_key, .this_update = -60, .revoked = &f->ec_leaf,
                           .n_revoked = 1, .reason = CRL_REASON_KEY_COMPROMISE + 1 };
    X509_CRL *c[2] = { zc_tp_crl(f->p, &r), zc_tp_crl(f->p, &k) };
    zc_crlset_t *s = zc_crl_must_load(f, zc_crl_write_pem(f, dir, "r.pem", c, 2));

    assert_int_equal(zc_crl_check(f->p, s, f->rsa_leaf, 0, NULL), ZC_OK);
    assert_int_equal(zc_crl_check(f->p, s, f->ec_leaf, 0, NULL), ZC_E_CERT_REVOKED);
}

static void test_unknown_signer(void **state)
{
    zc_crl_fix_t *f = *state;
    const char *dir = zc_tp_tmpdir(f->p), *path;
    X509_CRL *forged = zc_crl_make(f, f->rsa_ca, f->other_ec, &f->rsa_leaf, 1);
    X509_CRL *stranger = zc_crl_make(f, f->stranger_ca, f->other_ec, NULL, 0);
    X509_CRL *good = zc_crl_make(f, f->ec_ca, f->ec_key, NULL, 0);
    X509_CRL *two[2] = { good, forged };

    path = zc_crl_write_pem(f, dir, "forged.pem", two, 2);
    zc_crl_must_fail(f, path, "forged.pem", "signature");
    path = zc_crl_write_der(f, dir, "stranger.der", stranger);
    zc_crl_must_fail(f, path, "stranger.der", "not one of the provider's CA");
    /* one bad file spoils the directory */
    zc_crl_must_fail(f, dir, "forged.pem", NULL);
}

static void test_corrupted(void **state)
{
    zc_crl_fix_t *f = *state;
    const char *dir = zc_tp_tmpdir(f->p), *path;
    X509_CRL *c = zc_crl_make(f, f->rsa_ca, f->rsa_key, &f->rsa_leaf, 1);
    size_t len;
    unsigned char *der = zc_tp_crl_der(f->p, c, &len);
    unsigned char *flip = apr_pmemdup(f->p, der, len);
    char *pem = zc_tp_crl_pem(f->p, c), *bad;

    flip[len / 2] ^= 0x01;
    path = zc_tp_write(f->p, dir, "flip.der", flip, len);
    zc_crl_must_fail(f, path, "flip.der", NULL);
    path = zc_tp_write(f->p, dir, "short.der", der, len - 10);
    zc_crl_must_fail(f, path, "short.der", NULL);
    bad = apr_pstrdup(f->p, pem);
    bad[strlen(bad) / 2] = '*';
    path = zc_tp_write(f->p, dir, "bad.pem", bad, strlen(bad));
    zc_crl_must_fail(f, path, "bad.pem", NULL);
    path = zc_tp_write(f->p, dir, "cert.pem", zc_tp_pem(f->p, f->rsa_ca), strlen(zc_tp_pem(f->p, f->rsa_ca)));
    zc_crl_must_fail(f, path, "cert.pem", "no X509 CRL");
    path = zc_tp_write(f->p, dir, "empty.crl", "", 0);
    zc_crl_must_fail(f, path, "empty.crl", "empty");
    zc_crl_must_fail(f, apr_pstrcat(f->p, dir, "/missing.crl", NULL), "missing.crl", NULL);
}

static void test_directory(void **state)
{
    zc_crl_fix_t *f = *state;
    const char *dir = zc_tp_tmpdir(f->p), *empty = zc_tp_tmpdir(f->p), *why = NULL;
    X509_CRL *two[2] = { zc_crl_make(f, f->rsa_ca, f->rsa_key, &f->rsa_leaf, 1),
                         zc_crl_make(f, f->ec_ca, f->ec_key, &f->ec_leaf, 1) };
    X509_CRL *sm2 = zc_crl_make(f, f->sm2_ca, f->sm2_key, &f->sm2_leaf, 1);
    zc_crlset_t *s;

    zc_crl_write_pem(f, dir, "a.pem", two, 2);
    zc_crl_write_der(f, dir, "b.der", sm2);
    zc_tp_write(f->p, dir, ".hidden", "junk", 4);
    if (symlink("b.der", apr_pstrcat(f->p, dir, "/c.crl", NULL)) != 0)
        fail_msg("symlink");
    s = zc_crl_must_load(f, dir);
    assert_int_equal(zc_crl_count(s), 4);   /* c.crl is a second copy of b.der */
    assert_int_equal(zc_crl_check(f->p, s, f->rsa_leaf, 0, NULL), ZC_E_CERT_REVOKED);
    assert_int_equal(zc_crl_check(f->p, s, f->rsa_leaf2, 0, NULL), ZC_OK);
    assert_int_equal(zc_crl_check(f->p, s, f->ec_leaf, 0, NULL), ZC_E_CERT_REVOKED);
    assert_int_equal(zc_crl_check(f->p, s, f->sm2_leaf, 0, NULL), ZC_E_CERT_REVOKED);
    assert_int_equal(zc_crl_check(f->p, s, f->sm2_leaf2, 0, NULL), ZC_OK);

    s = zc_crl_load(f->p, empty, f->trust, &why);
    assert_non_null(s);
    assert_int_equal(zc_crl_count(s), 0);
    assert_int_equal(zc_crl_this_update(s), 0);
    assert_int_equal(zc_crl_next_update(s), 0);
    assert_int_equal(zc_crl_check(f->p, s, f->rsa_leaf2, 0, NULL), ZC_E_CERT_STATUS_UNKNOWN);
    assert_false(zc_crl_changed(f->p, s));
}

static void test_sm2(void **state)
{
    zc_crl_fix_t *f = *state;
    const char *dir = zc_tp_tmpdir(f->p), *path;
    X509_CRL *c = zc_crl_make(f, f->sm2_ca, f->sm2_key, &f->sm2_leaf, 1);
    zc_tp_crl_spec_t noid = { .issuer = f->sm2_ca, .key = f->sm2_key, .this_update = -60, .sm2_no_id = 1 };
    zc_crlset_t *s;

    assert_int_equal(X509_CRL_get_signature_nid(c), NID_SM2_with_SM3);
    s = zc_crl_must_load(f, zc_crl_write_pem(f, dir, "sm2.pem", &c, 1));
    assert_int_equal(zc_crl_check(f->p, s, f->sm2_leaf, 0, NULL), ZC_E_CERT_REVOKED);
    assert_int_equal(zc_crl_check(f->p, s, f->sm2_leaf2, 0, NULL), ZC_OK);

    path = zc_crl_write_der(f, dir, "other.der", zc_crl_make(f, f->sm2_ca, f->other_sm2, NULL, 0));
    zc_crl_must_fail(f, path, "other.der", "signature");
    path = zc_crl_write_der(f, dir, "noid.der", zc_tp_crl(f->p, &noid));
    zc_crl_must_fail(f, path, "noid.der", "signature");
}

static void zc_crl_touch(const char *path, long delta)
{
    struct timeval tv[2];

    gettimeofday(&tv[0], NULL);
    tv[0].tv_sec += delta;
    tv[1] = tv[0];
    assert_int_equal(utimes(path, tv), 0);
}

static void test_changed(void **state)
{
    zc_crl_fix_t *f = *state;
    const char *dir = zc_tp_tmpdir(f->p), *file;
    X509_CRL *c = zc_crl_make(f, f->rsa_ca, f->rsa_key, &f->rsa_leaf, 1);
    X509_CRL *e = zc_crl_make(f, f->ec_ca, f->ec_key, NULL, 0);
    zc_crlset_t *s;

    /* a single file */
    file = zc_crl_write_pem(f, dir, "rsa.pem", &c, 1);
    s = zc_crl_must_load(f, file);
    assert_false(zc_crl_changed(f->p, s));
    zc_crl_write_pem(f, dir, "rsa.pem", &c, 1);   /* same bytes, new mtime */
    zc_crl_touch(file, 10);
    assert_true(zc_crl_changed(f->p, s));
    s = zc_crl_must_load(f, file);
    assert_false(zc_crl_changed(f->p, s));
    unlink(file);
    assert_true(zc_crl_changed(f->p, s));

    /* a directory */
    zc_crl_write_pem(f, dir, "rsa.pem", &c, 1);
    s = zc_crl_must_load(f, dir);
    assert_false(zc_crl_changed(f->p, s));
    zc_crl_write_der(f, dir, "ec.crl", e);
    assert_true(zc_crl_changed(f->p, s));
    s = zc_crl_must_load(f, dir);
    assert_int_equal(zc_crl_count(s), 2);
    assert_false(zc_crl_changed(f->p, s));
    zc_tp_write(f->p, dir, ".swap", "x", 1);      /* hidden files do not count */
    assert_false(zc_crl_changed(f->p, s));
    zc_crl_touch(apr_pstrcat(f->p, dir, "/ec.crl", NULL), 20);
    assert_true(zc_crl_changed(f->p, s));
    s = zc_crl_must_load(f, dir);
    unlink(apr_pstrcat(f->p, dir, "/ec.crl", NULL));
    assert_true(zc_crl_changed(f->p, s));
    assert_true(zc_crl_changed(f->p, NULL));
}

/* ---- partitions and delta CRLs ---------------------------------------------- */

#define ZC_P1 "http://crl.example.cn/p1.crl"
#define ZC_P2 "http://crl.example.cn/p2.crl"

/* A leaf of the RSA CA with a CRLDistributionPoints URI (NULL: none). */
static X509 *zc_crl_leaf_dp(zc_crl_fix_t *f, const char *cn, const char *uri)
{
    zc_tp_spec_t s = { .cn = cn, .org = "ZCYCA Test", .key = f->leaf_key, .issuer = f->rsa_ca,
                       .issuer_key = f->rsa_key, .ca = 0, .not_before = -ZC_TP_DAY,
                       .key_usage = "critical,digitalSignature", .ext_key_usage = "clientAuth",
                       .crldp = uri ? apr_pstrcat(f->p, "URI:", uri, NULL) : NULL };
    return zc_tp_cert(f->p, &s);
}

static zc_crlset_t *zc_crl_load_specs(zc_crl_fix_t *f, const zc_tp_crl_spec_t *specs, int n)
{
    const char *dir = zc_tp_tmpdir(f->p);

    for (int i = 0; i < n; i++) {
        X509_CRL *c = zc_tp_crl(f->p, &specs[i]);
        zc_crl_write_der(f, dir, apr_psprintf(f->p, "c%d.crl", i), c);
    }
    return zc_crl_must_load(f, dir);
}

/* Two partitions of one CA: a serial listed only in the older one is
 * revoked, whichever file is newer. */
static void test_partitions(void **state)
{
    zc_crl_fix_t *f = *state;
    X509 *p1_rev = zc_crl_leaf_dp(f, "p1-revoked", ZC_P1), *p1_ok = zc_crl_leaf_dp(f, "p1-good", ZC_P1);
    X509 *p2_ok = zc_crl_leaf_dp(f, "p2-good", ZC_P2), *no_dp = zc_crl_leaf_dp(f, "no-crldp", NULL);
    zc_tp_crl_spec_t spec[4] = {
        { .issuer = f->rsa_ca, .key = f->rsa_key, .this_update = -7200, .idp = "fullname:URI:" ZC_P1,
          .revoked = &p1_rev, .n_revoked = 1 },
        { .issuer = f->rsa_ca, .key = f->rsa_key, .this_update = -60, .idp = "fullname:URI:" ZC_P2 },
        /* a complete CRL (no IDP), older than both */
        { .issuer = f->rsa_ca, .key = f->rsa_key, .this_update = -3 * 3600 },
        /* a newer list of partition 1 that no longer names the serial */
        { .issuer = f->rsa_ca, .key = f->rsa_key, .this_update = -30, .idp = "fullname:URI:" ZC_P1 },
    };
    const char *detail = NULL;
    zc_crlset_t *s = zc_crl_load_specs(f, spec, 2);

    assert_int_equal(zc_crl_count(s), 2);
    assert_int_equal(zc_crl_check(f->p, s, p1_rev, 0, &detail), ZC_E_CERT_REVOKED);
    assert_non_null(strstr(detail, ZC_P1));
    assert_int_equal(zc_crl_check(f->p, s, p1_ok, 0, NULL), ZC_OK);
    assert_int_equal(zc_crl_check(f->p, s, p2_ok, 0, &detail), ZC_OK);
    assert_non_null(strstr(detail, ZC_P2));
    /* in no partition: unknown, not good */
    assert_int_equal(zc_crl_check(f->p, s, no_dp, 0, &detail), ZC_E_CERT_STATUS_UNKNOWN);
    assert_non_null(strstr(detail, "other partitions"));

    /* with a complete CRL too: it covers the certificate without CRLDP, and
     * the newer partition still decides for the others */
    s = zc_crl_load_specs(f, spec, 3);
    assert_int_equal(zc_crl_check(f->p, s, no_dp, 0, NULL), ZC_OK);
    assert_int_equal(zc_crl_check(f->p, s, p1_rev, 0, NULL), ZC_E_CERT_REVOKED);

    /* the newest list of a partition wins within it */
    s = zc_crl_load_specs(f, spec, 4);
    assert_int_equal(zc_crl_check(f->p, s, p1_rev, 0, NULL), ZC_OK);
}

/* An ARL (onlyContainsCACerts) speaks for CA certificates, a user-only
 * CRL for the others. */
static void test_partition_kinds(void **state)
{
    zc_crl_fix_t *f = *state;
    X509 *sub = zc_tp_ca(f->p, "CRL Test Sub CA", zc_tp_key(f->p, ZC_TP_EC), f->rsa_ca, f->rsa_key);
    zc_tp_crl_spec_t spec[2] = {
        { .issuer = f->rsa_ca, .key = f->rsa_key, .this_update = -7200, .idp = "onlyCA:TRUE",
          .revoked = &sub, .n_revoked = 1 },
        { .issuer = f->rsa_ca, .key = f->rsa_key, .this_update = -60, .idp = "onlyuser:TRUE",
          .revoked = &f->rsa_leaf, .n_revoked = 1 },
    };
    zc_crlset_t *s = zc_crl_load_specs(f, spec, 2);

    assert_int_equal(zc_crl_check(f->p, s, sub, 0, NULL), ZC_E_CERT_REVOKED);
    assert_int_equal(zc_crl_check(f->p, s, f->rsa_leaf, 0, NULL), ZC_E_CERT_REVOKED);
    assert_int_equal(zc_crl_check(f->p, s, f->rsa_leaf2, 0, NULL), ZC_OK);
    /* the ARL alone says nothing about user certificates */
    s = zc_crl_load_specs(f, spec, 1);
    assert_int_equal(zc_crl_check(f->p, s, f->rsa_leaf2, 0, NULL), ZC_E_CERT_STATUS_UNKNOWN);
}

/* A base CRL and its delta: together they are the list. */
static void test_delta(void **state)
{
    zc_crl_fix_t *f = *state;
    X509 *third = zc_crl_leaf_dp(f, "third", NULL);
    zc_tp_crl_spec_t base = { .issuer = f->rsa_ca, .key = f->rsa_key, .this_update = -2 * 3600, .number = 10,
                              .revoked = &f->rsa_leaf, .n_revoked = 1 };
    zc_tp_crl_spec_t delta = { .issuer = f->rsa_ca, .key = f->rsa_key, .this_update = -60, .number = 11,
                               .delta = 1, .delta_base = 10, .revoked = &f->rsa_leaf2, .n_revoked = 1 };
    zc_tp_crl_spec_t spec[2] = { base, delta };
    const char *detail = NULL;
    zc_crlset_t *s = zc_crl_load_specs(f, spec, 2);

    assert_int_equal(zc_crl_check(f->p, s, f->rsa_leaf, 0, &detail), ZC_E_CERT_REVOKED);   /* in the base only */
    assert_non_null(strstr(detail, "c0.crl"));
    assert_int_equal(zc_crl_check(f->p, s, f->rsa_leaf2, 0, &detail), ZC_E_CERT_REVOKED);  /* in the delta */
    assert_non_null(strstr(detail, "delta"));
    assert_int_equal(zc_crl_check(f->p, s, third, 0, &detail), ZC_OK);
    assert_non_null(strstr(detail, "c1.crl"));

    /* a delta alone is not a complete list */
    s = zc_crl_load_specs(f, &delta, 1);
    assert_int_equal(zc_crl_check(f->p, s, third, 0, NULL), ZC_E_CERT_STATUS_UNKNOWN);

    /* a delta on another base (12), or older than the base (9 on 8), is not applied */
    spec[1].delta_base = 12;
    spec[1].number = 13;
    s = zc_crl_load_specs(f, spec, 2);
    assert_int_equal(zc_crl_check(f->p, s, f->rsa_leaf2, 0, NULL), ZC_OK);
    spec[1].delta_base = 8;
    spec[1].number = 9;
    s = zc_crl_load_specs(f, spec, 2);
    assert_int_equal(zc_crl_check(f->p, s, f->rsa_leaf2, 0, NULL), ZC_OK);
    assert_int_equal(zc_crl_check(f->p, s, f->rsa_leaf, 0, NULL), ZC_E_CERT_REVOKED);

    /* removeFromCRL in the delta takes the entry of the base back */
    spec[1] = delta;
    spec[1].revoked = &f->rsa_leaf;
    spec[1].reason = CRL_REASON_REMOVE_FROM_CRL + 1;
    s = zc_crl_load_specs(f, spec, 2);
    assert_int_equal(zc_crl_check(f->p, s, f->rsa_leaf, 0, NULL), ZC_OK);

    /* a stale base is complete again with a current delta; not without */
    spec[0].this_update = -2 * ZC_TP_DAY;
    spec[0].next_update = -ZC_TP_DAY;
    spec[1] = delta;
    s = zc_crl_load_specs(f, spec, 2);
    assert_int_equal(zc_crl_check(f->p, s, third, 0, NULL), ZC_OK);
    spec[1].next_update = -30;
    spec[1].this_update = -3600;
    s = zc_crl_load_specs(f, spec, 2);
    assert_int_equal(zc_crl_check(f->p, s, third, 0, &detail), ZC_E_CERT_STATUS_UNKNOWN);
    assert_non_null(strstr(detail, "stale"));
    assert_int_equal(zc_crl_check(f->p, s, f->rsa_leaf2, 0, NULL), ZC_E_CERT_REVOKED);   /* listed: still revoked */

    /* a delta applies to the base of its own partition only */
    X509 *p1_two = zc_crl_leaf_dp(f, "p1-two", ZC_P1);
    spec[0] = base;
    spec[0].idp = "fullname:URI:" ZC_P1;
    spec[1] = delta;
    spec[1].revoked = &p1_two;
    s = zc_crl_load_specs(f, spec, 2);
    assert_int_equal(zc_crl_check(f->p, s, p1_two, 0, NULL), ZC_OK);
    spec[1].idp = "fullname:URI:" ZC_P1;
    s = zc_crl_load_specs(f, spec, 2);
    assert_int_equal(zc_crl_check(f->p, s, p1_two, 0, NULL), ZC_E_CERT_REVOKED);
}

/* Scopes that cannot be used make the load fail with the file and why. */
static void test_scope_refused(void **state)
{
    zc_crl_fix_t *f = *state;
    const char *dir = zc_tp_tmpdir(f->p);
    zc_tp_crl_spec_t indirect = { .issuer = f->rsa_ca, .key = f->rsa_key, .this_update = -60,
                                  .idp = "fullname:URI:" ZC_P1 ",indirectCRL:TRUE" };
    zc_tp_crl_spec_t reasons = { .issuer = f->rsa_ca, .key = f->rsa_key, .this_update = -60,
                                 .idp = "onlysomereasons:keyCompromise" };
    zc_tp_crl_spec_t kinds = { .issuer = f->rsa_ca, .key = f->rsa_key, .this_update = -60,
                               .idp = "onlyuser:TRUE,onlyCA:TRUE" };
    zc_tp_crl_spec_t nonumber = { .issuer = f->rsa_ca, .key = f->rsa_key, .this_update = -60, .delta = 1,
                                  .delta_base = 5 };

    zc_crl_must_fail(f, zc_crl_write_der(f, dir, "indirect.crl", zc_tp_crl(f->p, &indirect)), "indirect.crl",
                     "indirect CRL");
    zc_crl_must_fail(f, zc_crl_write_der(f, dir, "reasons.crl", zc_tp_crl(f->p, &reasons)), "reasons.crl",
                     "onlySomeReasons");
    zc_crl_must_fail(f, zc_crl_write_der(f, dir, "kinds.crl", zc_tp_crl(f->p, &kinds)), "kinds.crl",
                     "more than one kind");
    zc_crl_must_fail(f, zc_crl_write_der(f, dir, "nonumber.crl", zc_tp_crl(f->p, &nonumber)), "nonumber.crl",
                     "cRLNumber");
}

/* ---- concurrency ---------------------------------------------------------- */

#define ZC_CRL_THREADS 8
#define ZC_CRL_ROUNDS 300

typedef struct {
    const zc_crlset_t *s;
    X509 *certs[4];
    zc_err_t want[4];
    int wrong;
} zc_crl_job_t;

static void *zc_crl_worker(void *arg)
{
    zc_crl_job_t *j = arg;
    apr_allocator_t *a;
    apr_pool_t *p;

    /* an allocator of its own: the global one is shared without a lock */
    if (apr_allocator_create(&a) != APR_SUCCESS || apr_pool_create_ex(&p, NULL, NULL, a) != APR_SUCCESS) {
        j->wrong = -1;
        return NULL;
    }
    apr_allocator_owner_set(a, p);
    for (int r = 0; r < ZC_CRL_ROUNDS; r++) {
        for (int i = 0; i < 4; i++) {
            const char *detail;
            if (zc_crl_check(p, j->s, j->certs[i], 0, &detail) != j->want[i])
                j->wrong++;
        }
        apr_pool_clear(p);
    }
    apr_pool_destroy(p);
    return NULL;
}

static void test_threads(void **state)
{
    zc_crl_fix_t *f = *state;
    const char *dir = zc_tp_tmpdir(f->p);
    X509 *many[2] = { f->rsa_leaf, f->sm2_leaf };
    X509_CRL *c[2] = { zc_crl_make(f, f->rsa_ca, f->rsa_key, many, 1),
                       zc_crl_make(f, f->sm2_ca, f->sm2_key, many + 1, 1) };
    zc_crlset_t *s = zc_crl_must_load(f, zc_crl_write_pem(f, dir, "all.pem", c, 2));
    pthread_t th[ZC_CRL_THREADS];
    zc_crl_job_t jobs[ZC_CRL_THREADS];

    for (int i = 0; i < ZC_CRL_THREADS; i++) {
        jobs[i] = (zc_crl_job_t){ .s = s,
                                  .certs = { f->rsa_leaf, f->rsa_leaf2, f->sm2_leaf, f->ec_leaf },
                                  .want = { ZC_E_CERT_REVOKED, ZC_OK, ZC_E_CERT_REVOKED,
                                            ZC_E_CERT_STATUS_UNKNOWN } };
        assert_int_equal(pthread_create(&th[i], NULL, zc_crl_worker, &jobs[i]), 0);
    }
    for (int i = 0; i < ZC_CRL_THREADS; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_int_equal(jobs[i].wrong, 0);
    }
}

static const struct CMUnitTest tests[] = {
    ZC_T_FIX(test_rsa_pem_revoked),
    ZC_T_FIX(test_ec_der_not_listed),
    ZC_T_FIX(test_stale_and_times),
    ZC_T_FIX(test_latest_wins),
    ZC_T_FIX(test_remove_from_crl),
    ZC_T_FIX(test_unknown_signer),
    ZC_T_FIX(test_corrupted),
    ZC_T_FIX(test_directory),
    ZC_T_FIX(test_sm2),
    ZC_T_FIX(test_changed),
    ZC_T_FIX(test_partitions),
    ZC_T_FIX(test_partition_kinds),
    ZC_T_FIX(test_delta),
    ZC_T_FIX(test_scope_refused),
    ZC_T_FIX(test_threads),
};

ZC_T_MAIN("crl", tests, zc_crl_group_setup, zc_t_group_teardown)
