/* Unit tests for ocsp.c: response checks, AIA URLs, and the transport
 * (dead port, silent peer, a real `openssl ocsp` started by the test). */
#include "unit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <apr_strings.h>
#include <openssl/ocsp.h>

#include "ocsp.h"
#include "testpki.h"
#include "trust.h"

typedef struct {
    apr_pool_t *pool;
    apr_pool_t *p;
    EVP_PKEY *ca_key, *leaf_key, *resp_key, *other_key;
    X509 *ca, *good, *revoked, *stranger_leaf;
    X509 *responder, *responder_no_eku, *unrelated;
    zc_trust_t *trust;
    const char *dir;
    /* SM2: a CA, its leaf, a delegated responder, and a trust of the CA alone */
    EVP_PKEY *sm2_ca_key, *sm2_resp_key, *sm2_other_key;
    X509 *sm2_ca, *sm2_leaf, *sm2_responder;
    zc_trust_t *sm2_trust;
} zc_ocsp_fix_t;

ZC_T_GROUP_FIXTURE(zc_ocsp_fix_t)

static X509 *zc_ot_leaf(zc_ocsp_fix_t *f, const char *cn, long serial)
{
    zc_tp_spec_t s = { .cn = cn, .org = "ZCYCA Test", .key = f->leaf_key, .issuer = f->ca, .issuer_key = f->ca_key,
                       .ca = 0, .not_before = -ZC_TP_DAY, .key_usage = "critical,digitalSignature",
                       .ext_key_usage = "clientAuth", .serial = serial };
    return zc_tp_cert(f->pool, &s);
}

static X509 *zc_ot_responder(zc_ocsp_fix_t *f, const char *cn, const char *eku)
{
    zc_tp_spec_t s = { .cn = cn, .key = f->resp_key, .issuer = f->ca, .issuer_key = f->ca_key, .ca = 0,
                       .not_before = -ZC_TP_DAY, .key_usage = "critical,digitalSignature", .ext_key_usage = eku };
    return zc_tp_cert(f->pool, &s);
}

static int zc_ot_group_setup(void **state)
{
    zc_ocsp_fix_t *f = zc_t_group_new();
    const char *why = NULL;
    zc_tp_spec_t us;

    if (f == NULL)
        return -1;
    *state = f;
    signal(SIGPIPE, SIG_IGN);   /* as httpd does */
    f->ca_key = zc_tp_key(f->pool, ZC_TP_EC);
    f->leaf_key = zc_tp_key(f->pool, ZC_TP_EC);
    f->resp_key = zc_tp_key(f->pool, ZC_TP_EC);
    f->other_key = zc_tp_key(f->pool, ZC_TP_EC);
    f->ca = zc_tp_ca(f->pool, "OCSP Test CA", f->ca_key, NULL, NULL);
    f->good = zc_ot_leaf(f, "good-one", 0x1001);
    f->revoked = zc_ot_leaf(f, "revoked-one", 0x1002);
    f->stranger_leaf = zc_ot_leaf(f, "not-in-index", 0x1003);
    f->responder = zc_ot_responder(f, "OCSP Responder", "OCSPSigning");
    f->responder_no_eku = zc_ot_responder(f, "OCSP Responder without EKU", "clientAuth");
    us = (zc_tp_spec_t){ .cn = "Unrelated Responder", .key = f->other_key, .ca = 0, .not_before = -ZC_TP_DAY,
                         .ext_key_usage = "OCSPSigning" };
    f->unrelated = zc_tp_cert(f->pool, &us);
    f->dir = zc_tp_tmpdir(f->pool);
    f->trust = zc_trust_load(f->pool, zc_tp_write_pem(f->pool, f->dir, "ca.pem", &f->ca, 1), &why);
    if (f->trust == NULL) {
        fprintf(stderr, "trust: %s\n", why);
        return -1;
    }
    zc_tp_write_key(f->pool, f->dir, "ca.key", f->ca_key);
    f->sm2_ca_key = zc_tp_key(f->pool, ZC_TP_SM2);
    f->sm2_resp_key = zc_tp_key(f->pool, ZC_TP_SM2);
    f->sm2_other_key = zc_tp_key(f->pool, ZC_TP_SM2);
    f->sm2_ca = zc_tp_ca(f->pool, "OCSP Test SM2 CA", f->sm2_ca_key, NULL, NULL);
    f->sm2_leaf = zc_tp_leaf(f->pool, "sm2-good", zc_tp_key(f->pool, ZC_TP_SM2), f->sm2_ca, f->sm2_ca_key);
    us = (zc_tp_spec_t){ .cn = "OCSP SM2 Responder", .key = f->sm2_resp_key, .issuer = f->sm2_ca,
                         .issuer_key = f->sm2_ca_key, .ca = 0, .not_before = -ZC_TP_DAY,
                         .key_usage = "critical,digitalSignature", .ext_key_usage = "OCSPSigning" };
    f->sm2_responder = zc_tp_cert(f->pool, &us);
    f->sm2_trust = zc_trust_load(f->pool, zc_tp_write_pem(f->pool, f->dir, "sm2ca.pem", &f->sm2_ca, 1), &why);
    if (f->sm2_trust == NULL) {
        fprintf(stderr, "sm2 trust: %s\n", why);
        return -1;
    }
    return 0;
}

