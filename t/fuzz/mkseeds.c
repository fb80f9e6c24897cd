/* Makes the fixtures and seed inputs of the fuzz targets (scripts/fuzz
 * --seeds): t/fuzz/pki/ (keys and certificates, valid for 50 years) and
 * t/fuzz/corpus/<target>/seed-* (real inputs of every kind each target
 * reads).  An existing t/fuzz/pki/ is kept and used: the signed inputs of
 * the corpora (CRLs, OCSP responses, signatures) only verify against the
 * keys they were made with.  Remove it for new keys, and then also every
 * corpus input that is not a seed.
 *
 *   mkseeds DIR      (DIR is t/fuzz) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <apr_strings.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <jansson.h>
#include <openssl/rsa.h>

#include "crypto_util.h"
#include "fuzz.h"
#include "session_entry.h"
#include "testpki.h"

#define ZC_MK_YEARS (50L * 365 * ZC_TP_DAY)
#define ZC_MK_OID "1.2.156.10260.4.1.1"

static const char *zc_mk_dir;

static void zc_mk_die(const char *what)
{
    fprintf(stderr, "mkseeds: %s failed\n", what);
    ERR_print_errors_fp(stderr);
    exit(1);
}

static void zc_mk_write(apr_pool_t *p, const char *target, const char *name, const void *data, size_t len)
{
    const char *dir = apr_pstrcat(p, zc_mk_dir, "/corpus/", target, NULL);

    mkdir(apr_pstrcat(p, zc_mk_dir, "/corpus", NULL), 0755);
    mkdir(dir, 0755);
    zc_tp_write(p, dir, apr_pstrcat(p, "seed-", name, NULL), data, len);
}

static void zc_mk_str(apr_pool_t *p, const char *target, const char *name, const char *s)
{
    zc_mk_write(p, target, name, s, strlen(s));
}

/* A mode byte, then data. */
static void zc_mk_mode(apr_pool_t *p, const char *target, const char *name, unsigned char mode, const void *data,
                       size_t len)
{
    unsigned char *b = apr_palloc(p, len + 1);

    b[0] = mode;
    memcpy(b + 1, data, len);
    zc_mk_write(p, target, name, b, len + 1);
}

/* ---- the PKI ------------------------------------------------------------- */

typedef struct {
    EVP_PKEY *ca_ec_key, *ca_sm2_key, *leaf_ec_key, *leaf_rsa_key, *leaf_sm2_key, *ocsp_key;
    X509 *ca_ec, *ca_sm2, *leaf_ec, *leaf_rsa, *leaf_sm2, *ocsp, *leaf_revoked;
} zc_mk_pki_t;

static X509 *zc_mk_cert(apr_pool_t *p, const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key, int ca,
                        const char *eku, const char *ext_value)
{
    zc_tp_spec_t s = {
        .cn = cn, .org = "ZCYCA Fuzz", .key = key, .issuer = issuer, .issuer_key = issuer_key, .ca = ca,
        .not_before = -ZC_TP_DAY, .not_after = ZC_MK_YEARS,
        .key_usage = ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature",
        .ext_key_usage = eku, .ext_oid = ext_value ? ZC_MK_OID : NULL, .ext_value = ext_value,
        .aia = ca ? NULL : "OCSP;URI:http://127.0.0.1:8888/ocsp",
        .crldp = ca ? NULL : "URI:http://127.0.0.1:8888/ca.crl",
    };
    return zc_tp_cert(p, &s);
}

/* The PKI already in DIR/pki (zc_fz_cert/zc_fz_key read it): 1, or 0 when
 * there is none. */
