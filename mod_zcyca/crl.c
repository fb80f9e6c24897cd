/* Certificate revocation lists of one provider (pure: no httpd headers).
 * See crl.h for the contract.
 *
 * A zc_crlset_t is built once and read-only afterwards, so many threads may
 * check against it at once.  The one lazy write OpenSSL 3.0 does on a CRL
 * (X509_CRL_get0_by_serial sorts the revoked list on first use, under the
 * CRL's lock) is done here at load time: later lookups find the list sorted
 * and only read it. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <apr_file_info.h>
#include <apr_file_io.h>
#include <apr_strings.h>
#include <apr_tables.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "cert.h"
#include "crypto_util.h"
#include "crl.h"
#include "crl_scope.h"
#include "files.h"
#include "sig.h"

#define ZC_CRL_FILE_MAX (64 * 1024 * 1024)
#define ZC_CRL_FINFO (APR_FINFO_TYPE | APR_FINFO_SIZE | APR_FINFO_MTIME | APR_FINFO_INODE | APR_FINFO_DEV)

typedef struct {
    const char *path;
    apr_ino_t inode;
    apr_dev_t device;
    apr_off_t size;
    apr_time_t mtime;
} zc_crl_file_t;

typedef struct {
    X509_CRL *crl;
    const char *file;       /* where it came from, for *detail */
    apr_time_t this_update;
    apr_time_t next_update; /* 0: the CRL has none */
    zc_crl_scope_t scope;   /* partition (IDP), cRLNumber, and the base number of a delta CRL */
} zc_crl_entry_t;

struct zc_crlset_t {
    const char *path;
    int is_dir;
    apr_array_header_t *files; /* zc_crl_file_t, sorted by path */
    apr_array_header_t *crls;  /* zc_crl_entry_t */
};

static apr_status_t zc_crlset_free(void *v)
{
    zc_crlset_t *s = v;

    for (int i = 0; i < s->crls->nelts; i++) {
        zc_crl_entry_t *e = &APR_ARRAY_IDX(s->crls, i, zc_crl_entry_t);
        X509_CRL_free(e->crl);
        zc_crl_scope_free(&e->scope);
    }
    s->crls->nelts = 0;
    return APR_SUCCESS;
}


static apr_time_t zc_crl_time(const ASN1_TIME *t)
{
    apr_time_t out = 0;
    return zc_asn1_time(t, &out) ? out : 0;
}

/* Verify an SM2-with-SM3 CRL over the bytes of its TBS as received (taken
 * from the encoding kept by the parser, not re-encoded), with the GM/T ID. */
static int zc_crl_verify_sm2(apr_pool_t *tmp, X509_CRL *crl, EVP_PKEY *pk)
{
    const ASN1_BIT_STRING *sig = NULL;
    const X509_ALGOR *alg = NULL;
    unsigned char *der = NULL;
    const unsigned char *q, *tbs;
    long len, tlen;
    int n, tag, cls, ok = 0;

    X509_CRL_get0_signature(crl, &sig, &alg);
    if (sig == NULL || (n = i2d_X509_CRL(crl, &der)) <= 0)
        goto done;
    q = der;
    if (ASN1_get_object(&q, &len, &tag, &cls, n) & 0x80 || tag != V_ASN1_SEQUENCE)
        goto done;
    tbs = q;
    if (ASN1_get_object(&q, &tlen, &tag, &cls, len) & 0x80 || tag != V_ASN1_SEQUENCE)
        goto done;
    tlen += (long)(q - tbs);   /* header + contents */
    ok = zc_sig_verify_sm2(tmp, pk, ASN1_STRING_get0_data(sig), (size_t)ASN1_STRING_length(sig), tbs, (size_t)tlen);
done:
    OPENSSL_free(der);
    return ok;
}

/* Check crl (number i in file) against trust and add it to s; *why on
 * failure.  Takes ownership of crl either way. */
