/* OCSP client (pure: no httpd headers).  See ocsp.h for the contract.
 *
 * Thread safety: a zc_ocsp_req_t belongs to one caller.  The trust store
 * is only read: OCSP_basic_verify builds its own X509_STORE_CTX on it,
 * which OpenSSL allows from many threads at once.  The transport uses an
 * APR socket (connect with a timeout, no retry on a refused connection)
 * and OpenSSL's HTTP client over it, with the remaining time as timeout. */
#include <string.h>
#include <strings.h>

#include <apr_network_io.h>
#include <apr_portable.h>
#include <apr_strings.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/http.h>
#include <openssl/ocsp.h>
#include <openssl/x509v3.h>

#include "ocsp.h"
#include "cert.h"
#include "crypto_util.h"
#include "sig.h"

#define ZC_OCSP_RESP_MAX (100 * 1024)
#define ZC_OCSP_SKEW 300L   /* seconds of clock skew allowed */

struct zc_ocsp_req_t {
    OCSP_REQUEST *req;
    OCSP_CERTID *id;   /* our own copy, for OCSP_resp_find_status */
    X509 *issuer;      /* up-ref'd: where the signer may be found */
};

static apr_status_t zc_ocsp_req_free(void *v)
{
    zc_ocsp_req_t *r = v;

    OCSP_REQUEST_free(r->req);
    OCSP_CERTID_free(r->id);
    X509_free(r->issuer);
    r->req = NULL;
    r->id = NULL;
    r->issuer = NULL;
    return APR_SUCCESS;
}


static apr_time_t zc_ocsp_time(const ASN1_TIME *t)
{
    apr_time_t out = 0;
    return zc_asn1_time(t, &out) ? out : 0;
}

/* The "unusable answer" verdict. */
static void zc_ocsp_fail(zc_ocsp_result_t *out, const char **detail, const char *why)
{
    out->status = ZC_E_CERT_STATUS_UNKNOWN;
    out->responder_error = 1;
    if (detail)
        *detail = why;
}

const char *zc_ocsp_aia_url(apr_pool_t *p, X509 *cert)
{
    STACK_OF(OPENSSL_STRING) *urls = cert ? X509_get1_ocsp(cert) : NULL;
    const char *found = NULL;

    for (int i = 0; urls && i < sk_OPENSSL_STRING_num(urls) && found == NULL; i++) {
        const char *u = sk_OPENSSL_STRING_value(urls, i);
        if (u && strncasecmp(u, "http://", 7) == 0 && u[7] != '\0')
            found = apr_pstrdup(p, u);
    }
    X509_email_free(urls);
    ERR_clear_error();
    return found;
}

zc_ocsp_req_t *zc_ocsp_request(apr_pool_t *p, X509 *cert, X509 *issuer, const unsigned char **der, size_t *der_len)
{
    zc_ocsp_req_t *r;
    OCSP_CERTID *id = NULL;
    unsigned char *buf = NULL;
    int n;

    *der = NULL;
    *der_len = 0;
    if (cert == NULL || issuer == NULL)
        return NULL;
    r = apr_pcalloc(p, sizeof *r);
    apr_pool_cleanup_register(p, r, zc_ocsp_req_free, apr_pool_cleanup_null);
    if ((r->req = OCSP_REQUEST_new()) == NULL || (id = OCSP_cert_to_id(EVP_sha1(), cert, issuer)) == NULL ||
        (r->id = OCSP_CERTID_dup(id)) == NULL)
        goto fail;
    if (OCSP_request_add0_id(r->req, id) == NULL)
        goto fail;
    id = NULL;   /* owned by the request now */
    if (OCSP_request_add1_nonce(r->req, NULL, -1) != 1 || !X509_up_ref(issuer))
        goto fail;
    r->issuer = issuer;
    if ((n = i2d_OCSP_REQUEST(r->req, &buf)) <= 0)
        goto fail;
    *der = apr_pmemdup(p, buf, (apr_size_t)n);
    *der_len = (size_t)n;
    OPENSSL_free(buf);
    return r;
fail:
    OCSP_CERTID_free(id);
    ERR_clear_error();
    apr_pool_cleanup_run(p, r, zc_ocsp_req_free);
    return NULL;
}

/* An SM2-with-SM3 response: OpenSSL 3.0's OCSP_basic_verify checks the
 * signature without the GM/T ID, so it is checked here, with the ID and
 * the key of the signer OCSP_basic_verify itself picks (the same look-up:
 * certs first, then the response's own certificates), over the encoded
 * tbsResponseData.  0: not SM2 (nothing checked), 1: verified, -1: not. */
