/* Accept negotiation (pure: no httpd headers).  Every answer of the module
 * is JSON for API clients and a page for browsers; this decides which one a
 * request gets. */
#ifndef ZC_ACCEPT_H
#define ZC_ACCEPT_H

/* 1 when the client is a browser that wants a page; 0: answer JSON.
 *
 * x_requested_with is the X-Requested-With header: present (whatever its
 * value), the request is an XHR and gets JSON.  accept is the Accept header
 * (may be NULL), read as RFC 9110 section 12.5.1 media ranges with
 * q-values.  The page types are text/html and application/xhtml+xml, the
 * JSON types every type whose subtype has "json" in it (application/json,
 * application/problem+json); wildcards are neither, so curl's and fetch()'s
 * "* / *" get JSON.  A page when the best q of a page type is above 0 and
 * above the best q of a JSON type, or equal to it and listed first.  A
 * range that is not well formed (a bad q, an unterminated quote, a type
 * that is not type/subtype) counts for nothing. */
int zc_accept_wants_html(const char *accept, const char *x_requested_with);

#endif
