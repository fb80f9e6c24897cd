/* Per-child libpq pool on apr_reslist (the mod_dbd pattern): connections are
 * made on demand, every statement is prepared on connect, a request holds at
 * most one connection and hands it back through an r->pool cleanup.  A
 * broken connection is invalidated, never returned to the pool, and a
 * statement that failed on a stale connection is retried once on a fresh
 * one, so the module recovers by itself when PostgreSQL comes back. */
#include "db.h"
#include "config.h"
#include "apr_reslist.h"
#include "apr_strings.h"

struct zc_child_t {
    apr_reslist_t *conns;
    server_rec *s;
    const char *const *kw;     /* PQconnectdbParams keywords */
    const char *const *vals;
};

struct zc_conn_t {
    PGconn *pg;
    zc_child_t *ch;
};

static const struct {
    const char *name;
    int nparams;
    const char *text;
} zc_sql[] = {
#define ZC_SQL(id, n, text) {"zc_" #id, n, text},
#include "sql.def"
#include "sql_admin.def"
#undef ZC_SQL
};

/* The primary message only: DETAIL lines can quote parameter values. */
const char *zc_db_sql(zc_q_t q)
{
    return zc_sql[q].text;
}

const char *zc_db_errmsg(const PGresult *res)
{
    const char *m = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    return m ? m : "no result";
}

/* The schema must be the one this build was written for. */
static int zc_db_schema_ok(zc_conn_t *c)
{
    PGresult *res = PQexecPrepared(c->pg, zc_sql[ZC_Q_SCHEMA_VERSION].name, 0, NULL, NULL, NULL, 0);
    int ok = 0;
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, c->ch->s,
                     ZCLOGNO(0102) "cannot read zcyca.schema_version (%s); apply the migrations with "
                     "scripts/migrate", zc_db_errmsg(res));
    }
    else {
        long v = atol(PQgetvalue(res, 0, 0));
        if (v < ZC_SCHEMA_VERSION)
            ap_log_error(APLOG_MARK, APLOG_ERR, 0, c->ch->s,
                         ZCLOGNO(0103) "database schema is at version %ld but this mod_zcyca needs %d; "
                         "run scripts/migrate against the database", v, ZC_SCHEMA_VERSION);
        else {
            if (v > ZC_SCHEMA_VERSION)
                ap_log_error(APLOG_MARK, APLOG_WARNING, 0, c->ch->s,
                             ZCLOGNO(0104) "database schema is at version %ld, newer than the %d this "
                             "mod_zcyca was built for; continuing (migrations are additive)", v,
                             ZC_SCHEMA_VERSION);
            ok = 1;
        }
    }
    PQclear(res);
    return ok;
}

static apr_status_t zc_db_construct(void **resource, void *params, apr_pool_t *pool)
{
    zc_child_t *ch = params;
    zc_conn_t *c = calloc(1, sizeof *c); /* owned by the reslist; freed in destruct */
    if (!c)
        return APR_ENOMEM;
    c->ch = ch;
    c->pg = PQconnectdbParams(ch->kw, ch->vals, 1);
    if (PQstatus(c->pg) != CONNECTION_OK) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, ch->s, ZCLOGNO(0105) "database unavailable: %s",
                     PQerrorMessage(c->pg));
        PQfinish(c->pg);
        free(c);
        return APR_EGENERAL;
    }
    /* SCHEMA_VERSION is prepared first on its own so a missing schema is
     * reported as such, not as a failed prepare of some other statement. */
    PGresult *res = PQprepare(c->pg, zc_sql[ZC_Q_SCHEMA_VERSION].name, zc_sql[ZC_Q_SCHEMA_VERSION].text, 0, NULL);
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    if (!ok)
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, ch->s,
                     ZCLOGNO(0106) "the zcyca schema is missing (%s); create it with scripts/migrate",
                     zc_db_errmsg(res));
    PQclear(res);
    if (ok && zc_db_schema_ok(c)) {
        /* prepare the rest (index 0 is done) */
        for (int i = 1; ok && i < ZC_Q__COUNT; i++) {
            res = PQprepare(c->pg, zc_sql[i].name, zc_sql[i].text, zc_sql[i].nparams, NULL);
            ok = PQresultStatus(res) == PGRES_COMMAND_OK;
            if (!ok)
                ap_log_error(APLOG_MARK, APLOG_ERR, 0, ch->s, ZCLOGNO(0101) "cannot prepare statement %s: %s",
                             zc_sql[i].name, zc_db_errmsg(res));
            PQclear(res);
        }
    }
    else
        ok = 0;
    if (!ok) {
        PQfinish(c->pg);
        free(c);
        return APR_EGENERAL;
    }
    *resource = c;
    return APR_SUCCESS;
}

