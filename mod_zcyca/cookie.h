/* Reading the Cookie request header (pure: no httpd headers). */
#ifndef ZC_COOKIE_H
#define ZC_COOKIE_H

#include <apr_pools.h>

/* The value of the first cookie called name in header (may be NULL),
 * copied into p; NULL when there is none. */
const char *zc_cookie_find(apr_pool_t *p, const char *header, const char *name);

/* That value when it is a well-formed token (zc_token_shaped: 43 base64url
 * characters); NULL otherwise. */
const char *zc_cookie_token(apr_pool_t *p, const char *header, const char *name);

#endif