static int zc_mk_pki_load(apr_pool_t *p, zc_mk_pki_t *k)
{
    struct stat st;

    if (stat(apr_pstrcat(p, zc_mk_dir, "/pki/trust.pem", NULL), &st) != 0)
        return 0;
    setenv("ZC_FUZZ_DIR", zc_mk_dir, 1);
    k->ca_ec = zc_fz_cert("ca-ec");
    k->ca_ec_key = zc_fz_key("ca-ec");
    k->ca_sm2 = zc_fz_cert("ca-sm2");
    k->ca_sm2_key = zc_fz_key("ca-sm2");
    k->leaf_ec = zc_fz_cert("leaf-ec");
    k->leaf_ec_key = zc_fz_key("leaf-ec");
    k->leaf_rsa = zc_fz_cert("leaf-rsa");
    k->leaf_rsa_key = zc_fz_key("leaf-rsa");
    k->leaf_sm2 = zc_fz_cert("leaf-sm2");
    k->leaf_sm2_key = zc_fz_key("leaf-sm2");
    k->leaf_revoked = zc_fz_cert("leaf-revoked");
    k->ocsp = zc_fz_cert("ocsp-ec");
    k->ocsp_key = zc_fz_key("ocsp-ec");
    return 1;
}

static void zc_mk_pki(apr_pool_t *p, zc_mk_pki_t *k)
{
    const char *dir = apr_pstrcat(p, zc_mk_dir, "/pki", NULL);
    X509 *trust[2];

    if (zc_mk_pki_load(p, k))
        return;
    mkdir(dir, 0755);
    k->ca_ec_key = zc_tp_key(p, ZC_TP_EC);
    k->ca_sm2_key = zc_tp_key(p, ZC_TP_SM2);
    k->leaf_ec_key = zc_tp_key(p, ZC_TP_EC);
    k->leaf_rsa_key = zc_tp_key(p, ZC_TP_RSA);
    k->leaf_sm2_key = zc_tp_key(p, ZC_TP_SM2);
    k->ocsp_key = zc_tp_key(p, ZC_TP_EC);
    k->ca_ec = zc_mk_cert(p, "Fuzz EC CA", k->ca_ec_key, NULL, NULL, 1, NULL, NULL);
    k->ca_sm2 = zc_mk_cert(p, "Fuzz SM2 CA", k->ca_sm2_key, NULL, NULL, 1, NULL, NULL);
    k->leaf_ec = zc_mk_cert(p, "fuzz-ec", k->leaf_ec_key, k->ca_ec, k->ca_ec_key, 0, "clientAuth", "EC-0001");
    k->leaf_rsa = zc_mk_cert(p, "fuzz-rsa", k->leaf_rsa_key, k->ca_ec, k->ca_ec_key, 0, "clientAuth", NULL);
    k->leaf_sm2 = zc_mk_cert(p, "张三", k->leaf_sm2_key, k->ca_sm2, k->ca_sm2_key, 0, "clientAuth", "SM2-0001");
    k->leaf_revoked = zc_mk_cert(p, "fuzz-revoked", k->leaf_ec_key, k->ca_ec, k->ca_ec_key, 0, "clientAuth", NULL);
    k->ocsp = zc_mk_cert(p, "Fuzz OCSP responder", k->ocsp_key, k->ca_ec, k->ca_ec_key, 0, "OCSPSigning", NULL);
    trust[0] = k->ca_ec;
    trust[1] = k->ca_sm2;
    zc_tp_write_pem(p, dir, "trust.pem", trust, 2);
#define ZC_MK_SAVE(name, cert, key)                                \
    do {                                                           \
        zc_tp_write_pem(p, dir, name ".pem", &(cert), 1);          \
        if (key)                                                   \
            zc_tp_write_key(p, dir, name ".key", key);             \
    } while (0)
    ZC_MK_SAVE("ca-ec", k->ca_ec, k->ca_ec_key);
    ZC_MK_SAVE("ca-sm2", k->ca_sm2, k->ca_sm2_key);
    ZC_MK_SAVE("leaf-ec", k->leaf_ec, k->leaf_ec_key);
    ZC_MK_SAVE("leaf-rsa", k->leaf_rsa, k->leaf_rsa_key);
    ZC_MK_SAVE("leaf-sm2", k->leaf_sm2, k->leaf_sm2_key);
    ZC_MK_SAVE("leaf-revoked", k->leaf_revoked, (EVP_PKEY *)NULL);
    ZC_MK_SAVE("ocsp-ec", k->ocsp, k->ocsp_key);
#undef ZC_MK_SAVE
}

