/* Unit tests: trust.c (anchors, chain verification) and verify.c (the one
 * verification path: provider + certificate → identity). */
#include "unit.h"

#include <string.h>

#include <apr_strings.h>
#include <apr_thread_proc.h>

#include "testpki.h"
#include "trust.h"
#include "verify.h"

typedef struct {
    apr_pool_t *pool, *p;
    const char *dir;
    EVP_PKEY *ka_root, *ka_inter, *kb_root, *k_leaf, *k_sm2_root, *k_sm2_inter, *k_sm2_leaf;
    X509 *a_root, *a_inter, *a_leaf, *b_root, *b_leaf, *sm2_root, *sm2_inter, *sm2_leaf;
    zc_trust_t *t_a, *t_b;    /* provider A: root + intermediate; B: its root */
} zc_t_fix_t;

ZC_T_GROUP_FIXTURE(zc_t_fix_t)

static int zc_t_group_setup(void **state)
{
    zc_t_fix_t *f = zc_t_group_new();
    const char *why;
    if (f == NULL)
        return -1;
    f->dir = zc_tp_tmpdir(f->pool);
    f->ka_root = zc_tp_key(f->pool, ZC_TP_RSA);
    f->ka_inter = zc_tp_key(f->pool, ZC_TP_EC);
    f->kb_root = zc_tp_key(f->pool, ZC_TP_EC);
    f->k_leaf = zc_tp_key(f->pool, ZC_TP_EC);
    f->k_sm2_root = zc_tp_key(f->pool, ZC_TP_SM2);
    f->k_sm2_inter = zc_tp_key(f->pool, ZC_TP_SM2);
    f->k_sm2_leaf = zc_tp_key(f->pool, ZC_TP_SM2);
    f->a_root = zc_tp_ca(f->pool, "Provider A Root", f->ka_root, NULL, NULL);
    f->a_inter = zc_tp_ca(f->pool, "Provider A Sub CA", f->ka_inter, f->a_root, f->ka_root);
    f->a_leaf = zc_tp_leaf(f->pool, "张三", f->k_leaf, f->a_inter, f->ka_inter);
    f->b_root = zc_tp_ca(f->pool, "Provider B Root", f->kb_root, NULL, NULL);
    f->b_leaf = zc_tp_leaf(f->pool, "李四", f->k_leaf, f->b_root, f->kb_root);
    f->sm2_root = zc_tp_ca(f->pool, "SM2 Root", f->k_sm2_root, NULL, NULL);
    f->sm2_inter = zc_tp_ca(f->pool, "SM2 Sub CA", f->k_sm2_inter, f->sm2_root, f->k_sm2_root);
    f->sm2_leaf = zc_tp_leaf(f->pool, "王五", f->k_sm2_leaf, f->sm2_inter, f->k_sm2_inter);
    X509 *a[] = { f->a_root, f->a_inter };
    f->t_a = zc_trust_load(f->pool, zc_tp_write_pem(f->pool, f->dir, "a.pem", a, 2), &why);
    f->t_b = zc_trust_load(f->pool, zc_tp_write_pem(f->pool, f->dir, "b.pem", &f->b_root, 1), &why);
    if (!f->t_a || !f->t_b)
        return -1;
    *state = f;
    return 0;
}

/* A trust store from n certificates written to a fresh PEM file. */
static zc_trust_t *zc_t_trust(zc_t_fix_t *f, X509 *const *certs, int n)
{
    const char *why = NULL;
    const char *name = apr_psprintf(f->p, "t%pp.pem", (void *)certs);
    zc_trust_t *t = zc_trust_load(f->p, zc_tp_write_pem(f->p, zc_tp_tmpdir(f->p), name, certs, n), &why);
    assert_non_null(t);
    assert_null(why);
    return t;
}

static STACK_OF(X509) *zc_t_sk(zc_t_fix_t *f, X509 *x)
{
    STACK_OF(X509) *sk = zc_cert_stack(f->p);
    zc_cert_stack_push(sk, x);
    return sk;
}

