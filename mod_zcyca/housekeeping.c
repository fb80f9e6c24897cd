/* Housekeeping.  Logins no longer sweep (issue 15): expired and idle
 * sessions, challenges expired over an hour ago, and the monthly audit
 * partitions are looked after by zcyca.housekeeping() (sql/006), which one
 * thread per child calls every ZcyCAHousekeeping seconds on a connection of
 * its own.  The function takes an advisory lock, so of all the children of
 * all the nodes one works at a time and the others return at once; each
 * child starts at its own offset into the interval so they do not all
 * knock together. */
#include "housekeeping.h"
#include "config.h"
#include "db.h"
#include "apr_strings.h"
#include "apr_thread_cond.h"
#include "apr_thread_mutex.h"
#include "apr_thread_proc.h"
#include <libpq-fe.h>
#include <unistd.h>

#define ZC_HOUSEKEEPING_BATCH "5000"   /* rows per table per call */
#define ZC_HOUSEKEEPING_ROUNDS 20      /* calls per wake-up while a table is still full */

typedef struct {
    server_rec *s;
    apr_thread_t *thread;
    apr_thread_mutex_t *lock;
    apr_thread_cond_t *cond;
    int stopping;
    long idle;                 /* the longest ZcyCASessionIdle of the virtual hosts */
} zc_housekeeper_t;

/* A failed call: logged with the database's message; 0. */
static int zc_housekeeping_failed(zc_housekeeper_t *hk, PGresult *res)
{
    ap_log_error(APLOG_MARK, APLOG_WARNING, 0, hk->s, ZCLOGNO(2201) "housekeeping failed: %s", zc_db_errmsg(res));
    PQclear(res);
    return 0;
}

/* One run: call the function until a call finds less than a batch to do.
 * 1 done, 0 the call failed (logged), -1 no connection. */
static int zc_housekeeping_run(zc_housekeeper_t *hk, apr_pool_t *p)
{
    zc_global_t *g = zc_srv_cfg(hk->s)->g;
    PGconn *pg = zc_db_open(hk->s, "mod_zcyca housekeeping");
    if (!pg)
        return -1;
    const char *v[] = {apr_psprintf(p, "%ld", hk->idle), apr_psprintf(p, "%ld", g->audit_keep_months),
                       ZC_HOUSEKEEPING_BATCH};
    PGresult *res = PQprepare(pg, "", zc_db_sql(ZC_Q_HOUSEKEEPING), 3, NULL);
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK ? 1 : zc_housekeeping_failed(hk, res);
    if (ok)
        PQclear(res);
    for (int round = 0; ok && round < ZC_HOUSEKEEPING_ROUNDS; round++) {
        res = PQexecPrepared(pg, "", 3, v, NULL, NULL, 0);
        if (PQresultStatus(res) != PGRES_TUPLES_OK) {
            ok = zc_housekeeping_failed(hk, res);
            break;
        }
        int more = 0;
        if (PQntuples(res) == 1) {
            const char *sessions = PQgetvalue(res, 0, 0), *challenges = PQgetvalue(res, 0, 1);
            const char *made = PQgetvalue(res, 0, 2), *dropped = PQgetvalue(res, 0, 3);
            if (strcmp(sessions, "0") || strcmp(challenges, "0") || strcmp(made, "0") || strcmp(dropped, "0"))
                ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, hk->s,
                             ZCLOGNO(2202) "housekeeping: %s sessions and %s challenges deleted, audit months: "
                             "%s made, %s dropped", sessions, challenges, made, dropped);
            if (strcmp(dropped, "0"))
                ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, hk->s,
                             ZCLOGNO(2203) "audit: %s monthly partitions older than %ld months dropped "
                             "(ZcyCAAuditRetention)", dropped, g->audit_keep_months);
            more = !strcmp(sessions, ZC_HOUSEKEEPING_BATCH) || !strcmp(challenges, ZC_HOUSEKEEPING_BATCH);
        }
        PQclear(res);
        if (!more)
            break;
    }
    PQfinish(pg);
    return ok;
}

static void *APR_THREAD_FUNC zc_housekeeping_thread(apr_thread_t *t, void *data)
{
    zc_housekeeper_t *hk = data;
    zc_global_t *g = zc_srv_cfg(hk->s)->g;
    apr_pool_t *p;
    apr_pool_create_unmanaged(&p);
    /* The first run comes at an offset into the interval: children started
     * together spread out, and a new child does not add to a busy start. */
    apr_interval_time_t wait = apr_time_from_sec(g->housekeeping_interval) * (1 + getpid() % 8) / 9;
    int failing = 0;
    apr_thread_mutex_lock(hk->lock);
    while (!hk->stopping) {
        apr_thread_cond_timedwait(hk->cond, hk->lock, wait);
        if (hk->stopping)
            break;
        apr_thread_mutex_unlock(hk->lock);
        int ok = zc_housekeeping_run(hk, p);
        if (ok < 0 && !failing)
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, hk->s,
                         ZCLOGNO(2204) "housekeeping could not reach the database; trying again every %ld s",
                         g->housekeeping_interval);
        failing = ok < 0;
        apr_pool_clear(p);
        wait = apr_time_from_sec(g->housekeeping_interval);
        apr_thread_mutex_lock(hk->lock);
    }
    apr_thread_mutex_unlock(hk->lock);
    apr_pool_destroy(p);
    return NULL;
}

static apr_status_t zc_housekeeping_stop(void *data)
{
    zc_housekeeper_t *hk = data;
    apr_status_t rv;
    apr_thread_mutex_lock(hk->lock);
    hk->stopping = 1;
    apr_thread_cond_signal(hk->cond);
    apr_thread_mutex_unlock(hk->lock);
    apr_thread_join(&rv, hk->thread);
    return APR_SUCCESS;
}

void zc_housekeeping_child_init(apr_pool_t *pchild, server_rec *s)
{
    zc_global_t *g = zc_srv_cfg(s)->g;
    if (!g->db_conninfo || g->housekeeping_interval <= 0)
        return;
    zc_housekeeper_t *hk = apr_pcalloc(pchild, sizeof *hk);
    hk->s = s;
    for (server_rec *v = s; v; v = v->next)
        if (zc_srv_cfg(v)->session_idle > hk->idle)
            hk->idle = zc_srv_cfg(v)->session_idle;
    if (apr_thread_mutex_create(&hk->lock, APR_THREAD_MUTEX_DEFAULT, pchild) != APR_SUCCESS
        || apr_thread_cond_create(&hk->cond, pchild) != APR_SUCCESS
        || apr_thread_create(&hk->thread, NULL, zc_housekeeping_thread, hk, pchild) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s,
                     ZCLOGNO(2205) "cannot start the housekeeping thread; expired sessions and challenges stay "
                     "until another child or node sweeps them");
        return;
    }
    /* Before the pool's own cleanups free what the thread uses. */
    apr_pool_pre_cleanup_register(pchild, hk, zc_housekeeping_stop);
}