/* ---- seeds per target ---------------------------------------------------- */

static void zc_mk_parse(apr_pool_t *p)
{
    static const char *const v[] = {
        "300", "0", "86400", "99999999999999999999", "-1", "10x", "p1", "ca-gx_01", "spki-sha256", "cert-sha256",
        "issuer-serial", "ext:1.2.156.10260.4.1.1", "ext:2.5", "1.2.840.113549", "https://login.example.gov.cn",
        "https://LOGIN.Example.gov.cn:443", "https://[::1]:8443", "http://a.example:80", "https://a.example/path",
        "/ca/login", "http://127.0.0.1:8089/sign", "http://localhost:1/", "http://[::1]:9/x", "gmca-skf",
        "sm2-sm3", "rsa-sha256", "rsa-pss-sha256", "ecdsa-sha256", "Path=/", "Domain=example.org", "SameSite=Strict",
        "samesite=none", "Max-Age=3", "zcyca_session", "__Host-zc", "a b",
    };
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        zc_mk_str(p, "parse", apr_psprintf(p, "%02d", (int)i), v[i]);
}

static void zc_mk_cookie(apr_pool_t *p)
{
    const char *tok = zc_token_new(p);
    const char *v[] = {
        apr_pstrcat(p, "zcyca_session=", tok, NULL),
        apr_pstrcat(p, "a=1; zcyca_session=short; zcyca_session= ", tok, " ; b=2", NULL),
        apr_pstrcat(p, "__Host-zc=", tok, ";zcyca_session=\"", tok, "\"", NULL),
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "application/json, text/plain, */*", "application/problem+json;q=1.0, text/html;q=0.5",
        "text/html;q=0.x, text/html;level=\"1;q=0\"", "/after/login?x=1", "//evil.example", "/\\evil", "/\t/evil",
        "https://evil.example/", "ZCYCA-User: x\nzcyca_provider: y\nX-Other: z\nZcyCA: 1",
        "AAEC/w==", "AAEC_w", "QUJD\nREVG", apr_pstrcat(p, tok, "=", NULL),
    };
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        zc_mk_str(p, "cookie", apr_psprintf(p, "%02d", (int)i), v[i]);
}

static void zc_mk_json(apr_pool_t *p, const zc_mk_pki_t *k)
{
    char *leaf = zc_tp_pem(p, k->leaf_ec), *ca = zc_tp_pem(p, k->ca_ec);
    json_t *cert = json_string(leaf), *chain = json_pack("[s]", ca);
    json_t *answer = json_pack("{s:s,s:s,s:s,s:O,s:O,s:s,s:s}", "provider", "p1", "challenge_id", "42",
                               "nonce", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "certificate", cert,
                               "chain", chain, "signature", "MEUCIQ==", "algorithm", "ecdsa-sha256");
    json_t *bind = json_deep_copy(answer);
    char *a, *b;
    const char *v[] = {
        "{\"purpose\":\"login\",\"provider\":\"p1\"}",
        "{\"purpose\":\"bind\",\"account\":\"zhangsan\",\"provider\":\"gx-ca\"}",
        "{\"login\":\"zhangsan\",\"password\":\"secret\"}",
        "{\"ca_enabled\":true,\"providers\":[\"p1\",\"p2\"]}", "{\"ca_enabled\":false,\"providers\":null}",
        "{\"login\":\"\\u5f20\\u4e09\",\"password\":\"\\u0000\"}", "{\"a\":{\"b\":{\"c\":[[[[[[1]]]]]]}}}",
        "{\"purpose\":\"login\",\"purpose\":\"bind\"}", "[1,2]",
        "provider=p1&return=%2Fafter%3Fx%3D1", "login=zhangsan&password=s%20e+cret&return=",
        "login=%zz&password=x", "provider=&login=a&login=b",
    };

    json_object_set_new(bind, "account", json_string("zhangsan"));
    a = json_dumps(answer, JSON_COMPACT);
    b = json_dumps(bind, 0);
    zc_mk_str(p, "json", "login-answer", a);
    zc_mk_str(p, "json", "bind-answer", b);
    free(a);
    free(b);
    json_decref(answer);
    json_decref(bind);
    json_decref(cert);
    json_decref(chain);
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        zc_mk_str(p, "json", apr_psprintf(p, "%02d", (int)i), v[i]);
}