/* A request for cert (issued by ca), and the matching response per spec
 * (cert, issuer, request filled in here; the signer defaults to ca), checked
 * against trust. */
static void zc_ot_check_by(zc_ocsp_fix_t *f, X509 *ca, EVP_PKEY *ca_key, const zc_trust_t *trust, X509 *cert,
                           zc_tp_ocsp_spec_t s, X509 *pinned, zc_ocsp_result_t *out, const char **detail)
{
    const unsigned char *req_der = NULL, *resp;
    size_t req_len = 0, resp_len;
    zc_ocsp_req_t *req = zc_ocsp_request(f->p, cert, ca, &req_der, &req_len);

    assert_non_null(req);
    assert_non_null(req_der);
    s.resp_status = s.resp_status ? s.resp_status : OCSP_RESPONSE_STATUS_SUCCESSFUL;
    if (s.cert == NULL)
        s.cert = cert;
    s.issuer = ca;
    s.req_der = req_der;
    s.req_len = req_len;
    if (s.signer == NULL) {
        s.signer = ca;
        s.signer_key = ca_key;
    }
    resp = zc_tp_ocsp_resp(f->p, &s, &resp_len);
    *detail = NULL;
    zc_ocsp_parse_response(f->p, req, trust, pinned, resp, resp_len, out, detail);
}

static void zc_ot_check(zc_ocsp_fix_t *f, X509 *cert, zc_tp_ocsp_spec_t s, X509 *pinned, zc_ocsp_result_t *out,
                        const char **detail)
{
    zc_ot_check_by(f, f->ca, f->ca_key, f->trust, cert, s, pinned, out, detail);
}

static void zc_ot_expect(const zc_ocsp_result_t *r, zc_err_t status, int responder_error, const char *detail)
{
    if (r->status != status || r->responder_error != responder_error)
        fprintf(stderr, "got status %d responder_error %d: %s\n", (int)r->status, r->responder_error,
                detail ? detail : "(no detail)");
    assert_int_equal(r->status, status);
    assert_int_equal(r->responder_error, responder_error);
}

static void test_request(void **state)
{
    zc_ocsp_fix_t *f = *state;
    const unsigned char *der = NULL, *q;
    size_t len = 0;
    OCSP_REQUEST *req;

    assert_non_null(zc_ocsp_request(f->p, f->good, f->ca, &der, &len));
    assert_non_null(req = d2i_OCSP_REQUEST(NULL, (q = der, &q), (long)len));
    assert_int_equal(OCSP_request_onereq_count(req), 1);
    assert_true(OCSP_REQUEST_get_ext_by_NID(req, NID_id_pkix_OCSP_Nonce, -1) >= 0);
    OCSP_REQUEST_free(req);
    assert_null(zc_ocsp_request(f->p, f->good, NULL, &der, &len));
    assert_null(der);
}

/* One response check in a test with f, r and d in scope: the spec fields
 * are the variadic part. */
#define ZC_OT_CASE(cert, pinned, want, rerr, ...)                                           \
    (zc_ot_check(f, (cert), (zc_tp_ocsp_spec_t){ __VA_ARGS__ }, (pinned), &r, &d),         \
     zc_ot_expect(&r, (want), (rerr), d))