static const char *zc_crl_add(apr_pool_t *p, apr_pool_t *tmp, zc_crlset_t *s, const zc_trust_t *trust,
                              const char *file, int i, X509_CRL *crl)
{
    X509_NAME *iname = X509_CRL_get_issuer(crl);
    X509 *issuer = zc_trust_find_issuer(trust, iname);
    EVP_PKEY *pk = issuer ? X509_get0_pubkey(issuer) : NULL;
    const char *what = apr_psprintf(tmp, "%s: CRL %d (issuer %s)", file, i, zc_cert_name(tmp, iname));
    zc_crl_entry_t *e;
    zc_crl_scope_t scope;
    const char *why;
    int ok;

    if (issuer == NULL) {
        X509_CRL_free(crl);
        return apr_pstrcat(tmp, what, ": the issuer is not one of the provider's CA certificates", NULL);
    }
    if ((X509_get_extension_flags(issuer) & EXFLAG_KUSAGE) && !(X509_get_key_usage(issuer) & KU_CRL_SIGN)) {
        X509_CRL_free(crl);
        return apr_pstrcat(tmp, what, ": the issuer's keyUsage lacks cRLSign", NULL);
    }
    if (pk == NULL) {
        X509_CRL_free(crl);
        return apr_pstrcat(tmp, what, ": the issuer's public key cannot be read", NULL);
    }
    ok = X509_CRL_get_signature_nid(crl) == NID_SM2_with_SM3 ? zc_crl_verify_sm2(tmp, crl, pk) : X509_CRL_verify(crl, pk) == 1;
    ERR_clear_error();
    if (!ok) {
        X509_CRL_free(crl);
        return apr_pstrcat(tmp, what, ": signature does not verify with the issuer's key", NULL);
    }
    if (X509_CRL_get0_lastUpdate(crl) == NULL) {
        X509_CRL_free(crl);
        return apr_pstrcat(tmp, what, ": no thisUpdate", NULL);
    }
    if ((why = zc_crl_scope_read(tmp, crl, &scope)) != NULL) {
        X509_CRL_free(crl);
        return apr_pstrcat(tmp, what, ": ", why, NULL);
    }
    /* the lazy sort of X509_CRL_get0_by_serial, done now (see the top) */
    sk_X509_REVOKED_sort(X509_CRL_get_REVOKED(crl));
    e = apr_array_push(s->crls);
    e->crl = crl;
    e->file = apr_pstrdup(p, file);
    e->this_update = zc_crl_time(X509_CRL_get0_lastUpdate(crl));
    e->next_update = zc_crl_time(X509_CRL_get0_nextUpdate(crl));
    e->scope = scope;
    return NULL;
}

static const char *zc_crl_read(apr_pool_t *p, apr_pool_t *tmp, zc_crlset_t *s, const char *file,
                               char **buf, apr_size_t *len)
{
    apr_finfo_t fi;
    const char *why = zc_file_read(tmp, file, ZC_CRL_FILE_MAX, ZC_CRL_FINFO, &fi, buf, len);
    if (why)
        return why;
    /* What zc_crl_changed compares later. */
    zc_crl_file_t *rec = apr_array_push(s->files);
    rec->path = apr_pstrdup(p, file);
    rec->inode = fi.inode;
    rec->device = fi.device;
    rec->size = fi.size;
    rec->mtime = fi.mtime;
    return NULL;
}