static void zc_mk_session(apr_pool_t *p)
{
    const unsigned char *key = (const unsigned char *)ZC_FZ_SESSION_KEY;
    const unsigned char *hash = (const unsigned char *)ZC_FZ_TOKEN_HASH;
    apr_time_t t = apr_time_from_sec(ZC_FZ_NOW_SEC - 600);
    zc_session_t s[] = {
        {.account_id = 42, .login = "zhangsan", .display_name = "张三", .region = "330100", .method = "ca",
         .provider_id = "p1", .key_id = "ab12", .binding_id = 7, .cert_not_after = t + apr_time_from_sec(86400),
         .created_at = t, .last_seen_at = t, .expires_at = t + apr_time_from_sec(28800), .cached_at = t},
        {.account_id = 3, .login = "plain", .method = "password", .created_at = t, .last_seen_at = t,
         .expires_at = t + apr_time_from_sec(3600), .cached_at = t},
        {.account_id = 9, .login = "x", .method = "ca", .created_at = t, .cached_at = t + apr_time_from_sec(60)},
    };
    for (size_t i = 0; i < sizeof s / sizeof *s; i++) {
        unsigned int len = 0;
        unsigned char *e = zc_session_entry_encode(p, &s[i], key, hash, &len);
        if (e == NULL)
            zc_mk_die("zc_session_entry_encode");
        zc_mk_mode(p, "session_entry", apr_psprintf(p, "%d-as-is", (int)i), 0, e, len);
        zc_mk_mode(p, "session_entry", apr_psprintf(p, "%d-remac", (int)i), 1, e, len);
    }
}

static char *zc_mk_b64_lines(apr_pool_t *p, const unsigned char *der, size_t len)
{
    const char *b = zc_b64(p, der, len);
    size_t n = strlen(b);
    char *out = apr_palloc(p, n + n / 64 + 2), *o = out;

    for (size_t i = 0; i < n; i += 64) {
        size_t m = n - i < 64 ? n - i : 64;
        memcpy(o, b + i, m);
        o += m;
        *o++ = '\n';
    }
    *o = '\0';
    return out;
}

static void zc_mk_cert_seeds(apr_pool_t *p, const zc_mk_pki_t *k)
{
    struct { const char *name; X509 *x; } c[] = {
        {"leaf-ec", k->leaf_ec}, {"leaf-rsa", k->leaf_rsa}, {"leaf-sm2", k->leaf_sm2}, {"ca-ec", k->ca_ec},
        {"ca-sm2", k->ca_sm2}, {"ocsp", k->ocsp},
    };
    for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
        size_t len;
        unsigned char *der = zc_tp_der(p, c[i].x, &len);
        zc_mk_write(p, "cert", apr_pstrcat(p, c[i].name, ".der", NULL), der, len);
        zc_mk_str(p, "cert", apr_pstrcat(p, c[i].name, ".pem", NULL), zc_tp_pem(p, c[i].x));
        zc_mk_str(p, "cert", apr_pstrcat(p, c[i].name, ".b64", NULL), zc_b64(p, der, len));
        zc_mk_str(p, "cert", apr_pstrcat(p, c[i].name, ".b64lines", NULL), zc_mk_b64_lines(p, der, len));
    }
    zc_mk_str(p, "cert", "chain-ec", apr_pstrcat(p, zc_tp_pem(p, k->leaf_ec), zc_tp_pem(p, k->ca_ec), NULL));
    zc_mk_str(p, "cert", "chain-sm2", apr_pstrcat(p, zc_tp_pem(p, k->leaf_sm2), "\n", zc_tp_pem(p, k->ca_sm2), NULL));
    zc_mk_str(p, "cert", "bundle",
              apr_pstrcat(p, "# trust bundle\nsubject=CN = Fuzz EC CA\n", zc_tp_pem(p, k->ca_ec),
                          "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "subject=CN = Fuzz SM2 CA\n",
                          zc_tp_pem(p, k->ca_sm2), NULL));
}