#define ZC_GOOD .status = V_OCSP_CERTSTATUS_GOOD

static void test_statuses_by_issuer(void **state)
{
    zc_ocsp_fix_t *f = *state;
    zc_ocsp_result_t r;
    const char *d;
    apr_time_t now = apr_time_now();

    ZC_OT_CASE(f->good, NULL, ZC_OK, 0, ZC_GOOD);
    assert_true(r.this_update > now - apr_time_from_sec(120) && r.this_update < now);
    assert_true(r.next_update > now + apr_time_from_sec(ZC_TP_DAY - 120));
    ZC_OT_CASE(f->revoked, NULL, ZC_E_CERT_REVOKED, 0, .status = V_OCSP_CERTSTATUS_REVOKED);
    assert_non_null(strstr(d, "revoked"));
    ZC_OT_CASE(f->good, NULL, ZC_E_CERT_STATUS_UNKNOWN, 0, .status = V_OCSP_CERTSTATUS_UNKNOWN);
    /* the signer certificate left out of the response: the issuer is known */
    ZC_OT_CASE(f->good, NULL, ZC_OK, 0, ZC_GOOD, .no_certs = 1);
}

static void test_delegated_responder(void **state)
{
    zc_ocsp_fix_t *f = *state;
    zc_ocsp_result_t r;
    const char *d;

    ZC_OT_CASE(f->revoked, NULL, ZC_E_CERT_REVOKED, 0, .status = V_OCSP_CERTSTATUS_REVOKED,
               .signer = f->responder, .signer_key = f->resp_key);
    /* without id-kp-OCSPSigning the issuer did not delegate */
    ZC_OT_CASE(f->good, NULL, ZC_E_CERT_STATUS_UNKNOWN, 1, ZC_GOOD, .signer = f->responder_no_eku,
               .signer_key = f->resp_key);
}

static void test_unrelated_signer(void **state)
{
    zc_ocsp_fix_t *f = *state;
    zc_ocsp_result_t r;
    const char *d;

    ZC_OT_CASE(f->good, NULL, ZC_E_CERT_STATUS_UNKNOWN, 1, ZC_GOOD, .signer = f->unrelated,
               .signer_key = f->other_key);
    assert_non_null(strstr(d, "not trusted"));
    assert_int_equal(r.this_update, 0);
    /* an impostor with the CA's name and another key: refused */
    ZC_OT_CASE(f->good, NULL, ZC_E_CERT_STATUS_UNKNOWN, 1, ZC_GOOD,
               .signer = zc_tp_ca(f->p, "OCSP Test CA", f->other_key, NULL, NULL), .signer_key = f->other_key);
}

static void test_pinned(void **state)
{
    zc_ocsp_fix_t *f = *state;
    zc_ocsp_result_t r;
    const char *d;

    ZC_OT_CASE(f->revoked, f->unrelated, ZC_E_CERT_REVOKED, 0, .status = V_OCSP_CERTSTATUS_REVOKED,
               .signer = f->unrelated, .signer_key = f->other_key);
    ZC_OT_CASE(f->revoked, f->unrelated, ZC_E_CERT_REVOKED, 0, .status = V_OCSP_CERTSTATUS_REVOKED,
               .signer = f->unrelated, .signer_key = f->other_key, .no_certs = 1);
    /* pinning another certificate does not make the unrelated signer good */
    ZC_OT_CASE(f->revoked, f->responder, ZC_E_CERT_STATUS_UNKNOWN, 1, .status = V_OCSP_CERTSTATUS_REVOKED,
               .signer = f->unrelated, .signer_key = f->other_key);
    /* with a pin, the issuer itself is still accepted */
    ZC_OT_CASE(f->good, f->unrelated, ZC_OK, 0, ZC_GOOD);
}

static void test_nonce(void **state)
{
    zc_ocsp_fix_t *f = *state;
    zc_ocsp_result_t r;
    const char *d;

    ZC_OT_CASE(f->good, NULL, ZC_OK, 0, ZC_GOOD, .nonce = 1);   /* absent: accepted */
    ZC_OT_CASE(f->good, NULL, ZC_E_CERT_STATUS_UNKNOWN, 1, ZC_GOOD, .nonce = 2);
    assert_string_equal(d, "nonce mismatch");
}

