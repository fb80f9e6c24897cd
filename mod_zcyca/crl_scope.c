/* The scope of a CRL (pure: no httpd headers).  See crl_scope.h.
 *
 * Everything here reads parsed copies that belong to the caller (the CRL
 * set, or a request pool), so many threads may match certificates at once. */
#include <string.h>

#include <apr_strings.h>
#include <openssl/bio.h>
#include <openssl/err.h>

#include "cert.h"
#include "crl_scope.h"

/* The one extension nid of crl, decoded into *out: 1 found, 0 absent, -1
 * repeated or unreadable. */
static int zc_crl_scope_ext(X509_CRL *crl, int nid, void **out)
{
    int crit = -1;

    *out = X509_CRL_get_ext_d2i(crl, nid, &crit, NULL);
    if (*out)
        return 1;
    return crit == -1 ? 0 : -1;
}

void zc_crl_scope_free(zc_crl_scope_t *s)
{
    ISSUING_DIST_POINT_free(s->idp);
    OPENSSL_free(s->idp_der);
    ASN1_INTEGER_free(s->number);
    ASN1_INTEGER_free(s->base_number);
    memset(s, 0, sizeof *s);
}

/* The IDP of crl (already decoded into s->idp): checked, its relative name
 * resolved, its encoding kept.  NULL or why not. */
static const char *zc_crl_scope_idp(X509_CRL *crl, zc_crl_scope_t *s)
{
    const ISSUING_DIST_POINT *idp = s->idp;
    int idx = X509_CRL_get_ext_by_NID(crl, NID_issuing_distribution_point, -1);
    ASN1_OCTET_STRING *v = idx >= 0 ? X509_EXTENSION_get_data(X509_CRL_get_ext(crl, idx)) : NULL;

    if (idp->indirectCRL > 0)
        return "an indirect CRL (IssuingDistributionPoint indirectCRL) is not supported: its entries may be "
               "about other CAs' certificates";
    if (idp->onlysomereasons)
        return "a CRL partitioned by reason (IssuingDistributionPoint onlySomeReasons) is not supported: "
               "publish CRLs that cover every reason";
    if ((idp->onlyuser > 0) + (idp->onlyCA > 0) + (idp->onlyattr > 0) > 1)
        return "the IssuingDistributionPoint limits the CRL to more than one kind of certificate";
    if (idp->distpoint && !DIST_POINT_set_dpname(idp->distpoint, X509_CRL_get_issuer(crl)))
        return "the IssuingDistributionPoint name cannot be resolved";
    if (v == NULL || ASN1_STRING_length(v) <= 0 ||
        (s->idp_der = OPENSSL_memdup(ASN1_STRING_get0_data(v), (size_t)ASN1_STRING_length(v))) == NULL)
        return "out of memory";
    s->idp_len = ASN1_STRING_length(v);
    return NULL;
}

const char *zc_crl_scope_read(apr_pool_t *p, X509_CRL *crl, zc_crl_scope_t *out)
{
    const char *why = NULL;
    void *v;
    int n;

    memset(out, 0, sizeof *out);
    if ((n = zc_crl_scope_ext(crl, NID_issuing_distribution_point, &v)) < 0)
        why = "the IssuingDistributionPoint is unreadable or repeated";
    else if (n == 1) {
        out->idp = v;
        why = zc_crl_scope_idp(crl, out);
    }
    if (why == NULL) {
        if (zc_crl_scope_ext(crl, NID_crl_number, &v) < 0)
            why = "the cRLNumber is unreadable or repeated";
        out->number = v;
    }
    if (why == NULL) {
        if (zc_crl_scope_ext(crl, NID_delta_crl, &v) < 0)
            why = "the deltaCRLIndicator is unreadable or repeated";
        else if ((out->base_number = v) != NULL && out->number == NULL)
            why = "a delta CRL without a cRLNumber cannot be matched to its base CRL";
    }
    ERR_clear_error();
    if (why) {
        zc_crl_scope_free(out);
        return apr_pstrdup(p, why);
    }
    return NULL;
}

static apr_status_t zc_crl_scope_dps_free(void *v)
{
    sk_DIST_POINT_pop_free(v, DIST_POINT_free);
    return APR_SUCCESS;
}

STACK_OF(DIST_POINT) *zc_crl_scope_dps(apr_pool_t *p, X509 *cert)
{
    STACK_OF(DIST_POINT) *dps = cert ? X509_get_ext_d2i(cert, NID_crl_distribution_points, NULL, NULL) : NULL;

    ERR_clear_error();
    if (dps == NULL)
        return NULL;
    apr_pool_cleanup_register(p, dps, zc_crl_scope_dps_free, apr_pool_cleanup_null);
    for (int i = 0; i < sk_DIST_POINT_num(dps); i++) {
        DIST_POINT *dp = sk_DIST_POINT_value(dps, i);
        if (dp->distpoint && dp->CRLissuer == NULL)
            (void)DIST_POINT_set_dpname(dp->distpoint, X509_get_issuer_name(cert));
    }
    ERR_clear_error();
    return dps;
}