static apr_status_t zc_db_destruct(void *resource, void *params, apr_pool_t *pool)
{
    zc_conn_t *c = resource;
    PQfinish(c->pg);
    free(c);
    return APR_SUCCESS;
}

static int zc_db_usable(const zc_conn_t *c)
{
    return PQstatus(c->pg) == CONNECTION_OK && PQtransactionStatus(c->pg) == PQTRANS_IDLE;
}

void zc_db_child_init(apr_pool_t *pchild, server_rec *s)
{
    zc_global_t *g = zc_srv_cfg(s)->g;
    if (!g->db_conninfo)
        return;
    zc_child_t *ch = apr_pcalloc(pchild, sizeof *ch);
    ch->s = s;
    /* Our defaults first: a conninfo that names the same keyword wins. */
    const char **kw = apr_pcalloc(pchild, 6 * sizeof *kw);
    const char **vals = apr_pcalloc(pchild, 6 * sizeof *vals);
    kw[0] = "connect_timeout";
    vals[0] = apr_psprintf(pchild, "%ld", g->db_timeout < 2 ? 2 : g->db_timeout);
    kw[1] = "options";
    vals[1] = apr_psprintf(pchild, "-c statement_timeout=%ld -c lock_timeout=%ld", g->db_timeout * 1000,
                           g->db_timeout * 1000);
    kw[2] = "application_name";
    vals[2] = "mod_zcyca";
    kw[3] = "dbname";
    vals[3] = g->db_conninfo;
    ch->kw = kw;
    ch->vals = vals;

    apr_status_t rv = apr_reslist_create(&ch->conns, g->pool_min, g->pool_keep, g->pool_max,
                                         apr_time_from_sec(g->pool_ttl), zc_db_construct, zc_db_destruct,
                                         ch, pchild);
    if (rv != APR_SUCCESS && g->pool_min > 0) {
        /* The database is down at child start: go on without a warm pool. */
        ap_log_error(APLOG_MARK, APLOG_WARNING, rv, s,
                     ZCLOGNO(0107) "could not open %d database connections at child start; "
                     "connections will be made on demand", g->pool_min);
        rv = apr_reslist_create(&ch->conns, 0, g->pool_keep, g->pool_max, apr_time_from_sec(g->pool_ttl),
                                zc_db_construct, zc_db_destruct, ch, pchild);
    }
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, ZCLOGNO(0108) "cannot create the database pool");
        return;
    }
    apr_reslist_timeout_set(ch->conns, apr_time_from_sec(g->db_timeout));
    apr_reslist_cleanup_order_set(ch->conns, APR_RESLIST_CLEANUP_FIRST);
    g->child = ch;

    /* Check the schema now so a mismatch is in the log at start, not at the
     * first login. */
    void *res;
    if (apr_reslist_acquire(ch->conns, &res) == APR_SUCCESS)
        apr_reslist_release(ch->conns, res);
}

PGconn *zc_db_open(server_rec *s, const char *name)
{
    zc_child_t *ch = zc_srv_cfg(s)->g->child;
    if (!ch)
        return NULL;
    /* The pool's keywords, with this connection's own application_name
     * (kw[2]), so pg_stat_activity tells it from the pool's. */
    const char *vals[6];
    memcpy(vals, ch->vals, sizeof vals);
    if (name)
        vals[2] = name;
    PGconn *pg = PQconnectdbParams(ch->kw, vals, 1);
    if (PQstatus(pg) == CONNECTION_OK)
        return pg;
    PQfinish(pg);
    return NULL;
}