static void test_validity_and_other_cert(void **state)
{
    zc_ocsp_fix_t *f = *state;
    zc_ocsp_result_t r;
    const char *d;

    /* nextUpdate an hour ago; thisUpdate an hour ahead */
    ZC_OT_CASE(f->good, NULL, ZC_E_CERT_STATUS_UNKNOWN, 1, ZC_GOOD, .this_update = -7200, .next_update = -3600);
    ZC_OT_CASE(f->good, NULL, ZC_E_CERT_STATUS_UNKNOWN, 1, ZC_GOOD, .this_update = 3600, .next_update = 7200);
    /* within the 5 minutes of skew, and without nextUpdate */
    ZC_OT_CASE(f->good, NULL, ZC_OK, 0, ZC_GOOD, .this_update = 120, .no_next_update = 1);
    assert_int_equal(r.next_update, 0);
    /* a response about another certificate */
    ZC_OT_CASE(f->good, NULL, ZC_E_CERT_STATUS_UNKNOWN, 1, ZC_GOOD, .cert = f->revoked);
}

/* SM2 responses are signed SM3 with the GM/T ID: they verify with it (by
 * the CA, a delegated SM2 responder, or a pinned one), and not without it
 * or with another key. */
#define ZC_OT_SM2_CASE(cert, pinned, want, rerr, ...)                                                   \
    (zc_ot_check_by(f, f->sm2_ca, f->sm2_ca_key, f->sm2_trust, (cert), (zc_tp_ocsp_spec_t){ __VA_ARGS__ }, \
                    (pinned), &r, &d),                                                                  \
     zc_ot_expect(&r, (want), (rerr), d))

static void test_sm2_responses(void **state)
{
    zc_ocsp_fix_t *f = *state;
    zc_ocsp_result_t r;
    const char *d;

    ZC_OT_SM2_CASE(f->sm2_leaf, NULL, ZC_OK, 0, ZC_GOOD);
    ZC_OT_SM2_CASE(f->sm2_leaf, NULL, ZC_E_CERT_REVOKED, 0, .status = V_OCSP_CERTSTATUS_REVOKED);
    ZC_OT_SM2_CASE(f->sm2_leaf, NULL, ZC_OK, 0, ZC_GOOD, .no_certs = 1);
    ZC_OT_SM2_CASE(f->sm2_leaf, NULL, ZC_E_CERT_REVOKED, 0, .status = V_OCSP_CERTSTATUS_REVOKED,
                   .signer = f->sm2_responder, .signer_key = f->sm2_resp_key);
    ZC_OT_SM2_CASE(f->sm2_leaf, f->sm2_responder, ZC_OK, 0, ZC_GOOD, .signer = f->sm2_responder,
                   .signer_key = f->sm2_resp_key, .no_certs = 1);
    /* OpenSSL's empty default ID: refused */
    ZC_OT_SM2_CASE(f->sm2_leaf, NULL, ZC_E_CERT_STATUS_UNKNOWN, 1, ZC_GOOD, .sm2_no_id = 1);
    assert_non_null(strstr(d, "GM/T ID"));
    ZC_OT_SM2_CASE(f->sm2_leaf, NULL, ZC_E_CERT_STATUS_UNKNOWN, 1, ZC_GOOD, .signer = f->sm2_responder,
                   .signer_key = f->sm2_resp_key, .sm2_no_id = 1);
    /* signed by another SM2 key under the CA's name */
    ZC_OT_SM2_CASE(f->sm2_leaf, NULL, ZC_E_CERT_STATUS_UNKNOWN, 1, ZC_GOOD,
                   .signer = zc_tp_ca(f->p, "OCSP Test SM2 CA", f->sm2_other_key, NULL, NULL),
                   .signer_key = f->sm2_other_key);
}

