/* Accept negotiation (pure: no httpd headers).  Every answer of the module
 * is JSON for API clients and a page for browsers; this decides which one a
 * request gets. */
#ifndef ZC_ACCEPT_H
#define ZC_ACCEPT_H

/* 1 when the client is a browser that wants a page: accept (the Accept
 * header, may be NULL) names text/html (or application/xhtml+xml) before
 * any JSON type, and the request is not an XHR (x_requested_with, the
 * X-Requested-With header, is NULL).  0: answer JSON. */
int zc_accept_wants_html(const char *accept, const char *x_requested_with);

#endif
