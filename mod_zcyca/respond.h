/* Reading request bodies and writing JSON, HTML and redirects (respond.c). */
#ifndef ZC_RESPOND_H
#define ZC_RESPOND_H

#include "mod_zcyca.h"

/* True when the client is a browser that wants a page (accept.h decides
 * from Accept and X-Requested-With). */
int zc_wants_html(request_rec *r);

/* The body, at most ZcyCAMaxBody bytes (PAYLOAD_TOO_LARGE beyond), NUL
 * terminated; BAD_REQUEST on a read error. */
zc_err_t zc_read_body(request_rec *r, const char **buf, apr_size_t *len);

/* Content-Type media type of the request, lower case, no parameters ("" if none). */
const char *zc_media_type(request_rec *r);

/* Write a complete response; all return OK (the handler's return value). */
int zc_respond_json(request_rec *r, int status, const char *json);
int zc_respond_error(request_rec *r, zc_err_t e);

/* The HTML error page of e with this location's ways on (login, CA管理). */
const char *zc_error_page(request_rec *r, zc_err_t e);
int zc_respond_redirect(request_rec *r, int status, const char *url);
int zc_respond_no_content(request_rec *r);

#endif