static void test_error_status_and_garbage(void **state)
{
    zc_ocsp_fix_t *f = *state;
    zc_ocsp_result_t r;
    const char *d;
    const unsigned char *req_der;
    size_t req_len;
    zc_ocsp_req_t *req = zc_ocsp_request(f->p, f->good, f->ca, &req_der, &req_len);
    static const unsigned char junk[] = { 0x30, 0x03, 0x0a, 0x01, 0x00, 0xff, 0x30, 0x82 };

    ZC_OT_CASE(f->good, NULL, ZC_E_CERT_STATUS_UNKNOWN, 1, .resp_status = OCSP_RESPONSE_STATUS_TRYLATER);
    assert_non_null(strstr(d, "trylater"));
    zc_ocsp_parse_response(f->p, req, f->trust, NULL, junk, sizeof junk, &r, &d);
    zc_ot_expect(&r, ZC_E_CERT_STATUS_UNKNOWN, 1, d);
    zc_ocsp_parse_response(f->p, req, f->trust, NULL, junk + 5, 3, &r, &d);
    zc_ot_expect(&r, ZC_E_CERT_STATUS_UNKNOWN, 1, d);
    zc_ocsp_parse_response(f->p, req, f->trust, NULL, junk, 0, &r, &d);
    zc_ot_expect(&r, ZC_E_CERT_STATUS_UNKNOWN, 1, d);
    zc_ocsp_parse_response(f->p, req, NULL, NULL, req_der, req_len, &r, &d);
    zc_ot_expect(&r, ZC_E_CERT_STATUS_UNKNOWN, 1, d);
}

static void test_aia_url(void **state)
{
    zc_ocsp_fix_t *f = *state;
    zc_tp_spec_t s = { .cn = "with-aia", .key = f->leaf_key, .issuer = f->ca, .issuer_key = f->ca_key,
                       .aia = "caIssuers;URI:http://ca.example/ca.crt,OCSP;URI:https://ocsp.example/,"
                              "OCSP;URI:http://ocsp.example:8080/ocsp" };
    X509 *x = zc_tp_cert(f->p, &s);
    const char *u = zc_ocsp_aia_url(f->p, x);

    assert_non_null(u);
    assert_string_equal(u, "http://ocsp.example:8080/ocsp");
    assert_null(zc_ocsp_aia_url(f->p, f->good));
    s.aia = "OCSP;URI:https://only-tls.example/";
    assert_null(zc_ocsp_aia_url(f->p, zc_tp_cert(f->p, &s)));
    assert_null(zc_ocsp_aia_url(f->p, NULL));
}

/* Many threads check responses (issuer, delegated, pinned) against one
 * trust store at once; the store is not changed. */
typedef struct {
    zc_ocsp_fix_t *f;
    int bad;
} zc_ot_thread_t;

static void *zc_ot_thread(void *v)
{
    zc_ot_thread_t *t = v;
    zc_ocsp_fix_t *f = t->f;
    apr_pool_t *p;

    apr_pool_create_unmanaged_ex(&p, NULL, NULL);
    for (int i = 0; i < 25; i++) {
        const unsigned char *req_der, *resp;
        size_t req_len, resp_len;
        zc_ocsp_req_t *req = zc_ocsp_request(p, f->revoked, f->ca, &req_der, &req_len);
        zc_tp_ocsp_spec_t s = { .cert = f->revoked, .issuer = f->ca, .status = V_OCSP_CERTSTATUS_REVOKED,
                                .req_der = req_der, .req_len = req_len, .signer = i % 2 ? f->responder : f->ca,
                                .signer_key = i % 2 ? f->resp_key : f->ca_key };
        zc_ocsp_result_t r;

        resp = zc_tp_ocsp_resp(p, &s, &resp_len);
        zc_ocsp_parse_response(p, req, f->trust, i % 3 ? NULL : f->unrelated, resp, resp_len, &r, NULL);
        t->bad += r.status != ZC_E_CERT_REVOKED || r.responder_error != 0;
        apr_pool_clear(p);
    }
    apr_pool_destroy(p);
    return NULL;
}

