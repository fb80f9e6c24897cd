/* Per-provider trust anchors (pure: no httpd headers).
 *
 * A zc_trust_t is built once (at configuration time) and is read-only
 * afterwards: verification only creates a per-call X509_STORE_CTX, which
 * OpenSSL allows on one X509_STORE from many threads at once. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <apr_file_info.h>
#include <apr_file_io.h>
#include <apr_strings.h>
#include <apr_tables.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "cert.h"
#include "trust.h"
#include "files.h"

#define ZC_TRUST_FILE_MAX (8 * 1024 * 1024)
#define ZC_TRUST_MAX_DEPTH 8

struct zc_trust_t {
    X509_STORE *store;
    STACK_OF(X509) *anchors;
    int *issuer;   /* per anchor, the index of the anchor that issued it, or -1 (zc_trust_link) */
};

static void zc_trust_link(apr_pool_t *p, zc_trust_t *t);

static apr_status_t zc_store_free(void *s)
{
    X509_STORE_free(s);
    return APR_SUCCESS;
}

static apr_status_t zc_store_ctx_free(void *c)
{
    X509_STORE_CTX_free(c);
    return APR_SUCCESS;
}

static const char *zc_trust_read(apr_pool_t *p, const char *file, char **buf, apr_size_t *len)
{
    return zc_file_read(p, file, ZC_TRUST_FILE_MAX, APR_FINFO_SIZE, NULL, buf, len);
}

/* Add every certificate of one file (PEM bundle or a single DER). */
static const char *zc_trust_add_file(apr_pool_t *tmp, zc_trust_t *t, const char *file)
{
    STACK_OF(X509) *certs;
    const char *why;
    char *buf = NULL;
    apr_size_t len = 0;
    zc_err_t err;

    if ((why = zc_trust_read(tmp, file, &buf, &len)))
        return why;
    if (memmem(buf, len, "-----BEGIN", 10)) {
        if ((certs = zc_cert_parse_bundle(tmp, buf, len, &why)) == NULL)
            return apr_psprintf(tmp, "%s: %s", file, why);
    }
    else {
        X509 *x = (unsigned char)buf[0] == 0x30 ? zc_cert_parse(tmp, buf, len, &err) : NULL;
        if (x == NULL)
            return apr_psprintf(tmp, "%s: neither PEM nor a DER certificate", file);
        certs = zc_cert_stack(tmp);
        zc_cert_stack_push(certs, x);
    }
    if (sk_X509_num(certs) == 0)
        return apr_psprintf(tmp, "%s: no CERTIFICATE in the file", file);
    for (int i = 0; i < sk_X509_num(certs); i++) {
        X509 *x = sk_X509_value(certs, i);
        uint32_t flags = X509_get_extension_flags(x);   /* also caches them before sharing */
        int dup = 0;

        if (flags & EXFLAG_INVALID)
            return apr_psprintf(tmp, "%s: certificate %d (%s) has invalid extensions", file, i + 1,
                                zc_cert_name(tmp, X509_get_subject_name(x)));
        if (!(flags & EXFLAG_CA))
            return apr_psprintf(tmp, "%s: certificate %d (%s) is not a CA certificate (no "
                                "basicConstraints CA:TRUE); list only the provider's root and "
                                "intermediate certificates, never a user certificate",
                                file, i + 1, zc_cert_name(tmp, X509_get_subject_name(x)));
        for (int k = 0; k < sk_X509_num(t->anchors) && !dup; k++)
            dup = X509_cmp(sk_X509_value(t->anchors, k), x) == 0;
        if (dup)
            continue;
        zc_cert_set_sm2_id(x);
        if (!X509_STORE_add_cert(t->store, x))
            return apr_psprintf(tmp, "%s: certificate %d could not be added", file, i + 1);
        zc_cert_stack_push(t->anchors, x);
    }
    return NULL;
}

