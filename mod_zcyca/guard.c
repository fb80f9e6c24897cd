/* CSRF: a cross-site page can make a browser POST, but it cannot make it
 * send our Origin, nor a JSON content type without a CORS preflight that we
 * never grant.  Both are required; the Host header is never trusted. */
#include "guard.h"
#include "config.h"
#include "respond.h"

zc_err_t zc_guard_state_change(request_rec *r, int allow, int *is_form)
{
    zc_srv_cfg_t *sc = zc_srv_cfg(r->server);
    const char *mt = zc_media_type(r);
    int form = strcmp(mt, "application/x-www-form-urlencoded") == 0;
    if (is_form)
        *is_form = form;
    if (strcmp(mt, "application/json") != 0 && !(form && allow == ZC_GUARD_JSON_OR_FORM)) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, ZCLOGNO(0301) "refused: content type '%s' for %s", mt, r->uri);
        return ZC_E_CSRF_REJECTED;
    }
    if (!sc->origins || sc->origins->nelts == 0) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      ZCLOGNO(0302) "refused: no ZcyCAOrigin is set for virtual host %s (%s:%d); "
                      "set ZcyCAOrigin to the https origin users reach it at",
                      r->server->server_hostname, r->server->defn_name ? r->server->defn_name : "?",
                      r->server->defn_line_number);
        return ZC_E_CSRF_REJECTED;
    }
    const char *hdr = apr_table_get(r->headers_in, "Origin");
    const char *origin = zc_request_origin(r);
    if (origin) {
        for (int i = 0; i < sc->origins->nelts; i++)
            if (strcmp(origin, APR_ARRAY_IDX(sc->origins, i, const char *)) == 0)
                return ZC_OK;
    }
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, ZCLOGNO(0303) "refused: Origin '%s' is not an origin of this host",
                  hdr ? ap_escape_logitem(r->pool, hdr) : "(none)");
    return ZC_E_CSRF_REJECTED;
}

const char *zc_request_origin(request_rec *r)
{
    const char *hdr = apr_table_get(r->headers_in, "Origin");
    return hdr ? zc_origin_normalize(r->pool, hdr) : NULL;
}