static int zc_ocsp_sm2_signature(apr_pool_t *p, OCSP_BASICRESP *bs, STACK_OF(X509) *certs, const char **why)
{
    const X509_ALGOR *alg = OCSP_resp_get0_tbs_sigalg(bs);
    const ASN1_OCTET_STRING *sig = OCSP_resp_get0_signature(bs);
    const ASN1_OBJECT *obj = NULL;
    X509 *signer = NULL;
    unsigned char *der = NULL;
    int n, ok;

    if (alg)
        X509_ALGOR_get0(&obj, NULL, NULL, alg);
    if (obj == NULL || OBJ_obj2nid(obj) != NID_SM2_with_SM3)
        return 0;
    if (sig == NULL || OCSP_resp_get0_signer(bs, &signer, certs) != 1) {
        *why = "OCSP response signer not found";
        return -1;
    }
    n = i2d_OCSP_RESPDATA((OCSP_RESPDATA *)OCSP_resp_get0_respdata(bs), &der);
    ok = n > 0 && zc_sig_verify_sm2(p, X509_get0_pubkey(signer), ASN1_STRING_get0_data(sig),
                                    (size_t)ASN1_STRING_length(sig), der, (size_t)n);
    OPENSSL_free(der);
    ERR_clear_error();
    if (!ok)
        *why = "OCSP response signature (SM2 with SM3 and the GM/T ID) does not verify with the signer's key";
    return ok ? 1 : -1;
}

/* Signature and signer of bs: 1 when it verifies (see the header). */
static int zc_ocsp_verify(apr_pool_t *p, zc_ocsp_req_t *req, const zc_trust_t *trust, X509 *pinned,
                          OCSP_BASICRESP *bs, const char **why)
{
    STACK_OF(X509) *certs = sk_X509_new_null();
    X509_STORE *st = zc_trust_store(trust);
    unsigned long flags = 0;
    int ok = 0, sm2 = 0;

    if (certs == NULL) {
        *why = "out of memory";
        return 0;
    }
    if (pinned) {
        /* the pinned responder is trusted as it is; the issuer and its
         * delegates still verify through the store */
        flags = OCSP_TRUSTOTHER;
        ok = sk_X509_push(certs, pinned) > 0;
    }
    else
        ok = sk_X509_push(certs, req->issuer) > 0;   /* when the response carries no certificates */
    /* an SM2 responder certificate in the response: its own signature (by
     * the CA) is checked with the ID while its chain is verified */
    for (int i = 0; i < sk_X509_num(OCSP_resp_get0_certs(bs)); i++)
        zc_cert_set_sm2_id(sk_X509_value(OCSP_resp_get0_certs(bs), i));
    if (ok && st == NULL && pinned == NULL) {
        *why = "no trust anchors to verify the OCSP response with";
        ok = 0;
    }
    if (ok && (sm2 = zc_ocsp_sm2_signature(p, bs, certs, why)) < 0)
        ok = 0;
    else if (sm2 > 0)
        flags |= OCSP_NOSIGS;   /* checked above, with the ID; the signer is still checked below */
    if (ok && OCSP_basic_verify(bs, certs, st, flags) <= 0) {
        *why = apr_pstrcat(p, "OCSP response signature or signer not trusted: ",
                           zc_openssl_error(p, "verification failed"), NULL);
        ok = 0;
    }
    sk_X509_free(certs);   /* the certificates are not ours */
    ERR_clear_error();
    return ok;
}

