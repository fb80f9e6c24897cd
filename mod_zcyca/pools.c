/* Pools for the child's own threads (see pools.h). */
#include "pools.h"
#include <apr_allocator.h>
#include <apr_thread_mutex.h>

apr_pool_t *zc_pool_create_threadsafe(apr_pool_t *parent)
{
    apr_allocator_t *alloc;
    apr_pool_t *p;
    apr_thread_mutex_t *mutex;
    /* APR takes this mutex for every block of the allocator and whenever a
     * subpool of p is linked into or out of p.  It lives in parent, not in
     * p: clearing p runs p's cleanups, which would destroy a mutex of p's
     * own while the allocator still locks it (and p's next allocations
     * would overwrite it).  parent outlives p, its subpool. */
    if (apr_thread_mutex_create(&mutex, APR_THREAD_MUTEX_DEFAULT, parent) != APR_SUCCESS)
        return NULL;
    if (apr_allocator_create(&alloc) != APR_SUCCESS)
        return NULL;
    apr_allocator_mutex_set(alloc, mutex);
    if (apr_pool_create_ex(&p, parent, NULL, alloc) != APR_SUCCESS) {
        apr_allocator_destroy(alloc);
        return NULL;
    }
    apr_allocator_owner_set(alloc, p);   /* destroyed with p */
    return p;
}