/* A signature over ZC_FZ_SIG_MSG by key: DER (ECDSA/SM2), PKCS#1 or PSS. */
static unsigned char *zc_mk_sign(apr_pool_t *p, EVP_PKEY *key, int pss, size_t *len)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pc = NULL, *pc2 = NULL;
    unsigned char *sig;
    int sm2 = EVP_PKEY_is_a(key, "SM2");

    if (md == NULL)
        zc_mk_die("EVP_MD_CTX_new");
    if (sm2) {
        if ((pc = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL)) == NULL ||
            EVP_PKEY_CTX_set1_id(pc, "1234567812345678", 16) <= 0)
            zc_mk_die("SM2 context");
        EVP_MD_CTX_set_pkey_ctx(md, pc);
    }
    if (EVP_DigestSignInit(md, &pc2, sm2 ? EVP_sm3() : EVP_sha256(), NULL, key) != 1)
        zc_mk_die("EVP_DigestSignInit");
    if (pss && (EVP_PKEY_CTX_set_rsa_padding(pc2, RSA_PKCS1_PSS_PADDING) <= 0 ||
                EVP_PKEY_CTX_set_rsa_pss_saltlen(pc2, RSA_PSS_SALTLEN_DIGEST) <= 0))
        zc_mk_die("PSS");
    if (EVP_DigestSign(md, NULL, len, (const unsigned char *)ZC_FZ_SIG_MSG, strlen(ZC_FZ_SIG_MSG)) != 1)
        zc_mk_die("EVP_DigestSign");
    sig = apr_palloc(p, *len);
    if (EVP_DigestSign(md, sig, len, (const unsigned char *)ZC_FZ_SIG_MSG, strlen(ZC_FZ_SIG_MSG)) != 1)
        zc_mk_die("EVP_DigestSign");
    EVP_MD_CTX_free(md);
    EVP_PKEY_CTX_free(pc);
    return sig;
}

/* DER ECDSA-Sig-Value → r||s, each right-aligned in width bytes. */
static unsigned char *zc_mk_raw(apr_pool_t *p, const unsigned char *der, size_t len, int width)
{
    const unsigned char *q = der;
    ECDSA_SIG *s = d2i_ECDSA_SIG(NULL, &q, (long)len);
    const BIGNUM *r, *ss;
    unsigned char *out = apr_pcalloc(p, 2 * (size_t)width);

    if (s == NULL)
        zc_mk_die("d2i_ECDSA_SIG");
    ECDSA_SIG_get0(s, &r, &ss);
    if (BN_bn2binpad(r, out, width) != width || BN_bn2binpad(ss, out + width, width) != width)
        zc_mk_die("BN_bn2binpad");
    ECDSA_SIG_free(s);
    return out;
}

/* The sig target's mode byte: cert in bits 0-1 (0 rsa, 1 ec, 2 sm2),
 * requested algorithm in bits 2-4 (0 none, 1 sm2, 2 rsa, 3 pss, 4 ecdsa). */
static void zc_mk_sig_one(apr_pool_t *p, const char *name, int cert, int alg, const unsigned char *sig, size_t len,
                          int url)
{
    const char *b = url ? zc_b64url(p, sig, len) : zc_b64(p, sig, len);
    zc_mk_mode(p, "sig", name, (unsigned char)(cert | alg << 2), b, strlen(b));
}

