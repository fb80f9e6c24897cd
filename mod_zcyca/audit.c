/* Audit: one row per login success or failure, logout, bind, unbind and
 * admin change.  The request's client address and user agent are added in
 * queries.c. */
#include "audit.h"

void zc_audit(request_rec *r, const zc_audit_t *a)
{
    if (zc_q_audit_insert(r, a) != ZC_OK)
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, ZCLOGNO(0401) "audit row for %s (%s) was not written",
                      a->event, a->success ? "success" : "failure");
}