/* x as a client sends it: DER parsed again, no SM2 ID attached yet. */
static X509 *zc_t_reparse(zc_t_fix_t *f, X509 *x)
{
    size_t len;
    unsigned char *der = zc_tp_der(f->p, x, &len);
    zc_err_t err;
    X509 *y = zc_cert_parse(f->p, (const char *)der, len, &err);
    assert_non_null(y);
    return y;
}

/* ---- trust.c ---------------------------------------------------------- */

static void zc_t_load(void **state)
{
    zc_t_fix_t *f = *state;
    const char *dir = zc_tp_tmpdir(f->p), *why = NULL;
    size_t der_len;
    unsigned char *der = zc_tp_der(f->p, f->a_inter, &der_len);
    X509 *dup[] = { f->a_root, f->a_root, f->a_inter };

    assert_int_equal(zc_trust_count(f->t_a), 2);
    assert_int_equal(zc_trust_count(f->t_b), 1);
    assert_int_equal(zc_trust_count(zc_t_trust(f, dup, 3)), 2);
    assert_int_equal(zc_trust_count(NULL), 0);
    /* A directory: PEM and DER files by extension; other names ignored. */
    zc_tp_write_pem(f->p, dir, "root.PEM", &f->a_root, 1);
    zc_tp_write(f->p, dir, "inter.cer", der, der_len);
    zc_tp_write(f->p, dir, "README.txt", "not a cert", 10);
    zc_tp_write(f->p, dir, ".hidden.pem", "garbage", 7);
    zc_tp_write_pem(f->p, dir, "leaf.pem.bak", &f->a_leaf, 1);
    zc_trust_t *t = zc_trust_load(f->p, dir, &why);
    assert_non_null(t);
    assert_int_equal(zc_trust_count(t), 2);
    assert_int_equal(zc_trust_verify(f->p, t, f->a_leaf, NULL, 0, NULL), ZC_OK);
}

static void zc_t_load_errors(void **state)
{
    zc_t_fix_t *f = *state;
    const char *dir = zc_tp_tmpdir(f->p), *why, *path;
    zc_tp_spec_t nobc = { .cn = "no basicConstraints", .key = f->k_leaf, .issuer = f->a_root,
                          .issuer_key = f->ka_root, .ca = -1, .not_before = -ZC_TP_DAY };
    X509 *with_leaf[] = { f->a_root, f->a_leaf };
    X509 *no_bc = zc_tp_cert(f->p, &nobc);
    const char *key_pem = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    const struct { const char *path, *needle; } cases[] = {
        { zc_tp_write_pem(f->p, dir, "leaf.pem", with_leaf, 2), "not a CA" },
        { zc_tp_write_pem(f->p, dir, "nobc.pem", &no_bc, 1), "not a CA" },
        { zc_tp_write(f->p, dir, "empty.pem", "", 0), "empty" },
        { zc_tp_write(f->p, dir, "text.pem", "hello", 5), "neither PEM nor" },
        { zc_tp_write(f->p, dir, "key.pem", key_pem, strlen(key_pem)), "no CERTIFICATE" },
        { zc_tp_write(f->p, dir, "cut.pem", zc_tp_pem(f->p, f->a_root), 200), "END" },
        { apr_pstrcat(f->p, dir, "/missing.pem", NULL), "missing.pem" },
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        why = NULL;
        assert_null(zc_trust_load(f->p, cases[i].path, &why));
        assert_non_null(why);
        assert_non_null(strstr(why, cases[i].needle));
    }
    why = NULL;
    assert_null(zc_trust_load(f->p, cases[0].path, &why));
    assert_non_null(strstr(why, "leaf.pem"));                 /* names the file */
    assert_non_null(strstr(why, "张三"));                     /* and the certificate */
    assert_null(zc_trust_load(f->p, "", &why));
    assert_null(zc_trust_load(f->p, NULL, &why));
    /* Directories: nothing usable, or one bad file spoils it. */
    const char *empty = zc_tp_tmpdir(f->p);
    zc_tp_write(f->p, empty, "notes.txt", "x", 1);
    assert_null(zc_trust_load(f->p, empty, &why));
    assert_non_null(strstr(why, "no *.pem"));
    path = zc_tp_tmpdir(f->p);
    zc_tp_write_pem(f->p, path, "a.pem", &f->a_root, 1);
    zc_tp_write_pem(f->p, path, "b.crt", &f->a_leaf, 1);
    assert_null(zc_trust_load(f->p, path, &why));
    assert_non_null(strstr(why, "b.crt"));
}