static apr_status_t zc_db_release(void *data)
{
    zc_conn_t *c = data;
    if (zc_db_usable(c))
        apr_reslist_release(c->ch->conns, c);
    else
        apr_reslist_invalidate(c->ch->conns, c);
    return APR_SUCCESS;
}

/* Checked on acquire: a server that shut down has told its clients so;
 * reading that (without blocking) marks the connection bad. */
static int zc_db_alive(zc_conn_t *c)
{
    /* The first read takes a pending termination message, the second sees
     * the end of the stream; neither blocks (libpq sockets are non-blocking). */
    return PQconsumeInput(c->pg) == 1 && PQconsumeInput(c->pg) == 1 && zc_db_usable(c);
}

static zc_conn_t *zc_db_acquire(request_rec *r)
{
    zc_req_t *rq = zc_req(r);
    if (rq->conn)
        return rq->conn;
    zc_global_t *g = zc_srv_cfg(r->server)->g;
    zc_child_t *ch = g->child;
    if (!ch) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      ZCLOGNO(0109) "no database pool in this child (is ZcyCADatabase set?)");
        return NULL;
    }
    zc_conn_t *c = NULL;
    for (int tries = 0; !c && tries <= g->pool_max; tries++) {
        void *res;
        apr_status_t rv = apr_reslist_acquire(ch->conns, &res);
        if (rv != APR_SUCCESS) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r, ZCLOGNO(0110) "no database connection available");
            return NULL;
        }
        c = res;
        if (!zc_db_alive(c)) {
            ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, ZCLOGNO(0112) "dropping a dead pooled database connection");
            apr_reslist_invalidate(ch->conns, c);
            c = NULL;
        }
    }
    if (!c)
        return NULL;
    rq->conn = c;
    request_rec *main = zc_top_request(r);
    apr_pool_cleanup_register(main->pool, rq->conn, zc_db_release, apr_pool_cleanup_null);
    return rq->conn;
}

/* Give the request's connection back now (released if usable, else
 * dropped) instead of when the request ends. */
static void zc_db_drop(request_rec *r)
{
    zc_req_t *rq = zc_req(r);
    request_rec *main = zc_top_request(r);
    if (rq->conn)
        apr_pool_cleanup_run(main->pool, rq->conn, zc_db_release);
    rq->conn = NULL;
}

void zc_db_done(request_rec *r)
{
    zc_db_drop(r);
}

static apr_status_t zc_db_pqclear(void *res)
{
    PQclear(res);
    return APR_SUCCESS;
}

zc_err_t zc_db_exec(request_rec *r, zc_q_t q, const char *const *values, const int *lengths,
                    const int *formats, PGresult **out)
{
    int attempts = zc_srv_cfg(r->server)->g->pool_max + 1;
    for (int attempt = 0; attempt < attempts; attempt++) {
        zc_conn_t *c = zc_db_acquire(r);
        if (!c)
            return ZC_E_SERVICE_UNAVAILABLE;
        PGresult *res = PQexecPrepared(c->pg, zc_sql[q].name, zc_sql[q].nparams, values, lengths, formats, 0);
        ExecStatusType st = PQresultStatus(res);
        if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
            apr_pool_cleanup_register(r->pool, res, zc_db_pqclear, apr_pool_cleanup_null);
            *out = res;
            return ZC_OK;
        }
        int broken = PQstatus(c->pg) != CONNECTION_OK;
        ap_log_rerror(APLOG_MARK, broken && attempt == 0 ? APLOG_WARNING : APLOG_ERR, 0, r,
                      ZCLOGNO(0111) "statement %s failed%s: %s", zc_sql[q].name,
                      broken ? " (connection lost)" : "", zc_db_errmsg(res));
        PQclear(res);
        if (!broken)
            return ZC_E_SERVICE_UNAVAILABLE;
        /* A pooled connection may have died while idle without our noticing
         * (no shutdown message reached us): try the next one.  With the
         * server down, making a new one fails and ends the loop. */
        zc_db_drop(r);
    }
    return ZC_E_SERVICE_UNAVAILABLE;
}
