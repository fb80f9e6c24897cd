/* Audit trail (audit.c). */
#ifndef ZC_AUDIT_H
#define ZC_AUDIT_H

#include "queries.h"

/* Write one audit row, or for an anonymous refusal (a->anonymous) count it
 * and write the row only as one of its hour's sample (ZcyCAAuditSample).  A
 * failure is logged, never shown to the user: the action it records has
 * already happened. */
void zc_audit(request_rec *r, const zc_audit_t *a);

/* Log (ZCYCA0401) that the audit row of event was not written. */
void zc_audit_lost(request_rec *r, const char *event, int success);

#endif