static void zc_t_paths(void **state)
{
    zc_t_fix_t *f = *state;
    const char *d = NULL;
    X509 *inter_only[] = { f->a_inter }, *root_only[] = { f->a_root };
    zc_trust_t *t_inter = zc_t_trust(f, inter_only, 1), *t_root = zc_t_trust(f, root_only, 1);
    zc_tp_spec_t forged = { .cn = "forged", .key = f->k_leaf, .issuer = f->a_inter, .issuer_key = f->kb_root,
                            .ca = 0, .not_before = -ZC_TP_DAY };
    zc_tp_spec_t self = { .cn = "self", .key = f->k_leaf, .ca = 0, .not_before = -ZC_TP_DAY };

    assert_int_equal(zc_trust_verify(f->p, f->t_a, f->a_leaf, NULL, 0, &d), ZC_OK);
    assert_null(d);
    /* intermediate listed as anchor, root absent (partial chain) */
    assert_int_equal(zc_trust_verify(f->p, t_inter, f->a_leaf, NULL, 0, &d), ZC_OK);
    /* only the root listed; intermediate sent by the client */
    assert_int_equal(zc_trust_verify(f->p, t_root, f->a_leaf, zc_t_sk(f, f->a_inter), 0, &d), ZC_OK);
    assert_int_equal(zc_trust_verify(f->p, t_root, f->a_leaf, NULL, 0, &d), ZC_E_CERT_UNTRUSTED);
    assert_non_null(d);
    /* other provider's root, self-signed leaf, forged signature */
    assert_int_equal(zc_trust_verify(f->p, f->t_b, f->a_leaf, NULL, 0, &d), ZC_E_CERT_UNTRUSTED);
    assert_int_equal(zc_trust_verify(f->p, f->t_a, f->b_leaf, zc_t_sk(f, f->b_root), 0, &d), ZC_E_CERT_UNTRUSTED);
    assert_int_equal(zc_trust_verify(f->p, f->t_a, zc_tp_cert(f->p, &self), NULL, 0, &d), ZC_E_CERT_UNTRUSTED);
    assert_int_equal(zc_trust_verify(f->p, f->t_a, zc_tp_cert(f->p, &forged), NULL, 0, &d), ZC_E_CERT_UNTRUSTED);
    assert_non_null(strstr(d, "signature"));
    /* an anchor presented as the login certificate */
    assert_int_equal(zc_trust_verify(f->p, t_inter, f->a_inter, NULL, 0, &d), ZC_E_CERT_UNTRUSTED);
    assert_non_null(strstr(d, "CA certificate"));
    assert_int_equal(zc_trust_verify(f->p, f->t_a, f->a_inter, NULL, 0, &d), ZC_E_CERT_UNTRUSTED);
    assert_int_equal(zc_trust_verify(f->p, f->t_a, NULL, NULL, 0, &d), ZC_E_CERT_UNTRUSTED);
    assert_int_equal(zc_trust_verify(f->p, NULL, f->a_leaf, NULL, 0, &d), ZC_E_CERT_UNTRUSTED);
}

static X509 *zc_t_dated(zc_t_fix_t *f, long nb, long na)
{
    zc_tp_spec_t s = { .cn = "dated", .key = f->k_leaf, .issuer = f->a_inter, .issuer_key = f->ka_inter,
                       .ca = 0, .not_before = nb, .not_after = na, .key_usage = "digitalSignature" };
    return zc_tp_cert(f->p, &s);
}