/* Every CRL of one file: PEM with X509 CRL blocks, or one DER CRL. */
static const char *zc_crl_add_file(apr_pool_t *p, apr_pool_t *tmp, zc_crlset_t *s, const zc_trust_t *trust,
                                   const char *file)
{
    const char *why;
    char *buf = NULL;
    apr_size_t len = 0;
    X509_CRL *crl;
    int n = 0;

    if ((why = zc_crl_read(p, tmp, s, file, &buf, &len)))
        return why;
    ERR_clear_error();
    if (memmem(buf, len, "-----BEGIN", 10)) {
        BIO *b = BIO_new_mem_buf(buf, (int)len);
        unsigned long e;

        if (b == NULL)
            return apr_psprintf(tmp, "%s: out of memory", file);
        while ((crl = PEM_read_bio_X509_CRL(b, NULL, NULL, NULL)) != NULL)
            if ((why = zc_crl_add(p, tmp, s, trust, file, ++n, crl))) {
                BIO_free(b);
                return why;
            }
        BIO_free(b);
        e = ERR_peek_last_error();
        if (ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == PEM_R_NO_START_LINE) {
            ERR_clear_error();   /* the normal end of the file */
            e = 0;
        }
        if (e != 0)
            return apr_psprintf(tmp, "%s: CRL %d cannot be parsed: %s", file, n + 1, zc_openssl_error(tmp, "unknown error"));
        if (n == 0)
            return apr_psprintf(tmp, "%s: no X509 CRL block in the file", file);
        return NULL;
    }
    else {
        const unsigned char *q = (const unsigned char *)buf;

        crl = (unsigned char)buf[0] == 0x30 ? d2i_X509_CRL(NULL, &q, (long)len) : NULL;
        if (crl == NULL || q != (const unsigned char *)buf + len) {
            X509_CRL_free(crl);
            ERR_clear_error();
            return apr_psprintf(tmp, "%s: neither PEM nor a DER CRL", file);
        }
        return zc_crl_add(p, tmp, s, trust, file, 1, crl);
    }
}


zc_crlset_t *zc_crl_load(apr_pool_t *p, const char *path, const zc_trust_t *trust, const char **why)
{
    zc_crlset_t *s = apr_pcalloc(p, sizeof *s);
    apr_pool_t *tmp;
    apr_finfo_t fi;
    apr_status_t rv;
    const char *w = NULL;

    *why = NULL;
    if (path == NULL || *path == '\0') {
        *why = "no CRL path given";
        return NULL;
    }
    if (trust == NULL) {
        *why = apr_psprintf(p, "%s: no trust anchors to check the CRLs with", path);
        return NULL;
    }
    if (apr_pool_create(&tmp, p) != APR_SUCCESS) {
        *why = "out of memory";
        return NULL;
    }
    s->path = apr_pstrdup(p, path);
    s->files = apr_array_make(p, 4, sizeof(zc_crl_file_t));
    s->crls = apr_array_make(p, 4, sizeof(zc_crl_entry_t));
    if ((rv = apr_stat(&fi, path, APR_FINFO_TYPE, tmp)) != APR_SUCCESS && rv != APR_INCOMPLETE)
        w = apr_psprintf(tmp, "%s: %s", path, zc_apr_error(tmp, rv));
    else if (fi.filetype == APR_DIR) {
        apr_array_header_t *names = zc_dir_files(tmp, path, NULL, &w);
        s->is_dir = 1;
        for (int i = 0; names && i < names->nelts && w == NULL; i++)
            w = zc_crl_add_file(p, tmp, s, trust, APR_ARRAY_IDX(names, i, const char *));
    }
    else if (fi.filetype == APR_REG)
        w = zc_crl_add_file(p, tmp, s, trust, path);
    else
        w = apr_psprintf(tmp, "%s: not a regular file or directory", path);
    if (w) {
        *why = apr_pstrdup(p, w);
        zc_crlset_free(s);
        s = NULL;
    }
    else
        apr_pool_cleanup_register(p, s, zc_crlset_free, apr_pool_cleanup_null);
    apr_pool_destroy(tmp);
    return s;
}

static int zc_crl_file_changed(apr_pool_t *ptemp, const zc_crl_file_t *f)
{
    apr_finfo_t fi;
    apr_status_t rv = apr_stat(&fi, f->path, ZC_CRL_FINFO, ptemp);

    if (rv != APR_SUCCESS && rv != APR_INCOMPLETE)
        return 1;
    return fi.filetype != APR_REG || fi.inode != f->inode || fi.device != f->device || fi.size != f->size ||
           fi.mtime != f->mtime;
}

