/* Responses: every answer of the module is complete (status, type, body)
 * and never cached.  Errors carry the DESIGN section 7 code as JSON for API
 * clients and as a page with the 可能失败原因 for browsers. */
#include "respond.h"
#include "config.h"
#include "accept.h"
#include "http_protocol.h"
#include "apr_strings.h"
#include "apr_lib.h"

int zc_wants_html(request_rec *r)
{
    return zc_accept_wants_html(apr_table_get(r->headers_in, "Accept"),
                                apr_table_get(r->headers_in, "X-Requested-With"));
}

const char *zc_media_type(request_rec *r)
{
    const char *ct = apr_table_get(r->headers_in, "Content-Type");
    if (!ct)
        return "";
    const char *semi = strchr(ct, ';');
    char *mt = apr_pstrmemdup(r->pool, ct, semi ? (apr_size_t)(semi - ct) : strlen(ct));
    apr_collapse_spaces(mt, mt);
    ap_str_tolower(mt);
    return mt;
}

zc_err_t zc_read_body(request_rec *r, const char **buf, apr_size_t *len)
{
    apr_off_t limit = zc_srv_cfg(r->server)->max_body;
    const char *cl = apr_table_get(r->headers_in, "Content-Length");
    apr_off_t declared = -1;
    if (cl && (apr_strtoff(&declared, cl, NULL, 10) != APR_SUCCESS || declared < 0))
        declared = -1;
    if (declared > limit)
        return ZC_E_PAYLOAD_TOO_LARGE;
    if (ap_setup_client_block(r, REQUEST_CHUNKED_DECHUNK) != OK)
        return ZC_E_BAD_REQUEST;
    /* As much room as the body says it needs, not ZcyCAMaxBody for every
     * request; a chunked body grows its buffer by doubling up to the limit. */
    apr_size_t cap = declared >= 0 ? (apr_size_t)declared + 1 : 8192;
    if (cap > (apr_size_t)limit + 1)
        cap = (apr_size_t)limit + 1;
    char *data = apr_palloc(r->pool, cap + 1);
    apr_size_t got = 0;
    if (ap_should_client_block(r)) {
        long n;
        for (;;) {
            if (got == cap) {
                if (cap > (apr_size_t)limit)
                    return ZC_E_PAYLOAD_TOO_LARGE;
                apr_size_t bigger = cap * 2 > (apr_size_t)limit + 1 ? (apr_size_t)limit + 1 : cap * 2;
                char *more = apr_palloc(r->pool, bigger + 1);
                memcpy(more, data, got);
                data = more;
                cap = bigger;
            }
            if ((n = ap_get_client_block(r, data + got, cap - got)) <= 0)
                break;
            got += (apr_size_t)n;
            if (got > (apr_size_t)limit)
                return ZC_E_PAYLOAD_TOO_LARGE;
        }
        if (n < 0)
            return ZC_E_BAD_REQUEST;
    }
    data[got] = '\0';
    *buf = data;
    *len = got;
    return ZC_OK;
}

static void zc_no_store(request_rec *r)
{
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    apr_table_setn(r->headers_out, "X-Content-Type-Options", "nosniff");
}

/* Every body the module writes goes out here: status, type, length, body. */
static int zc_respond_body(request_rec *r, int status, const char *type, const char *body)
{
    r->status = status;
    zc_no_store(r);
    ap_set_content_type(r, type);
    ap_set_content_length(r, (apr_off_t)strlen(body));
    if (!r->header_only)
        ap_rputs(body, r);
    return OK;
}

int zc_respond_json(request_rec *r, int status, const char *json)
{
    return zc_respond_body(r, status, "application/json; charset=utf-8", json);
}

const char *zc_error_page(request_rec *r, zc_err_t e)
{
    const zc_dir_cfg_t *d = zc_dir_cfg(r);
    zc_err_links_t links = {d->login_url, d->manage_url};
    return zc_err_html(r->pool, e, &links);
}

int zc_respond_error(request_rec *r, zc_err_t e)
{
    const zc_err_info_t *info = zc_err_info(e);
    if (!info)
        info = zc_err_info(e = ZC_E_SERVICE_UNAVAILABLE);
    apr_table_setn(r->notes, "zcyca-error", info->code);
    if ((info->status == HTTP_SERVICE_UNAVAILABLE || info->status == HTTP_TOO_MANY_REQUESTS)
        && !apr_table_get(r->err_headers_out, "Retry-After"))
        apr_table_setn(r->err_headers_out, "Retry-After", "5");
    if (!zc_wants_html(r))
        return zc_respond_json(r, info->status, zc_err_json(r->pool, e));
    return zc_respond_body(r, info->status, "text/html; charset=utf-8", zc_error_page(r, e));
}

int zc_respond_redirect(request_rec *r, int status, const char *url)
{
    apr_table_setn(r->headers_out, "Location", url);
    return zc_respond_body(r, status, "text/html; charset=utf-8",
                           apr_pstrcat(r->pool, "<!DOCTYPE html><html><body><a href=\"", zc_html_escape(r->pool, url),
                                       "\">continue</a></body></html>", NULL));
}

int zc_respond_no_content(request_rec *r)
{
    r->status = HTTP_NO_CONTENT;
    zc_no_store(r);
    return OK;
}