void zc_ocsp_parse_response(apr_pool_t *p, zc_ocsp_req_t *req, const zc_trust_t *trust, X509 *pinned,
                            const unsigned char *der, size_t len, zc_ocsp_result_t *out, const char **detail)
{
    const unsigned char *q = der;
    OCSP_RESPONSE *resp = NULL;
    OCSP_BASICRESP *bs = NULL;
    ASN1_GENERALIZEDTIME *rev = NULL, *thisupd = NULL, *nextupd = NULL;
    const char *why = NULL;
    int rs, status = -1, reason = -1;

    memset(out, 0, sizeof *out);
    zc_ocsp_fail(out, detail, NULL);
    if (req == NULL || req->req == NULL || der == NULL || len == 0 || len > ZC_OCSP_RESP_MAX) {
        zc_ocsp_fail(out, detail, "no request or empty response");
        return;
    }
    if ((resp = d2i_OCSP_RESPONSE(NULL, &q, (long)len)) == NULL || q != der + len) {
        why = "the OCSP response cannot be parsed";
        goto done;
    }
    if ((rs = OCSP_response_status(resp)) != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
        why = apr_psprintf(p, "OCSP responder answered %s (%d)", OCSP_response_status_str(rs), rs);
        goto done;
    }
    if ((bs = OCSP_response_get1_basic(resp)) == NULL) {
        why = "the OCSP response is not a basic response";
        goto done;
    }
    switch (OCSP_check_nonce(req->req, bs)) {
    case 1:   /* echoed */
    case -1:  /* the responder sent none: accepted (pre-produced responses) */
        break;
    case 0:
        why = "nonce mismatch";
        goto done;
    default:  /* 2, 3: no nonce in our request, which cannot happen */
        why = "no nonce in the OCSP request";
        goto done;
    }
    if (!zc_ocsp_verify(p, req, trust, pinned, bs, &why))
        goto done;
    if (OCSP_resp_find_status(bs, req->id, &status, &reason, &rev, &thisupd, &nextupd) != 1) {
        why = "the OCSP response has no status for the certificate asked about";
        goto done;
    }
    out->this_update = zc_ocsp_time(thisupd);
    out->next_update = zc_ocsp_time(nextupd);
    if (OCSP_check_validity(thisupd, nextupd, ZC_OCSP_SKEW, -1) != 1) {
        why = apr_psprintf(p, "the OCSP response is not valid now (thisUpdate %s, nextUpdate %s)",
                           thisupd ? (const char *)ASN1_STRING_get0_data(thisupd) : "-",
                           nextupd ? (const char *)ASN1_STRING_get0_data(nextupd) : "-");
        goto done;
    }
    out->responder_error = 0;
    switch (status) {
    case V_OCSP_CERTSTATUS_GOOD:
        out->status = ZC_OK;
        why = "OCSP: good";
        break;
    case V_OCSP_CERTSTATUS_REVOKED:
        out->status = ZC_E_CERT_REVOKED;
        why = apr_psprintf(p, "OCSP: revoked at %s%s%s", rev ? (const char *)ASN1_STRING_get0_data(rev) : "?",
                           reason >= 0 ? ", reason " : "", reason >= 0 ? OCSP_crl_reason_str(reason) : "");
        break;
    default:
        out->status = ZC_E_CERT_STATUS_UNKNOWN;
        why = "OCSP: the responder does not know the certificate";
        break;
    }
done:
    if (out->responder_error) {
        out->status = ZC_E_CERT_STATUS_UNKNOWN;
        out->this_update = out->next_update = 0;
    }
    if (detail)
        *detail = why;
    OCSP_BASICRESP_free(bs);
    OCSP_RESPONSE_free(resp);
    ERR_clear_error();
}

/* Seconds left until deadline, at least 1. */
static int zc_ocsp_left(apr_time_t deadline)
{
    apr_time_t left = deadline - apr_time_now();
    long s = (long)((left + APR_USEC_PER_SEC - 1) / APR_USEC_PER_SEC);
    return s < 1 ? 1 : s > 3600 ? 3600 : (int)s;
}

/* A TCP connection to host:port within the deadline, or NULL with *why. */
static apr_socket_t *zc_ocsp_connect(apr_pool_t *p, const char *host, int port, apr_time_t deadline,
                                     const char **why)
{
    apr_sockaddr_t *sa = NULL;
    apr_socket_t *s = NULL;
    apr_status_t rv;
    char buf[128];

    if ((rv = apr_sockaddr_info_get(&sa, host, APR_UNSPEC, (apr_port_t)port, 0, p)) != APR_SUCCESS) {
        *why = apr_psprintf(p, "cannot resolve %s: %s", host, apr_strerror(rv, buf, sizeof buf));
        return NULL;
    }
    for (rv = APR_EGENERAL; sa && rv != APR_SUCCESS; sa = sa->next) {
        apr_interval_time_t left = deadline - apr_time_now();

        if (left <= 0) {
            rv = APR_TIMEUP;
            break;
        }
        if ((rv = apr_socket_create(&s, sa->family, SOCK_STREAM, APR_PROTO_TCP, p)) != APR_SUCCESS)
            continue;
        /* a timeout makes the socket non-blocking underneath, as BIO_wait needs */
        apr_socket_timeout_set(s, left);
        if ((rv = apr_socket_connect(s, sa)) != APR_SUCCESS) {
            apr_socket_close(s);
            s = NULL;
        }
    }
    if (rv != APR_SUCCESS) {
        *why = apr_psprintf(p, "cannot connect to %s port %d: %s", host, port, apr_strerror(rv, buf, sizeof buf));
        return NULL;
    }
    return s;
}