static const char *zc_trust_add_dir(apr_pool_t *tmp, zc_trust_t *t, const char *dir)
{
    static const char *const exts[] = {".pem", ".crt", ".cer", NULL};
    const char *why = NULL;
    apr_array_header_t *names = zc_dir_files(tmp, dir, exts, &why);

    if (!names)
        return why;
    if (names->nelts == 0)
        return apr_psprintf(tmp, "%s: no *.pem, *.crt or *.cer files in the directory", dir);
    for (int i = 0; i < names->nelts; i++)
        if ((why = zc_trust_add_file(tmp, t, APR_ARRAY_IDX(names, i, const char *))))
            return why;
    return NULL;
}

zc_trust_t *zc_trust_load(apr_pool_t *p, const char *path, const char **why)
{
    zc_trust_t *t = apr_pcalloc(p, sizeof *t);
    apr_pool_t *tmp;
    apr_finfo_t fi;
    apr_status_t rv;
    const char *w = NULL;

    *why = NULL;
    if (path == NULL || *path == '\0') {
        *why = "no trust file given";
        return NULL;
    }
    if ((t->store = X509_STORE_new()) == NULL || (t->anchors = zc_cert_stack(p)) == NULL) {
        X509_STORE_free(t->store);
        *why = "out of memory";
        return NULL;
    }
    apr_pool_cleanup_register(p, t->store, zc_store_free, apr_pool_cleanup_null);
    X509_STORE_set_flags(t->store, X509_V_FLAG_PARTIAL_CHAIN);
    X509_STORE_set_depth(t->store, ZC_TRUST_MAX_DEPTH);
    /* File contents and parsed copies live in tmp; the store and the
     * anchor stack hold their own references. */
    if (apr_pool_create(&tmp, p) != APR_SUCCESS) {
        *why = "out of memory";
        return NULL;
    }
    if ((rv = apr_stat(&fi, path, APR_FINFO_TYPE, tmp)) != APR_SUCCESS)
        w = apr_psprintf(tmp, "%s: %s", path, zc_apr_error(tmp, rv));
    else if (fi.filetype == APR_DIR)
        w = zc_trust_add_dir(tmp, t, path);
    else if (fi.filetype == APR_REG)
        w = zc_trust_add_file(tmp, t, path);
    else
        w = apr_psprintf(tmp, "%s: not a regular file or directory", path);
    if (w == NULL && sk_X509_num(t->anchors) == 0)
        w = apr_psprintf(tmp, "%s: no certificates loaded", path);
    if (w == NULL)
        zc_trust_link(p, t);
    if (w)
        *why = apr_pstrdup(p, w);
    apr_pool_destroy(tmp);
    return w ? NULL : t;
}

int zc_trust_count(const zc_trust_t *t)
{
    return t ? sk_X509_num(t->anchors) : 0;
}

X509 *zc_trust_anchor(const zc_trust_t *t, int i)
{
    return t && i >= 0 && i < sk_X509_num(t->anchors) ? sk_X509_value(t->anchors, i) : NULL;
}

X509 *zc_trust_find_issuer(const zc_trust_t *t, X509_NAME *name)
{
    for (int i = 0; t && name && i < sk_X509_num(t->anchors); i++)
        if (X509_NAME_cmp(X509_get_subject_name(sk_X509_value(t->anchors, i)), name) == 0)
            return sk_X509_value(t->anchors, i);
    return NULL;
}

X509_STORE *zc_trust_store(const zc_trust_t *t)
{
    return t ? t->store : NULL;
}

/* The anchor of t that issued x (name, key identifiers and signature), or
 * NULL: a signature check per candidate. */
static X509 *zc_trust_anchor_issuer_scan(const zc_trust_t *t, X509 *x, int skip)
{
    for (int i = 0; i < sk_X509_num(t->anchors); i++) {
        X509 *a = sk_X509_value(t->anchors, i);
        EVP_PKEY *pk = X509_get0_pubkey(a);
        if (i != skip && X509_check_issued(a, x) == X509_V_OK && pk && X509_verify(x, pk) == 1)
            return a;
    }
    ERR_clear_error();
    return NULL;
}

