/* On a ZcyCATLSLogin virtual host an expired, not yet valid, wrong-usage or
 * unknown client certificate must not end in a bare TLS alert: the browser
 * would show a connection error and the user would never see why.  The
 * handshake still proves the key (CertificateVerify), so such errors are
 * let through here and the module's own verification of the certificate
 * answers with the precise code and the 可能失败原因 page.
 *
 * mod_ssl accepts a finished handshake with a verify error only for the
 * "issuer unknown" class under SSLVerifyClient optional_no_ca, so a
 * tolerated error is reported to it as that class: SSL_CLIENT_VERIFY then
 * reads FAILED:..., never SUCCESS, and the real reason is kept in the
 * connection notes for our log. */
#include "tls.h"
#include "config.h"
#include "apr_optional_hooks.h"
#include <openssl/ssl.h>

#define ZC_TLS_NOTE "zcyca-tls-error"

static int zc_tls_tolerable(int err)
{
    switch (err) {
    case X509_V_ERR_CERT_NOT_YET_VALID:
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_INVALID_PURPOSE:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_UNTRUSTED:
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
        return 1;
    default:
        return 0;
    }
}

static int zc_tls_verify(int ok, X509_STORE_CTX *ctx)
{
    SSL *ssl = X509_STORE_CTX_get_ex_data(ctx, SSL_get_ex_data_X509_STORE_CTX_idx());
    conn_rec *c = ssl ? SSL_get_app_data(ssl) : NULL;
    if (!c)
        return ok;
    zc_srv_cfg_t *sc = zc_srv_cfg(c->base_server);
    int err = X509_STORE_CTX_get_error(ctx);
    if (!ok && zc_tls_tolerable(err)) {
        if (!apr_table_get(c->notes, ZC_TLS_NOTE))
            apr_table_setn(c->notes, ZC_TLS_NOTE, X509_verify_cert_error_string(err));
        X509_STORE_CTX_set_error(ctx, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
    }
    /* mod_ssl's own callback sees every step: it logs, and keeps its state. */
    return sc->g->ssl_verify_cb ? sc->g->ssl_verify_cb(ok || zc_tls_tolerable(err), ctx) : 1;
}

static int zc_tls_init_server(server_rec *s, apr_pool_t *p, int is_proxy, SSL_CTX *ctx)
{
    zc_srv_cfg_t *sc = zc_srv_cfg(s);
    if (is_proxy || !sc->tls_login || !ctx)
        return OK; /* mod_ssl runs these with RUN_ALL: OK means "fine, go on" */
    int mode = SSL_CTX_get_verify_mode(ctx);
    if (!(mode & SSL_VERIFY_PEER) || (mode & SSL_VERIFY_FAIL_IF_NO_PEER_CERT)) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     ZCLOGNO(0010) "ZcyCATLSLogin is on for %s (%s:%d) but SSLVerifyClient asks for no certificate "
                     "or requires one; set SSLVerifyClient optional_no_ca at virtual-host level",
                     s->server_hostname, s->defn_name ? s->defn_name : "?", s->defn_line_number);
        return OK;
    }
    SSL_verify_cb orig = SSL_CTX_get_verify_callback(ctx);
    if (orig != zc_tls_verify) {
        sc->g->ssl_verify_cb = orig; /* the same mod_ssl function for every host */
        SSL_CTX_set_verify(ctx, mode, zc_tls_verify);
    }
    return OK;
}

/* Every TLS connection: remember its SSL, so that a login reads the client
 * certificate as OpenSSL holds it (zc_tls_ssl) instead of a PEM text that
 * mod_ssl encodes and the module decodes again, for the leaf and each
 * certificate of the chain (issue 15: decoding was a fifth of httpd's
 * work per login). */
#define ZC_TLS_SSL "zcyca-ssl"
static int zc_tls_pre_handshake(conn_rec *c, SSL *ssl, int is_proxy)
{
    if (!is_proxy && ssl)
        apr_pool_userdata_setn(ssl, ZC_TLS_SSL, NULL, c->pool);
    return OK;
}

SSL *zc_tls_ssl(conn_rec *c)
{
    void *ssl = NULL;
    if (c->master) /* an HTTP/2 stream: the TLS is its connection's */
        c = c->master;
    return apr_pool_userdata_get(&ssl, ZC_TLS_SSL, c->pool) == APR_SUCCESS ? ssl : NULL;
}

void zc_tls_register(apr_pool_t *p)
{
    /* mod_ssl's hooks are optional hooks: no link-time dependency on it. */
    apr_optional_hook_add("init_server", (void (*)(void))zc_tls_init_server, NULL, NULL, APR_HOOK_MIDDLE);
    apr_optional_hook_add("pre_handshake", (void (*)(void))zc_tls_pre_handshake, NULL, NULL, APR_HOOK_MIDDLE);
}

const char *zc_tls_tolerated_error(conn_rec *c)
{
    return apr_table_get(c->notes, ZC_TLS_NOTE);
}