int zc_crl_changed(apr_pool_t *ptemp, const zc_crlset_t *s)
{
    if (s == NULL)
        return 1;
    if (s->is_dir) {
        const char *why = NULL;
        apr_array_header_t *names = zc_dir_files(ptemp, s->path, NULL, &why);

        if (names == NULL || names->nelts != s->files->nelts)
            return 1;
        for (int i = 0; i < names->nelts; i++)
            if (strcmp(APR_ARRAY_IDX(names, i, const char *), APR_ARRAY_IDX(s->files, i, zc_crl_file_t).path))
                return 1;
    }
    for (int i = 0; i < s->files->nelts; i++)
        if (zc_crl_file_changed(ptemp, &APR_ARRAY_IDX(s->files, i, zc_crl_file_t)))
            return 1;
    return 0;
}

/* -1, 0 or 1 as t is before, at or after now; 0 also when t is unreadable. */
static int zc_crl_cmp_now(const ASN1_TIME *t, time_t now)
{
    return X509_cmp_time(t, &now);
}

/* Is a newer than b?  By thisUpdate, then by cRLNumber. */
static int zc_crl_newer(const zc_crl_entry_t *a, const zc_crl_entry_t *b)
{
    int c = ASN1_TIME_compare(X509_CRL_get0_lastUpdate(a->crl), X509_CRL_get0_lastUpdate(b->crl));

    if (c != 0)
        return c > 0;
    return a->scope.number && b->scope.number && ASN1_INTEGER_cmp(a->scope.number, b->scope.number) > 0;
}

/* The newest complete CRL of issuer iname whose scope covers cert, usable
 * at t; *future / *elsewhere count the CRLs of that issuer skipped for a
 * thisUpdate after t / for covering other certificates. */
static const zc_crl_entry_t *zc_crl_base(apr_pool_t *p, const zc_crlset_t *s, X509 *cert, X509_NAME *iname, time_t t,
                                         int *future, int *elsewhere)
{
    const zc_crl_entry_t *best = NULL;
    STACK_OF(DIST_POINT) *dps = NULL;
    int dps_read = 0;

    for (int i = 0; i < s->crls->nelts; i++) {
        const zc_crl_entry_t *e = &APR_ARRAY_IDX(s->crls, i, zc_crl_entry_t);

        if (e->scope.base_number || X509_NAME_cmp(X509_CRL_get_issuer(e->crl), iname) != 0)
            continue;   /* delta CRLs only complete a base, below */
        if (e->scope.idp && !dps_read) {
            dps = zc_crl_scope_dps(p, cert);
            dps_read = 1;
        }
        if (!zc_crl_scope_covers(&e->scope, cert, dps))
            ++*elsewhere;
        else if (zc_crl_cmp_now(X509_CRL_get0_lastUpdate(e->crl), t) > 0)
            ++*future;   /* issued after now: not usable yet */
        else if (best == NULL || zc_crl_newer(e, best))
            best = e;
    }
    return best;
}

/* The newest delta CRL that completes base: same issuer and scope,
 * BaseCRLNumber <= the base's cRLNumber < its own, usable at t; or NULL. */
static const zc_crl_entry_t *zc_crl_delta(const zc_crlset_t *s, const zc_crl_entry_t *base, time_t t)
{
    const zc_crl_entry_t *best = NULL;

    for (int i = 0; base->scope.number && i < s->crls->nelts; i++) {
        const zc_crl_entry_t *e = &APR_ARRAY_IDX(s->crls, i, zc_crl_entry_t);

        if (e->scope.base_number == NULL ||
            X509_NAME_cmp(X509_CRL_get_issuer(e->crl), X509_CRL_get_issuer(base->crl)) != 0 ||
            !zc_crl_scope_same(&e->scope, &base->scope) || zc_crl_cmp_now(X509_CRL_get0_lastUpdate(e->crl), t) > 0 ||
            ASN1_INTEGER_cmp(e->scope.base_number, base->scope.number) > 0 ||
            ASN1_INTEGER_cmp(e->scope.number, base->scope.number) <= 0)
            continue;
        if (best == NULL || ASN1_INTEGER_cmp(e->scope.number, best->scope.number) > 0)
            best = e;
    }
    return best;
}

/* Current at t: no nextUpdate, or one after t. */
static int zc_crl_current(const zc_crl_entry_t *e, time_t t)
{
    const ASN1_TIME *next = e ? X509_CRL_get0_nextUpdate(e->crl) : NULL;

    return e && (next == NULL || zc_crl_cmp_now(next, t) > 0);
}

