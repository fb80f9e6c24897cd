/* Reading the Cookie request header (pure: no httpd headers).
 *
 * A Cookie header is "name=value" pairs joined by "; " (RFC 6265 section
 * 4.2.1).  Names are compared exactly (case and all): "zcyca_session_old"
 * and "ZCYCA_SESSION" are other cookies than "zcyca_session".  A value is
 * what lies between '=' and the next ';', without the spaces and tabs
 * around it; quotes are part of it (a quoted value is never one of our
 * tokens). */
#ifndef ZC_COOKIE_H
#define ZC_COOKIE_H

#include <apr_pools.h>

/* The value of the first cookie called name in header (may be NULL),
 * copied into p; NULL when there is none. */
const char *zc_cookie_find(apr_pool_t *p, const char *header, const char *name);

/* The first value of a cookie called name that is a well-formed token
 * (zc_token_shaped: 43 base64url characters), copied into p; NULL when
 * there is none.  A browser sends every cookie that matches the request,
 * the most specific path first, so one of the same name set by another
 * host of the domain (Domain=) or for a sub-path can come before ours; one
 * that is not even a token is passed over instead of hiding ours. */
const char *zc_cookie_token(apr_pool_t *p, const char *header, const char *name);

#endif