static void zc_t_times(void **state)
{
    zc_t_fix_t *f = *state;
    const char *d = NULL;
    apr_time_t now = apr_time_now(), day = apr_time_from_sec(ZC_TP_DAY);
    X509 *expired = zc_t_dated(f, -30 * ZC_TP_DAY, -ZC_TP_DAY);
    X509 *future = zc_t_dated(f, ZC_TP_DAY, 30 * ZC_TP_DAY);

    assert_int_equal(zc_trust_verify(f->p, f->t_a, expired, NULL, 0, &d), ZC_E_CERT_EXPIRED);
    assert_non_null(strstr(d, "expired"));
    assert_int_equal(zc_trust_verify(f->p, f->t_a, future, NULL, 0, &d), ZC_E_CERT_NOT_YET_VALID);
    /* the time given by the caller */
    assert_int_equal(zc_trust_verify(f->p, f->t_a, f->a_leaf, NULL, now, &d), ZC_OK);
    assert_int_equal(zc_trust_verify(f->p, f->t_a, f->a_leaf, NULL, now + 400 * day, &d), ZC_E_CERT_EXPIRED);
    assert_int_equal(zc_trust_verify(f->p, f->t_a, f->a_leaf, NULL, now - 2 * day, &d), ZC_E_CERT_NOT_YET_VALID);
    assert_int_equal(zc_trust_verify(f->p, f->t_a, expired, NULL, now - 10 * day, &d), ZC_OK);
    assert_int_equal(zc_trust_verify(f->p, f->t_a, future, NULL, now + 10 * day, &d), ZC_OK);
    /* an expired intermediate sent by the client, root trusted */
    zc_tp_spec_t old = { .cn = "Provider A Sub CA", .org = "ZCYCA Test", .key = f->ka_inter, .issuer = f->a_root, .issuer_key = f->ka_root,
                         .ca = 1, .not_before = -300 * ZC_TP_DAY, .not_after = -ZC_TP_DAY,
                         .key_usage = "keyCertSign" };
    X509 *root_only[] = { f->a_root };
    assert_int_equal(zc_trust_verify(f->p, zc_t_trust(f, root_only, 1), f->a_leaf,
                                     zc_t_sk(f, zc_tp_cert(f->p, &old)), 0, &d), ZC_E_CERT_EXPIRED);
    /* zc_trust_issues ignores time but not the issuer */
    assert_true(zc_trust_issues(f->p, f->t_a, expired, NULL));
    assert_true(zc_trust_issues(f->p, f->t_a, future, NULL));
    assert_true(zc_trust_issues(f->p, f->t_a, f->a_leaf, NULL));
    assert_false(zc_trust_issues(f->p, f->t_b, f->a_leaf, NULL));
    assert_false(zc_trust_issues(f->p, f->t_a, f->a_inter, NULL));   /* an anchor itself */
    assert_false(zc_trust_issues(f->p, NULL, f->a_leaf, NULL));
}

static void zc_t_sm2_chain(void **state)
{
    zc_t_fix_t *f = *state;
    const char *d = NULL, *dir = zc_tp_tmpdir(f->p), *why;
    size_t der_len;
    unsigned char *der = zc_tp_der(f->p, f->sm2_root, &der_len);
    zc_trust_t *t_root = zc_trust_load(f->p, zc_tp_write(f->p, dir, "sm2root.cer", der, der_len), &why);
    X509 *inter_only[] = { f->sm2_inter };
    X509 *direct = zc_tp_leaf(f->p, "direct", f->k_sm2_leaf, f->sm2_root, f->k_sm2_root);
    zc_tp_spec_t noid = { .cn = "no id", .key = f->k_sm2_leaf, .issuer = f->sm2_root, .issuer_key = f->k_sm2_root,
                          .ca = 0, .not_before = -ZC_TP_DAY, .sm2_no_id = 1 };

    assert_non_null(t_root);
    /* Certificates as a client sends them: parsed from DER, no ID yet. */
    X509 *leaf = zc_t_reparse(f, f->sm2_leaf), *inter = zc_t_reparse(f, f->sm2_inter);
    X509 *dleaf = zc_t_reparse(f, direct);
    assert_int_equal(zc_trust_verify(f->p, t_root, dleaf, NULL, 0, &d), ZC_OK);
    assert_int_equal(zc_trust_verify(f->p, t_root, leaf, zc_t_sk(f, inter), 0, &d), ZC_OK);
    assert_int_equal(zc_trust_verify(f->p, zc_t_trust(f, inter_only, 1), leaf, NULL, 0, &d), ZC_OK);
    assert_true(zc_trust_issues(f->p, t_root, leaf, zc_t_sk(f, inter)));
    /* Signed with OpenSSL's empty default ID: the GM/T ID does not match. */
    assert_int_equal(zc_trust_verify(f->p, t_root, zc_tp_cert(f->p, &noid), NULL, 0, &d), ZC_E_CERT_UNTRUSTED);
    assert_int_equal(zc_trust_verify(f->p, f->t_a, leaf, zc_t_sk(f, inter), 0, &d), ZC_E_CERT_UNTRUSTED);
}

