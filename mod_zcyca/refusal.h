/* The one failure path (refusal.c).  Every refusal of the module logs at its
 * own call site with its own id, settles the throttle counts of a login
 * attempt, writes its audit row, and answers with its section 7 code. */
#ifndef ZC_REFUSAL_H
#define ZC_REFUSAL_H

#include "mod_zcyca.h"

typedef struct {
    zc_err_t code;
    const char *event;        /* what was refused: "login", "bind", "challenge", ... */
    const char *detail;       /* for operators: log and audit, never the client */
    const char *note;         /* more for the log line only */
    unsigned audit : 1;       /* an action the audit trail records (login, bind, admin) */
    unsigned login : 1;       /* a login attempt: its throttle counts are settled */
    unsigned quiet : 1;       /* routine (no session on a session probe): debug level */
    unsigned proven : 1;      /* the client has proven it holds the key of id */
    const zc_identity_t *id;  /* the certificate seen, if any */
    const char *provider_id;
    apr_int64_t account_id, actor_id;  /* 0: not known */
} zc_refusal_t;

/* Log, throttle and audit f; no answer (a router answers later). */
void zc_refusal_record(request_rec *r, const char *file, int line, const char *logno, const zc_refusal_t *f);

/* zc_refusal_record, then the error response; returns the handler status. */
int zc_refuse(request_rec *r, const char *file, int line, const char *logno, const zc_refusal_t *f);

/* return ZC_REFUSE(r, ZCLOGNO(nnnn), .code = e, .event = "login", ...); */
#define ZC_REFUSE(r, logno, ...) zc_refuse((r), __FILE__, __LINE__, logno, &(const zc_refusal_t){__VA_ARGS__})

#endif
