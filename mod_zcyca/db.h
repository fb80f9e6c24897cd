/* Per-child PostgreSQL pool and prepared statements (db.c). */
#ifndef ZC_DB_H
#define ZC_DB_H

#include "mod_zcyca.h"
#include <libpq-fe.h>
#include "sql_macros.h"

typedef enum {
#define ZC_SQL(id, n, text) ZC_Q_##id,
#include "sql.def"
#include "sql_admin.def"
#undef ZC_SQL
    ZC_Q__COUNT
} zc_q_t;

/* child_init: build this child's pool (never fails for a database that is
 * down; connections are made on demand). */
void zc_db_child_init(apr_pool_t *pchild, server_rec *s);

/* A connection of its own (not from the pool) with the pool's settings, for
 * a long-lived listener or the housekeeping sweep; application_name is
 * name (NULL: "mod_zcyca", as the pool's).  NULL when the database cannot
 * be reached.  The caller PQfinish()es it. */
PGconn *zc_db_open(server_rec *s, const char *name);

/* The text of statement q, for a connection of zc_db_open's. */
const char *zc_db_sql(zc_q_t q);

/* The primary message of a failed result (DETAIL lines can quote
 * parameter values, so they are never logged). */
const char *zc_db_errmsg(const PGresult *res);

/* Run prepared statement q with text parameters (NULL = SQL NULL).  Binary
 * parameters: pass lengths/formats (may be NULL for all-text).  The result
 * is freed with r->pool.  ZC_E_SERVICE_UNAVAILABLE when the database cannot
 * be reached or the statement failed; the reason is logged here. */
zc_err_t zc_db_exec(request_rec *r, zc_q_t q, const char *const *values, const int *lengths,
                    const int *formats, PGresult **res);

/* The request needs no more statements: hand its connection back now, so a
 * slow backend behind AuthType zcyca does not hold a pool slot. */
void zc_db_done(request_rec *r);

/* Rows changed / returned helpers over a result from zc_db_exec. */
static inline const char *zc_db_val(PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

#endif