zc_err_t zc_crl_check(apr_pool_t *p, const zc_crlset_t *s, X509 *cert, apr_time_t now, const char **detail)
{
    X509_NAME *iname = cert ? X509_get_issuer_name(cert) : NULL;
    time_t t = now ? (time_t)apr_time_sec(now) : time(NULL);
    const zc_crl_entry_t *base, *delta;
    const ASN1_INTEGER *serial;
    X509_REVOKED *rev = NULL;
    const char *which;
    int future = 0, elsewhere = 0, in_delta = 0, found;

    if (detail)
        *detail = NULL;
    if (s == NULL || iname == NULL) {
        if (detail)
            *detail = "no CRLs loaded or no certificate";
        return ZC_E_CERT_STATUS_UNKNOWN;
    }
    if ((base = zc_crl_base(p, s, cert, iname, t, &future, &elsewhere)) == NULL) {
        if (detail)
            *detail = apr_psprintf(p, "no %sCRL from %s%s", future ? "valid (thisUpdate in the future) " : "",
                                   zc_cert_name(p, iname),
                                   elsewhere ? apr_psprintf(p, " covers the certificate (%d of its CRLs are for other "
                                                            "partitions or kinds of certificate)", elsewhere) : "");
        return ZC_E_CERT_STATUS_UNKNOWN;
    }
    serial = X509_get0_serialNumber(cert);
    /* base + delta = the complete list as of the delta (RFC 5280 5.2.4): an
     * entry of the delta wins, removeFromCRL included */
    delta = zc_crl_delta(s, base, t);
    found = delta ? X509_CRL_get0_by_serial(delta->crl, &rev, serial) : 0;
    if (found != 0)
        in_delta = 1;
    else
        found = X509_CRL_get0_by_serial(base->crl, &rev, serial);
    which = apr_psprintf(p, "the CRL of %s (%s%s%s%s)", zc_cert_name(p, iname), base->file,
                         zc_crl_scope_text(p, &base->scope), delta ? " with the delta CRL " : "",
                         delta ? delta->file : "");
    if (found == 1) {
        if (detail)
            *detail = apr_psprintf(p, "serial listed in %s%s, revoked %s", in_delta ? "the delta of " : "", which,
                                   zc_rfc3339(p, zc_crl_time(X509_REVOKED_get0_revocationDate(rev))));
        return ZC_E_CERT_REVOKED;   /* also when stale: a listed key is revoked */
    }
    /* a base past its nextUpdate is still complete with a current delta */
    if (!zc_crl_current(base, t) && !zc_crl_current(delta, t)) {
        if (detail)
            *detail = apr_psprintf(p, "%s is stale: nextUpdate %s has passed", which,
                                   zc_rfc3339(p, delta && delta->next_update > base->next_update ? delta->next_update
                                                                                                 : base->next_update));
        return ZC_E_CERT_STATUS_UNKNOWN;
    }
    if (detail)
        *detail = apr_psprintf(p, "not listed in %s%s", which, found == 2 ? ", removed from the CRL" : "");
    return ZC_OK;
}

int zc_crl_count(const zc_crlset_t *s)
{
    return s ? s->crls->nelts : 0;
}

apr_time_t zc_crl_this_update(const zc_crlset_t *s)
{
    apr_time_t m = 0;

    for (int i = 0; s && i < s->crls->nelts; i++) {
        apr_time_t t = APR_ARRAY_IDX(s->crls, i, zc_crl_entry_t).this_update;
        if (t && (m == 0 || t < m))
            m = t;
    }
    return m;
}

apr_time_t zc_crl_next_update(const zc_crlset_t *s)
{
    apr_time_t m = 0;

    for (int i = 0; s && i < s->crls->nelts; i++) {
        apr_time_t t = APR_ARRAY_IDX(s->crls, i, zc_crl_entry_t).next_update;
        if (t && (m == 0 || t < m))
            m = t;
    }
    return m;
}
