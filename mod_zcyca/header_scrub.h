/* The header scrub (pure: no httpd headers).  Nothing a client sends may
 * pose as the identity the module hands on, so every request header whose
 * name is one of ours is removed before any other module runs. */
#ifndef ZC_HEADER_SCRUB_H
#define ZC_HEADER_SCRUB_H

#include <apr_pools.h>
#include <apr_tables.h>

/* 1 when name is one of ours: it folds (ASCII case) to "zcyca", alone or
 * followed by '-' or '_' and anything.  Used for request headers and for
 * the ZCYCA_* environment variables alike. */
int zc_header_is_ours(const char *name);

/* Remove every header of ours from t (every instance of each).  Returns
 * the names removed, as the client spelled them, one per instance, in p;
 * an empty array when there was none. */
apr_array_header_t *zc_header_scrub(apr_pool_t *p, apr_table_t *t);

#endif