/* The verified chain, which revocation is checked on: up through the
 * provider's anchors, and never a look-alike CA the client sends. */
static void zc_t_chain(void **state)
{
    zc_t_fix_t *f = *state;
    STACK_OF(X509) *c = NULL, *sent = zc_cert_stack(f->p);
    const char *d = NULL;
    X509 *inter_only[] = { f->a_inter }, *root_only[] = { f->a_root }, *sm2_root_only[] = { f->sm2_root };
    X509 *lookalike = zc_tp_ca(f->p, "Provider A Sub CA", zc_tp_key(f->p, ZC_TP_EC), NULL, NULL);
    zc_provider_t a = { .id = "a", .trust = f->t_a, .keyid_mode = ZC_KEYID_SPKI_SHA256 };
    zc_identity_t id;

    /* intermediate + root trusted: OpenSSL's partial chain ends at the
     * intermediate, ours goes on to the root */
    assert_int_equal(zc_trust_verify_chain(f->p, f->t_a, f->a_leaf, NULL, 0, &c, &d), ZC_OK);
    assert_int_equal(sk_X509_num(c), 3);
    assert_int_equal(X509_cmp(sk_X509_value(c, 0), f->a_leaf), 0);
    assert_int_equal(X509_cmp(sk_X509_value(c, 1), f->a_inter), 0);
    assert_int_equal(X509_cmp(sk_X509_value(c, 2), f->a_root), 0);
    /* the intermediate pinned alone is the top */
    assert_int_equal(zc_trust_verify_chain(f->p, zc_t_trust(f, inter_only, 1), f->a_leaf, NULL, 0, &c, &d), ZC_OK);
    assert_int_equal(sk_X509_num(c), 2);
    assert_int_equal(X509_cmp(sk_X509_value(c, 1), f->a_inter), 0);
    /* root trusted, the client sends a look-alike of the intermediate (same
     * subject, its own key) before the real one */
    assert_int_equal(X509_NAME_cmp(X509_get_subject_name(lookalike), X509_get_subject_name(f->a_inter)), 0);
    zc_cert_stack_push(sent, lookalike);
    zc_cert_stack_push(sent, f->a_inter);
    assert_int_equal(zc_trust_verify_chain(f->p, zc_t_trust(f, root_only, 1), f->a_leaf, sent, 0, &c, &d), ZC_OK);
    assert_int_equal(sk_X509_num(c), 3);
    assert_int_equal(X509_cmp(sk_X509_value(c, 1), f->a_inter), 0);
    assert_int_equal(X509_cmp(sk_X509_value(c, 2), f->a_root), 0);
    /* SM2, intermediate from the client */
    X509 *leaf = zc_t_reparse(f, f->sm2_leaf), *inter = zc_t_reparse(f, f->sm2_inter);
    assert_int_equal(zc_trust_verify_chain(f->p, zc_t_trust(f, sm2_root_only, 1), leaf, zc_t_sk(f, inter), 0, &c, &d),
                     ZC_OK);
    assert_int_equal(sk_X509_num(c), 3);
    assert_int_equal(X509_cmp(sk_X509_value(c, 2), f->sm2_root), 0);
    /* no chain on failure */
    assert_int_equal(zc_trust_verify_chain(f->p, f->t_b, f->a_leaf, NULL, 0, &c, &d), ZC_E_CERT_UNTRUSTED);
    assert_null(c);
    /* zc_verify_certificate hands the chain on */
    assert_int_equal(zc_verify_certificate(f->p, &a, NULL, 0, f->a_leaf, NULL, 0, &id, &d), ZC_OK);
    assert_non_null(id.chain);
    assert_int_equal(sk_X509_num(id.chain), 3);
}

/* Many threads verify against one store at once. */
typedef struct {
    zc_t_fix_t *f;
    const unsigned char *der;
    size_t der_len;
    int failures;
} zc_t_job_t;