/* A directory name among names equal to dn? */
static int zc_crl_scope_has_dirname(GENERAL_NAMES *names, const X509_NAME *dn)
{
    for (int i = 0; dn && i < sk_GENERAL_NAME_num(names); i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(names, i);
        if (g->type == GEN_DIRNAME && X509_NAME_cmp(g->d.directoryName, dn) == 0)
            return 1;
    }
    return 0;
}

/* Two distribution point names with a name in common?  type 0 is a
 * fullName (GeneralNames), type 1 a name relative to the issuer, whose
 * full form dpname was set when it was read. */
static int zc_crl_scope_dpn_match(const DIST_POINT_NAME *a, const DIST_POINT_NAME *b)
{
    if (a->type == 0 && b->type == 0) {
        for (int i = 0; i < sk_GENERAL_NAME_num(a->name.fullname); i++)
            for (int j = 0; j < sk_GENERAL_NAME_num(b->name.fullname); j++)
                if (GENERAL_NAME_cmp(sk_GENERAL_NAME_value(a->name.fullname, i),
                                     sk_GENERAL_NAME_value(b->name.fullname, j)) == 0)
                    return 1;
        return 0;
    }
    if (a->type == 1 && b->type == 1)
        return a->dpname && b->dpname && X509_NAME_cmp(a->dpname, b->dpname) == 0;
    return a->type == 0 ? zc_crl_scope_has_dirname(a->name.fullname, b->dpname)
                        : zc_crl_scope_has_dirname(b->name.fullname, a->dpname);
}

int zc_crl_scope_covers(const zc_crl_scope_t *s, X509 *cert, STACK_OF(DIST_POINT) *dps)
{
    const ISSUING_DIST_POINT *idp = s->idp;
    int is_ca;

    if (idp == NULL)
        return 1;
    if (cert == NULL || idp->onlyattr > 0)
        return 0;
    is_ca = (X509_get_extension_flags(cert) & EXFLAG_CA) != 0;
    if ((idp->onlyuser > 0 && is_ca) || (idp->onlyCA > 0 && !is_ca))
        return 0;
    if (idp->distpoint == NULL)
        return 1;
    for (int i = 0; i < sk_DIST_POINT_num(dps); i++) {
        const DIST_POINT *dp = sk_DIST_POINT_value(dps, i);
        /* a point with a cRLIssuer of its own is served by another CRL issuer */
        if (dp->distpoint && dp->CRLissuer == NULL && zc_crl_scope_dpn_match(dp->distpoint, idp->distpoint))
            return 1;
    }
    return 0;
}

int zc_crl_scope_same(const zc_crl_scope_t *a, const zc_crl_scope_t *b)
{
    return a->idp_len == b->idp_len && (a->idp_len == 0 || memcmp(a->idp_der, b->idp_der, (size_t)a->idp_len) == 0);
}

const char *zc_crl_scope_text(apr_pool_t *p, const zc_crl_scope_t *s)
{
    const ISSUING_DIST_POINT *idp = s->idp;
    const char *what = "", *only = "";

    if (idp == NULL)
        return "";
    if (idp->distpoint && idp->distpoint->type == 0 && sk_GENERAL_NAME_num(idp->distpoint->name.fullname) > 0) {
        BIO *b = BIO_new(BIO_s_mem());
        char *data = NULL;
        long n;
        if (b && GENERAL_NAME_print(b, sk_GENERAL_NAME_value(idp->distpoint->name.fullname, 0)) > 0 &&
            (n = BIO_get_mem_data(b, &data)) > 0)
            what = apr_pstrcat(p, " ", apr_pstrmemdup(p, data, (apr_size_t)n), NULL);
        BIO_free(b);
    }
    else if (idp->distpoint && idp->distpoint->dpname)
        what = apr_pstrcat(p, " ", zc_cert_name(p, idp->distpoint->dpname), NULL);
    if (idp->onlyuser > 0)
        only = " (user certificates only)";
    else if (idp->onlyCA > 0)
        only = " (CA certificates only)";
    else if (idp->onlyattr > 0)
        only = " (attribute certificates only)";
    ERR_clear_error();
    return apr_pstrcat(p, " [", idp->distpoint ? "partition" : "scope", what, only, "]", NULL);
}