static void zc_mk_sig(apr_pool_t *p, const zc_mk_pki_t *k)
{
    size_t n;
    unsigned char *s;

    s = zc_mk_sign(p, k->leaf_rsa_key, 0, &n);
    zc_mk_sig_one(p, "rsa-pkcs1", 0, 2, s, n, 0);
    zc_mk_sig_one(p, "rsa-any", 0, 0, s, n, 1);
    s = zc_mk_sign(p, k->leaf_rsa_key, 1, &n);
    zc_mk_sig_one(p, "rsa-pss", 0, 3, s, n, 0);
    s = zc_mk_sign(p, k->leaf_ec_key, 0, &n);
    zc_mk_sig_one(p, "ec-der", 1, 4, s, n, 0);
    zc_mk_sig_one(p, "ec-der-url", 1, 0, s, n, 1);
    zc_mk_sig_one(p, "ec-raw", 1, 0, zc_mk_raw(p, s, n, 32), 64, 0);
    zc_mk_sig_one(p, "ec-skf", 1, 4, zc_mk_raw(p, s, n, 64), 128, 0);
    s = zc_mk_sign(p, k->leaf_sm2_key, 0, &n);
    zc_mk_sig_one(p, "sm2-der", 2, 1, s, n, 0);
    zc_mk_sig_one(p, "sm2-raw", 2, 0, zc_mk_raw(p, s, n, 32), 64, 1);
    zc_mk_sig_one(p, "sm2-skf", 2, 1, zc_mk_raw(p, s, n, 64), 128, 0);
    zc_mk_sig_one(p, "ec-as-rsa", 0, 0, s, n, 0);
}

/* The crl target's mode byte: bit 0 sign again, bits 1-3 all set: with the
 * SM2 CA (else the EC CA), bit 4: as PEM. */
static void zc_mk_crl(apr_pool_t *p, const zc_mk_pki_t *k)
{
    X509 *rev[] = {k->leaf_revoked};
    X509 *rev_sm2[] = {k->leaf_sm2};
    zc_tp_crl_spec_t s[] = {
        {.issuer = k->ca_ec, .key = k->ca_ec_key, .next_update = ZC_MK_YEARS, .number = 1},
        {.issuer = k->ca_ec, .key = k->ca_ec_key, .next_update = ZC_MK_YEARS, .revoked = rev, .n_revoked = 1,
         .reason = 2, .number = 2},
        {.issuer = k->ca_ec, .key = k->ca_ec_key, .no_next_update = 1, .revoked = rev, .n_revoked = 1, .number = 3,
         .idp = "fullname:URI:http://127.0.0.1:8888/ca.crl,onlyuser:TRUE"},
        {.issuer = k->ca_ec, .key = k->ca_ec_key, .next_update = ZC_MK_YEARS, .revoked = rev, .n_revoked = 1,
         .reason = 9, .number = 5, .delta = 1, .delta_base = 2},
        {.issuer = k->ca_sm2, .key = k->ca_sm2_key, .next_update = ZC_MK_YEARS, .revoked = rev_sm2, .n_revoked = 1,
         .number = 1},
        {.issuer = k->ca_ec, .key = k->ca_ec_key, .next_update = ZC_MK_YEARS,
         .idp = "onlysomereasons:keyCompromise"},
    };
    char *pem_all = "";

    for (size_t i = 0; i < sizeof s / sizeof *s; i++) {
        X509_CRL *c = zc_tp_crl(p, &s[i]);
        size_t len;
        unsigned char *der = zc_tp_crl_der(p, c, &len);
        char *pem = zc_tp_crl_pem(p, c);
        unsigned char resign = s[i].key == k->ca_sm2_key ? 14 : 0;

        zc_mk_mode(p, "crl", apr_psprintf(p, "%d.der", (int)i), 0, der, len);
        zc_mk_mode(p, "crl", apr_psprintf(p, "%d.pem", (int)i), 0, pem, strlen(pem));
        zc_mk_mode(p, "crl", apr_psprintf(p, "%d-resign.der", (int)i), 1 | resign, der, len);
        zc_mk_mode(p, "crl", apr_psprintf(p, "%d-resign-pem.pem", (int)i), 1 | 16 | resign, pem, strlen(pem));
        if (i < 4)
            pem_all = apr_pstrcat(p, pem_all, pem, NULL);
    }
    zc_mk_mode(p, "crl", "all.pem", 0, pem_all, strlen(pem_all));
}