static void *APR_THREAD_FUNC zc_t_worker(apr_thread_t *th, void *data)
{
    zc_t_job_t *job = data;
    apr_pool_t *p;
    zc_err_t err;

    apr_pool_create_unmanaged_ex(&p, NULL, NULL);
    for (int i = 0; i < 20; i++) {
        apr_pool_t *r;
        apr_pool_create(&r, p);
        X509 *leaf = zc_cert_parse(r, (const char *)job->der, job->der_len, &err);
        if (!leaf || zc_trust_verify(r, job->f->t_a, leaf, NULL, 0, NULL) != ZC_OK ||
            zc_trust_verify(r, job->f->t_b, leaf, NULL, 0, NULL) != ZC_E_CERT_UNTRUSTED)
            job->failures++;
        apr_pool_destroy(r);
    }
    apr_pool_destroy(p);
    return NULL;   /* not apr_thread_exit: pthread_exit upsets ASan */
}

static void zc_t_threads(void **state)
{
    zc_t_fix_t *f = *state;
    apr_thread_t *th[8];
    zc_t_job_t jobs[8];
    size_t der_len;
    unsigned char *der = zc_tp_der(f->p, f->a_leaf, &der_len);
    apr_status_t rv;

    for (int i = 0; i < 8; i++) {
        jobs[i] = (zc_t_job_t){ f, der, der_len, 0 };
        assert_int_equal(apr_thread_create(&th[i], NULL, zc_t_worker, &jobs[i], f->p), APR_SUCCESS);
    }
    for (int i = 0; i < 8; i++) {
        apr_thread_join(&rv, th[i]);
        assert_int_equal(jobs[i].failures, 0);
    }
}

/* ---- verify.c ---------------------------------------------------------- */

static void zc_t_verify(void **state)
{
    zc_t_fix_t *f = *state;
    zc_provider_t a = { .id = "a", .name = "A CA", .trust = f->t_a, .keyid_mode = ZC_KEYID_SPKI_SHA256 };
    zc_provider_t b = { .id = "b", .name = "B CA", .trust = f->t_b, .keyid_mode = ZC_KEYID_CERT_SHA256 };
    const zc_provider_t *all[] = { &a, &b };
    zc_identity_t id;
    zc_cert_info_t info;
    const char *d = NULL;

    assert_int_equal(zc_verify_certificate(f->p, &a, all, 2, f->a_leaf, NULL, 0, &id, &d), ZC_OK);
    assert_ptr_equal(id.provider, &a);
    assert_int_equal(zc_cert_info(f->p, f->a_leaf, &info), ZC_OK);
    assert_string_equal(id.key_id, info.spki_sha256);
    assert_string_equal(id.cert.subject, "CN=张三,O=ZCYCA Test");
    assert_string_equal(id.cert.serial, info.serial);
    /* B's key-id mode; the same key under B gets a different id */
    assert_int_equal(zc_verify_certificate(f->p, &b, all, 2, f->b_leaf, NULL, 0, &id, &d), ZC_OK);
    assert_int_equal(zc_cert_info(f->p, f->b_leaf, &info), ZC_OK);
    assert_string_equal(id.key_id, info.cert_sha256);
    assert_ptr_equal(id.provider, &b);
    /* also works with no list of other providers */
    assert_int_equal(zc_verify_certificate(f->p, &a, NULL, 0, f->a_leaf, NULL, 0, &id, NULL), ZC_OK);
}

