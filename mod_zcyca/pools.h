/* Pools for the child's own threads (pure: APR only). */
#ifndef ZC_POOLS_H
#define ZC_POOLS_H

#include <apr_pools.h>

/* A subpool of parent with an allocator of its own guarded by a mutex, for
 * pools that several threads create subpools of, clear or destroy (the CRL
 * watcher and logins reloading CRLs; the session-event listener).  The
 * child's pchild has an allocator without a mutex: subpools made and freed
 * from several threads would race on it.  The pool may be cleared (its
 * mutex is parent's).  NULL when it cannot be made. */
apr_pool_t *zc_pool_create_threadsafe(apr_pool_t *parent);

#endif
