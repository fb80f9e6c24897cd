/* Audit: one row per login success or failure, logout, bind, unbind and
 * admin change.  The request's client address and user agent are added in
 * queries.c.
 *
 * Anonymous refusals (before any account or proven key is known: junk that
 * anyone can send, as often as they like) are counted instead, per hour,
 * event and code in zcyca.audit_summary, and only the first
 * ZcyCAAuditSample of each hour's count also get a full row: a flood grows
 * the database by a bounded amount per hour (docs/decisions.md).  Rows about
 * real accounts, proven keys and actors are always written in full. */
#include "audit.h"
#include "config.h"

void zc_audit_lost(request_rec *r, const char *event, int success)
{
    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, ZCLOGNO(0401) "audit row for %s (%s) was not written", event,
                  success ? "success" : "failure");
}

void zc_audit(request_rec *r, const zc_audit_t *a)
{
    const zc_srv_cfg_t *sc = zc_srv_cfg(r->server);
    zc_err_t e = a->anonymous && !a->success ? zc_q_audit_junk(r, a, sc->audit_sample, sc->audit_summary_days)
                                             : zc_q_audit_insert(r, a);
    if (e != ZC_OK)
        zc_audit_lost(r, a->event, a->success);
}