/* POST der to host:port/path over s; the response body in pool memory, or
 * NULL with *why. */
static unsigned char *zc_ocsp_post(apr_pool_t *p, apr_socket_t *s, const char *host, const char *port,
                                   const char *path, const unsigned char *der, size_t der_len,
                                   apr_time_t deadline, size_t *len, const char **why)
{
    apr_os_sock_t fd;
    BIO *sock = NULL, *body = NULL, *resp = NULL;
    unsigned char *out = NULL;
    int n;

    *len = 0;
    if (apr_os_sock_get(&fd, s) != APR_SUCCESS || (sock = BIO_new_socket(fd, BIO_NOCLOSE)) == NULL ||
        (body = BIO_new_mem_buf(der, (int)der_len)) == NULL) {
        *why = "out of memory";
        goto done;
    }
    resp = OSSL_HTTP_transfer(NULL, host, port, path, 0, NULL, NULL, sock, sock, NULL, NULL, 0, NULL,
                              "application/ocsp-request", body, "application/ocsp-response", 1,
                              ZC_OCSP_RESP_MAX, zc_ocsp_left(deadline), 0);
    if (resp == NULL) {
        *why = apr_pstrcat(p, "OCSP exchange with ", host, ":", port, " failed: ",
                           zc_openssl_error(p, "no response"), NULL);
        goto done;
    }
    out = apr_palloc(p, ZC_OCSP_RESP_MAX);
    while (*len < ZC_OCSP_RESP_MAX && (n = BIO_read(resp, out + *len, (int)(ZC_OCSP_RESP_MAX - *len))) > 0)
        *len += (size_t)n;
    if (*len == 0) {
        *why = "empty OCSP response";
        out = NULL;
    }
done:
    if (resp != sock)
        BIO_free(resp);
    BIO_free(body);
    BIO_free(sock);
    ERR_clear_error();
    return out;
}

void zc_ocsp_query(apr_pool_t *p, const char *url, X509 *cert, X509 *issuer, const zc_trust_t *trust, X509 *pinned,
                   int timeout_s, zc_ocsp_result_t *out, const char **detail)
{
    apr_time_t deadline = apr_time_now() + apr_time_from_sec(timeout_s > 0 ? timeout_s : 10);
    char *host = NULL, *port = NULL, *path = NULL, *query = NULL;
    const char *why = NULL, *full;
    const unsigned char *der, *body;
    size_t der_len, body_len;
    zc_ocsp_req_t *req;
    apr_pool_t *tmp;
    apr_socket_t *s;
    int ssl = 0, port_num = 0;

    memset(out, 0, sizeof *out);
    zc_ocsp_fail(out, detail, NULL);
    if (url == NULL || OSSL_HTTP_parse_url(url, &ssl, NULL, &host, &port, &port_num, &path, &query, NULL) != 1) {
        ERR_clear_error();
        zc_ocsp_fail(out, detail, apr_psprintf(p, "bad OCSP responder URL '%s'", url ? url : "(none)"));
        return;
    }
    if (ssl) {
        zc_ocsp_fail(out, detail, apr_psprintf(p, "OCSP responder URL '%s': https is not supported, "
                                               "use the responder's http:// URL", url));
        goto free_url;
    }
    if (apr_pool_create(&tmp, p) != APR_SUCCESS) {
        zc_ocsp_fail(out, detail, "out of memory");
        goto free_url;
    }
    full = query && *query ? apr_pstrcat(tmp, path, "?", query, NULL) : path;
    if ((req = zc_ocsp_request(tmp, cert, issuer, &der, &der_len)) == NULL)
        why = "cannot build the OCSP request";
    else if ((s = zc_ocsp_connect(tmp, host, port_num, deadline, &why)) != NULL) {
        body = zc_ocsp_post(tmp, s, host, port, full, der, der_len, deadline, &body_len, &why);
        apr_socket_close(s);
        if (body) {
            zc_ocsp_parse_response(tmp, req, trust, pinned, body, body_len, out, &why);
            why = why ? apr_pstrcat(p, why, " (", url, ")", NULL) : NULL;
            if (detail)
                *detail = why;
            apr_pool_destroy(tmp);
            goto free_url;
        }
    }
    zc_ocsp_fail(out, detail, apr_pstrcat(p, why ? why : "OCSP failed", " (", url, ")", NULL));
    apr_pool_destroy(tmp);
free_url:
    OPENSSL_free(host);
    OPENSSL_free(port);
    OPENSSL_free(path);
    OPENSSL_free(query);
}
