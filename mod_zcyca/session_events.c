/* Session events.  A per-node cache (shmcb) cannot see a logout made on
 * another node, an unbind, or an account disabled by the platform; the
 * database can.  sql/003 makes every deletion from zcyca.sessions a NOTIFY,
 * and one thread per child LISTENs on its own connection and removes the
 * token hash from the cache.  While that connection is down, entries fall
 * back to ZcyCASessionCacheTTL; the thread reconnects with a backoff. */
#include "session_events.h"
#include "config.h"
#include "cache.h"
#include "crypto_util.h"
#include "db.h"
#include "pools.h"
#include "apr_thread_proc.h"
#include <libpq-fe.h>
#include <poll.h>
#include <unistd.h>
#include <fcntl.h>
#include <errno.h>
#include <string.h>

typedef struct {
    server_rec *s;
    apr_pool_t *pool;         /* for the thread; cleared per batch */
    apr_thread_t *thread;
    int wake[2];              /* self-pipe: a byte ends the thread */
} zc_events_t;

/* Wait for fd to be readable, or for the stop byte; ms < 0: no timeout.
 * 1 readable, 0 timed out, -1 stop. */
static int zc_events_wait(zc_events_t *ev, int fd, int ms)
{
    struct pollfd p[2] = {{.fd = ev->wake[0], .events = POLLIN}, {.fd = fd, .events = POLLIN}};
    for (;;) {
        int n = poll(p, fd >= 0 ? 2 : 1, ms);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 || p[0].revents)
            return -1;
        return n > 0 ? 1 : 0;
    }
}

static PGconn *zc_events_listen(zc_events_t *ev)
{
    PGconn *pg = zc_db_open(ev->s, NULL);
    if (!pg)
        return NULL;
    /* A constant utility statement: no parameter, nothing to inject. */
    PGresult *res = PQexecParams(pg, "LISTEN " ZC_SESSION_EVENTS_CHANNEL, 0, NULL, NULL, NULL, NULL, 0);
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    if (!ok || PQsetnonblocking(pg, 1) != 0) {
        PQfinish(pg);
        return NULL;
    }
    return pg;
}

/* Remove every notified session from the cache; 0 when the connection broke. */
static int zc_events_drain(zc_events_t *ev, PGconn *pg)
{
    if (!PQconsumeInput(pg))
        return 0;
    PGnotify *n;
    while ((n = PQnotifies(pg)) != NULL) {
        size_t len = 0;
        unsigned char *h = zc_b64_decode(ev->pool, n->extra, strlen(n->extra), 0, &len);
        if (h && len == ZC_SHA256_LEN)
            zc_cache_remove_in(ev->s, ev->pool, h);
        PQfreemem(n);
    }
    apr_pool_clear(ev->pool);
    return PQstatus(pg) == CONNECTION_OK;
}

static void *APR_THREAD_FUNC zc_events_run(apr_thread_t *t, void *data)
{
    zc_events_t *ev = data;
    int backoff = 0, was_up = 0;
    for (;;) {
        PGconn *pg = zc_events_listen(ev);
        if (pg) {
            if (backoff) {
                ap_log_error(APLOG_MARK, APLOG_INFO, 0, ev->s,
                             ZCLOGNO(1802) "listening for session events again");
                /* Events sent meanwhile are lost: no connection memo taken
                 * before now is trusted (the cache itself keeps its TTL). */
                zc_cache_generation_bump(ev->s);
            }
            backoff = 0;
            was_up = 1;
            int w;
            while ((w = zc_events_wait(ev, PQsocket(pg), -1)) > 0 && zc_events_drain(ev, pg))
                ;
            PQfinish(pg);
            if (w < 0)
                break;
        }
        if (!backoff && was_up)
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, ev->s,
                         ZCLOGNO(1801) "lost the session-event connection; cached sessions are trusted for at "
                         "most ZcyCASessionCacheTTL until it is back");
        backoff = backoff ? (backoff < 4000 ? backoff * 2 : 4000) : 250;
        if (zc_events_wait(ev, -1, backoff) < 0)
            break;
    }
    /* Not apr_thread_exit(): it would destroy the thread's pool, a subpool
     * of pchild, on this thread, and pchild's allocator has no mutex under
     * prefork.  The pool goes with pchild, after zc_events_stop's join. */
    return NULL;
}

static apr_status_t zc_events_stop(void *data)
{
    zc_events_t *ev = data;
    apr_status_t rv;
    if (write(ev->wake[1], "x", 1) == 1)
        apr_thread_join(&rv, ev->thread);
    close(ev->wake[0]);
    close(ev->wake[1]);
    return APR_SUCCESS;
}

void zc_session_events_child_init(apr_pool_t *pchild, server_rec *s)
{
    zc_global_t *g = zc_srv_cfg(s)->g;
    if (!zc_cache_on(g) || !g->child)
        return;
    zc_events_t *ev = apr_pcalloc(pchild, sizeof *ev);
    ev->s = s;
    if (pipe2(ev->wake, O_CLOEXEC) != 0)
        goto fail;
    /* The listener's thread clears this pool while others use the child's. */
    if ((ev->pool = zc_pool_create_threadsafe(pchild)) == NULL
        || apr_thread_create(&ev->thread, NULL, zc_events_run, ev, pchild) != APR_SUCCESS) {
        close(ev->wake[0]);
        close(ev->wake[1]);
        goto fail;
    }
    /* Before the pool's own cleanups free what the thread uses. */
    apr_pool_pre_cleanup_register(pchild, ev, zc_events_stop);
    return;
fail:
    ap_log_error(APLOG_MARK, APLOG_ERR, errno, s,
                 ZCLOGNO(1803) "cannot start the session-event listener; sessions ended elsewhere leave this "
                 "node's cache after ZcyCASessionCacheTTL");
}