static void zc_t_verify_errors(void **state)
{
    zc_t_fix_t *f = *state;
    zc_provider_t a = { .id = "a", .name = "A CA", .trust = f->t_a };
    zc_provider_t b = { .id = "b", .name = "B CA", .trust = f->t_b };
    zc_provider_t a_twin = { .id = "a", .name = "A again", .trust = f->t_b };
    zc_provider_t none = { .id = "n", .name = "no trust" };
    zc_provider_t ext = { .id = "e", .trust = f->t_a, .keyid_mode = ZC_KEYID_EXT, .keyid_oid = "1.2.3.4" };
    const zc_provider_t *all[] = { &a, &b, &none, NULL }, *only_b[] = { &b }, *twin[] = { &a, &a_twin };
    X509 *expired = zc_t_dated(f, -30 * ZC_TP_DAY, -ZC_TP_DAY);
    zc_tp_spec_t enc = { .cn = "enc", .key = f->k_leaf, .issuer = f->a_inter, .issuer_key = f->ka_inter,
                         .ca = 0, .not_before = -ZC_TP_DAY, .key_usage = "keyEncipherment" };
    X509 *enc_only = zc_tp_cert(f->p, &enc);
    enc.key_usage = "digitalSignature";
    enc.ext_key_usage = "serverAuth";
    X509 *server = zc_tp_cert(f->p, &enc);
    X509 *c_root = zc_tp_ca(f->p, "Unknown Root", f->k_leaf, NULL, NULL);
    X509 *c_leaf = zc_tp_leaf(f->p, "stranger", f->k_leaf, c_root, f->k_leaf);
    zc_identity_t id;
    const char *d = NULL;

    /* provider A's certificate with B chosen */
    assert_int_equal(zc_verify_certificate(f->p, &b, all, 4, f->a_leaf, NULL, 0, &id, &d), ZC_E_PROVIDER_MISMATCH);
    assert_non_null(strstr(d, "provider a"));
    assert_null(id.provider);
    assert_int_equal(zc_verify_certificate(f->p, &b, all, 4, expired, NULL, 0, &id, &d), ZC_E_PROVIDER_MISMATCH);
    assert_int_equal(zc_verify_certificate(f->p, &b, only_b, 1, f->a_leaf, NULL, 0, &id, &d), ZC_E_CERT_UNTRUSTED);
    assert_int_equal(zc_verify_certificate(f->p, &b, NULL, 0, f->a_leaf, NULL, 0, &id, &d), ZC_E_CERT_UNTRUSTED);
    /* chosen itself is skipped, also when listed under its id as another entry */
    assert_int_equal(zc_verify_certificate(f->p, &a_twin, twin, 2, f->a_leaf, NULL, 0, &id, &d), ZC_E_CERT_UNTRUSTED);
    /* nobody issues it */
    assert_int_equal(zc_verify_certificate(f->p, &a, all, 4, c_leaf, NULL, 0, &id, &d), ZC_E_CERT_UNTRUSTED);
    /* validity and usage under the right provider */
    assert_int_equal(zc_verify_certificate(f->p, &a, all, 4, expired, NULL, 0, &id, &d), ZC_E_CERT_EXPIRED);
    assert_int_equal(zc_verify_certificate(f->p, &a, all, 4, enc_only, NULL, 0, &id, &d), ZC_E_CERT_USAGE);
    assert_int_equal(zc_verify_certificate(f->p, &a, all, 4, server, NULL, 0, &id, &d), ZC_E_CERT_USAGE);
    assert_null(id.key_id);
    /* configuration and input errors */
    assert_int_equal(zc_verify_certificate(f->p, &a, all, 4, NULL, NULL, 0, &id, &d), ZC_E_NO_CERTIFICATE);
    assert_int_equal(zc_verify_certificate(f->p, NULL, all, 4, f->a_leaf, NULL, 0, &id, &d), ZC_E_PROVIDER_UNKNOWN);
    assert_int_equal(zc_verify_certificate(f->p, &none, all, 4, f->a_leaf, NULL, 0, &id, &d), ZC_E_CERT_UNTRUSTED);
    assert_int_equal(zc_verify_certificate(f->p, &ext, all, 4, f->a_leaf, NULL, 0, &id, &d), ZC_E_CERT_MALFORMED);
    assert_non_null(strstr(d, "1.2.3.4"));
}

static const struct CMUnitTest zc_t_tests[] = {
    ZC_T_FIX(zc_t_load), ZC_T_FIX(zc_t_load_errors), ZC_T_FIX(zc_t_paths), ZC_T_FIX(zc_t_times),
    ZC_T_FIX(zc_t_sm2_chain), ZC_T_FIX(zc_t_chain), ZC_T_FIX(zc_t_threads), ZC_T_FIX(zc_t_verify), ZC_T_FIX(zc_t_verify_errors),
};

ZC_T_MAIN("trust+verify", zc_t_tests, zc_t_group_setup, zc_t_group_teardown)
