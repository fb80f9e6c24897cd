/* What every httpd-side file of mod_zcyca shares: the module, log ids, the
 * schema version and the per-request state.  Configuration is in config.h;
 * each subsystem keeps its state behind an opaque pointer of its own.  Pure
 * code (libzcyca_pure_la_SOURCES) does not include this file. */
#ifndef MOD_ZCYCA_H
#define MOD_ZCYCA_H

#include "httpd.h"
#include "http_config.h"
#include "http_log.h"

#include "errors.h"
#include "parse.h"
#include "verify.h"
#include "session_entry.h"

APLOG_USE_MODULE(zcyca);
extern module AP_MODULE_DECLARE_DATA zcyca_module;

/* One id per log call site; see docs/log-ids.md. */
#define ZCLOGNO(n) "ZCYCA" #n ": "

/* The schema this build expects (sql/NNN_*.sql, zcyca.schema_version). */
#define ZC_SCHEMA_VERSION 6

/* Per-request state in r->request_config (never in r->notes). */
typedef struct zc_conn_t zc_conn_t;
typedef struct {
    zc_conn_t *conn;             /* database connection held by this request */
    zc_session_t *session;       /* set by AuthType zcyca or a handler */
    int session_looked_up;
    const char *throttle_key;    /* the key or login this attempt is about */
    unsigned throttle_ip_counted : 1;  /* the attempt is already counted for the address */
    unsigned throttle_key_counted : 1; /* ... and for the key */
} zc_req_t;

/* The state of the request the client sent, shared by its subrequests (in
 * the top request's pool: a subrequest's pool goes before its parent). */
zc_req_t *zc_req(request_rec *r);

static inline request_rec *zc_top_request(request_rec *r)
{
    while (r->main)
        r = r->main;
    return r;
}

#endif