static void test_concurrent(void **state)
{
    zc_ocsp_fix_t *f = *state;
    X509_STORE *st = zc_trust_store(f->trust);
    int objects = sk_X509_OBJECT_num(X509_STORE_get0_objects(st));
    zc_ot_thread_t t[4];
    pthread_t th[4];

    for (int i = 0; i < 4; i++) {
        t[i] = (zc_ot_thread_t){ .f = *state };
        assert_int_equal(pthread_create(&th[i], NULL, zc_ot_thread, &t[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_int_equal(t[i].bad, 0);
    }
    assert_int_equal(sk_X509_OBJECT_num(X509_STORE_get0_objects(st)), objects);   /* the store is unchanged */
    assert_null(zc_trust_store(NULL));
}

/* ---- transport ------------------------------------------------------------ */

/* A listening socket on 127.0.0.1 (port in *port); the caller closes it. */
static int zc_ot_listen(int *port)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t al = sizeof a;
    int s = socket(AF_INET, SOCK_STREAM, 0);

    assert_true(s >= 0);
    assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(s, 4), 0);
    assert_int_equal(getsockname(s, (struct sockaddr *)&a, &al), 0);
    *port = ntohs(a.sin_port);
    return s;
}

static void test_query_bad_urls(void **state)
{
    zc_ocsp_fix_t *f = *state;
    zc_ocsp_result_t r;
    const char *d = NULL;

    zc_ocsp_query(f->p, "https://127.0.0.1:1/", f->good, f->ca, f->trust, NULL, 2, &r, &d);
    zc_ot_expect(&r, ZC_E_CERT_STATUS_UNKNOWN, 1, d);
    assert_non_null(strstr(d, "https is not supported"));
    zc_ocsp_query(f->p, "not a url", f->good, f->ca, f->trust, NULL, 2, &r, &d);
    zc_ot_expect(&r, ZC_E_CERT_STATUS_UNKNOWN, 1, d);
    zc_ocsp_query(f->p, NULL, f->good, f->ca, f->trust, NULL, 2, &r, NULL);
    zc_ot_expect(&r, ZC_E_CERT_STATUS_UNKNOWN, 1, NULL);
}

static void test_query_dead_port(void **state)
{
    zc_ocsp_fix_t *f = *state;
    zc_ocsp_result_t r;
    const char *d = NULL;
    int port, s = zc_ot_listen(&port);
    apr_time_t t0;

    close(s);   /* nobody listens there now */
    t0 = apr_time_now();
    zc_ocsp_query(f->p, apr_psprintf(f->p, "http://127.0.0.1:%d/", port), f->good, f->ca, f->trust, NULL, 5, &r, &d);
    zc_ot_expect(&r, ZC_E_CERT_STATUS_UNKNOWN, 1, d);
    assert_true(apr_time_now() - t0 < apr_time_from_sec(1));
    assert_non_null(strstr(d, "cannot connect"));
}

static void test_query_hung_peer(void **state)
{
    zc_ocsp_fix_t *f = *state;
    zc_ocsp_result_t r;
    const char *d = NULL;
    int port, s = zc_ot_listen(&port);
    apr_time_t t0 = apr_time_now(), dt;

    zc_ocsp_query(f->p, apr_psprintf(f->p, "http://127.0.0.1:%d/ocsp", port), f->good, f->ca, f->trust, NULL, 2,
                  &r, &d);
    dt = apr_time_now() - t0;
    close(s);
    zc_ot_expect(&r, ZC_E_CERT_STATUS_UNKNOWN, 1, d);
    /* timeout 2 s; the upper bound leaves room for valgrind on a loaded machine */
    assert_true(dt >= apr_time_from_msec(1500) && dt < apr_time_from_sec(5));
}

/* A real responder over HTTP on 127.0.0.1 is exercised by t/71_ocsp.t
 * (`openssl ocsp -port` would listen on every interface). */

static const struct CMUnitTest zc_ocsp_tests[] = {
    ZC_T_FIX(test_request),
    ZC_T_FIX(test_statuses_by_issuer),
    ZC_T_FIX(test_delegated_responder),
    ZC_T_FIX(test_unrelated_signer),
    ZC_T_FIX(test_pinned),
    ZC_T_FIX(test_nonce),
    ZC_T_FIX(test_validity_and_other_cert),
    ZC_T_FIX(test_sm2_responses),
    ZC_T_FIX(test_error_status_and_garbage),
    ZC_T_FIX(test_concurrent),
    ZC_T_FIX(test_aia_url),
    ZC_T_FIX(test_query_bad_urls),
    ZC_T_FIX(test_query_dead_port),
    ZC_T_FIX(test_query_hung_peer),
};

ZC_T_MAIN("ocsp", zc_ocsp_tests, zc_ot_group_setup, zc_t_group_teardown)