/* Which anchor issued which, worked out once at load: the anchors never
 * change while the configuration lives, and checking an anchor's signature
 * at every login cost a signature verification each (issue 15: a third of
 * the module's work in a TLS login). */
static void zc_trust_link(apr_pool_t *p, zc_trust_t *t)
{
    int n = sk_X509_num(t->anchors);
    t->issuer = apr_palloc(p, sizeof *t->issuer * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) {
        X509 *x = sk_X509_value(t->anchors, i), *up;
        t->issuer[i] = -1;
        if (X509_check_issued(x, x) == X509_V_OK)
            continue; /* self-issued: the top */
        if ((up = zc_trust_anchor_issuer_scan(t, x, i)) != NULL)
            for (int j = 0; j < n; j++)
                if (sk_X509_value(t->anchors, j) == up)
                    t->issuer[i] = j;
    }
}

/* The anchor of t that issued x, or NULL.  x is normally an anchor itself
 * (the top of a chain verified with X509_V_FLAG_PARTIAL_CHAIN): then the
 * answer comes from zc_trust_link's table. */
static X509 *zc_trust_anchor_issuer(const zc_trust_t *t, X509 *x)
{
    for (int i = 0; t->issuer && i < sk_X509_num(t->anchors); i++)
        if (X509_cmp(sk_X509_value(t->anchors, i), x) == 0)
            return t->issuer[i] >= 0 ? sk_X509_value(t->anchors, t->issuer[i]) : NULL;
    return zc_trust_anchor_issuer_scan(t, x, -1);
}

/* The verified chain of ctx as a stack on p, extended upward through the
 * anchors of t: with X509_V_FLAG_PARTIAL_CHAIN the chain ends at the first
 * anchor it meets (an intermediate of the trust file), and revocation
 * needs the CAs above it too. */
static STACK_OF(X509) *zc_trust_chain(apr_pool_t *p, const zc_trust_t *t, X509_STORE_CTX *ctx)
{
    STACK_OF(X509) *vc = X509_STORE_CTX_get0_chain(ctx);
    STACK_OF(X509) *out = zc_cert_stack(p);
    X509 *top;

    for (int i = 0; out && i < sk_X509_num(vc); i++)
        zc_cert_stack_push(out, sk_X509_value(vc, i));
    while (out && sk_X509_num(out) > 0 && sk_X509_num(out) <= ZC_TRUST_MAX_DEPTH) {
        X509 *up;
        int seen = 0;

        top = sk_X509_value(out, sk_X509_num(out) - 1);
        if (X509_check_issued(top, top) == X509_V_OK || (up = zc_trust_anchor_issuer(t, top)) == NULL)
            break;   /* self-issued, or the top of what t holds */
        for (int i = 0; i < sk_X509_num(out) && !seen; i++)
            seen = X509_cmp(sk_X509_value(out, i), up) == 0;
        if (seen)
            break;
        zc_cert_stack_push(out, up);
    }
    ERR_clear_error();
    return out;
}

/* One X509_verify_cert run.  Returns 1 when the chain verified and has
 * at least an issuer above leaf (with *chain, when chain is not NULL, the
 * chain: zc_trust_chain); else 0 with *verr the OpenSSL error. */