/* The ocsp target's mode byte: bit 0 sign again, bit 1 echo the request's
 * nonce when signing again, bits 2-4 the case (0: leaf-ec signed by its CA,
 * 3: leaf-ec by the delegated responder, 7: leaf-sm2 by its CA), bit 5 pin
 * the signer. */
static void zc_mk_ocsp(apr_pool_t *p, const zc_mk_pki_t *k)
{
    /* Most without the signer's certificate (the issuer's is known): decoding a
     * certificate is the most costly step of a run in OpenSSL 3.0. */
    struct { X509 *cert, *issuer, *signer; EVP_PKEY *key; int status, rs, no_certs; unsigned char mode; const char *name; } c[] = {
        {k->leaf_ec, k->ca_ec, k->ca_ec, k->ca_ec_key, V_OCSP_CERTSTATUS_GOOD, 0, 1, 0, "ec-good"},
        {k->leaf_ec, k->ca_ec, k->ca_ec, k->ca_ec_key, V_OCSP_CERTSTATUS_REVOKED, 0, 1, 1 | 2, "ec-revoked"},
        {k->leaf_ec, k->ca_ec, k->ca_ec, k->ca_ec_key, V_OCSP_CERTSTATUS_GOOD, 0, 0, 0, "ec-good-certs"},
        {k->leaf_ec, k->ca_ec, k->ocsp, k->ocsp_key, V_OCSP_CERTSTATUS_GOOD, 0, 0, 12, "delegated-good"},
        {k->leaf_ec, k->ca_ec, k->ocsp, k->ocsp_key, V_OCSP_CERTSTATUS_UNKNOWN, 0, 1, 12 | 32, "delegated-pinned"},
        {k->leaf_sm2, k->ca_sm2, k->ca_sm2, k->ca_sm2_key, V_OCSP_CERTSTATUS_GOOD, 0, 1, 28, "sm2-good"},
        {k->leaf_sm2, k->ca_sm2, k->ca_sm2, k->ca_sm2_key, V_OCSP_CERTSTATUS_REVOKED, 0, 1, 28 | 1 | 2, "sm2-revoked"},
        {k->leaf_ec, k->ca_ec, k->ca_ec, k->ca_ec_key, 0, OCSP_RESPONSE_STATUS_TRYLATER, 1, 0, "trylater"},
    };
    for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
        zc_tp_ocsp_spec_t s = {
            .resp_status = c[i].rs, .cert = c[i].cert, .issuer = c[i].issuer, .status = c[i].status, .nonce = 1,
            .signer = c[i].signer, .signer_key = c[i].key, .next_update = ZC_MK_YEARS, .no_certs = c[i].no_certs,
        };
        size_t len;
        unsigned char *der = zc_tp_ocsp_resp(p, &s, &len);
        zc_mk_mode(p, "ocsp", c[i].name, c[i].mode, der, len);
    }
}

int main(int argc, char **argv)
{
    apr_pool_t *p;
    zc_mk_pki_t k;

    if (argc != 2) {
        fprintf(stderr, "usage: mkseeds t/fuzz\n");
        return 2;
    }
    zc_mk_dir = argv[1];
    p = zc_fz_begin();
    zc_mk_pki(p, &k);
    zc_mk_parse(p);
    zc_mk_cookie(p);
    zc_mk_json(p, &k);
    zc_mk_session(p);
    zc_mk_cert_seeds(p, &k);
    zc_mk_sig(p, &k);
    zc_mk_crl(p, &k);
    zc_mk_ocsp(p, &k);
    zc_fz_end(p);
    printf("mkseeds: %s/pki and %s/corpus/*/seed-* written\n", zc_mk_dir, zc_mk_dir);
    return 0;
}