static int zc_trust_run(apr_pool_t *p, const zc_trust_t *t, X509 *leaf, STACK_OF(X509) *untrusted,
                        apr_time_t now, unsigned long flags, int *verr, STACK_OF(X509) **chain,
                        const char **detail)
{
    X509_STORE_CTX *ctx;
    X509_VERIFY_PARAM *vp;
    int ok;

    *verr = X509_V_ERR_UNSPECIFIED;
    if (detail)
        *detail = NULL;
    if (t == NULL || leaf == NULL || (ctx = X509_STORE_CTX_new()) == NULL) {
        if (detail)
            *detail = "no trust anchors or no certificate";
        return 0;
    }
    apr_pool_cleanup_register(p, ctx, zc_store_ctx_free, apr_pool_cleanup_null);
    if (X509_get_extension_flags(leaf) & EXFLAG_CA) {
        if (detail)
            *detail = "a CA certificate (basicConstraints CA:TRUE) cannot be used to log in";
        return 0;
    }
    zc_cert_set_sm2_id(leaf);
    for (int i = 0; untrusted && i < sk_X509_num(untrusted); i++)
        zc_cert_set_sm2_id(sk_X509_value(untrusted, i));
    if (!X509_STORE_CTX_init(ctx, t->store, leaf, untrusted)) {
        if (detail)
            *detail = "X509_STORE_CTX_init failed";
        return 0;
    }
    vp = X509_STORE_CTX_get0_param(ctx);
    X509_VERIFY_PARAM_set_flags(vp, X509_V_FLAG_PARTIAL_CHAIN | flags);
    X509_VERIFY_PARAM_set_depth(vp, ZC_TRUST_MAX_DEPTH);
    if (now != 0)
        X509_VERIFY_PARAM_set_time(vp, (time_t)apr_time_sec(now));
    ok = X509_verify_cert(ctx) == 1;
    if (ok && sk_X509_num(X509_STORE_CTX_get0_chain(ctx)) < 2) {
        /* The "leaf" is itself an anchor.  Anchors are CA certificates, so
         * the CA:TRUE check above already refuses this; kept as a second line. */
        if (detail)
            *detail = "the certificate is itself one of the provider's CA certificates";
        return 0;
    }
    if (!ok) {
        X509 *bad = X509_STORE_CTX_get_current_cert(ctx);
        *verr = X509_STORE_CTX_get_error(ctx);
        if (detail)
            *detail = apr_psprintf(p, "%s (depth %d%s%s)", X509_verify_cert_error_string(*verr),
                                   X509_STORE_CTX_get_error_depth(ctx), bad ? ": " : "",
                                   bad ? zc_cert_name(p, X509_get_subject_name(bad)) : "");
    }
    if (ok && chain && (*chain = zc_trust_chain(p, t, ctx)) == NULL) {
        if (detail)
            *detail = "out of memory";
        return 0;
    }
    return ok;
}

zc_err_t zc_trust_verify(apr_pool_t *p, const zc_trust_t *t, X509 *leaf,
                         STACK_OF(X509) *untrusted, apr_time_t now, const char **detail)
{
    return zc_trust_verify_chain(p, t, leaf, untrusted, now, NULL, detail);
}

zc_err_t zc_trust_verify_chain(apr_pool_t *p, const zc_trust_t *t, X509 *leaf, STACK_OF(X509) *untrusted,
                               apr_time_t now, STACK_OF(X509) **chain, const char **detail)
{
    int verr;

    if (chain)
        *chain = NULL;
    if (zc_trust_run(p, t, leaf, untrusted, now, 0, &verr, chain, detail))
        return ZC_OK;
    switch (verr) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
        return ZC_E_CERT_EXPIRED;
    case X509_V_ERR_CERT_NOT_YET_VALID:
        return ZC_E_CERT_NOT_YET_VALID;
    case X509_V_ERR_CERT_REVOKED:
        return ZC_E_CERT_REVOKED;
    default:
        return ZC_E_CERT_UNTRUSTED;
    }
}

int zc_trust_issues(apr_pool_t *p, const zc_trust_t *t, X509 *leaf, STACK_OF(X509) *untrusted)
{
    int verr;

    return zc_trust_run(p, t, leaf, untrusted, 0, X509_V_FLAG_NO_CHECK_TIME, &verr, NULL, NULL);
}
