/* Refusals.  Written once, so that every one is logged with the id of the
 * place that refused, counted against the throttle when it was a login
 * attempt, audited when it was an action, and answered the same way.  Our
 * own outages (5xx) log at error level and write no audit row: the
 * database that would hold it is usually what failed. */
#include "refusal.h"
#include "audit.h"
#include "respond.h"
#include "throttle.h"
#include "apr_strings.h"

static int zc_refusal_level(const zc_refusal_t *f, const zc_err_info_t *info)
{
    if (!info || info->status >= 500)
        return APLOG_ERR;
    return f->quiet ? APLOG_DEBUG : APLOG_INFO;
}

/* " (user U, provider P, key K, serial S)" with the parts that are known. */
static const char *zc_refusal_context(request_rec *r, const zc_refusal_t *f)
{
    const char *parts[4][2] = {{"user ", r->user ? ap_escape_logitem(r->pool, r->user) : NULL},
                               {"provider ", f->provider_id},
                               {"key ", f->id ? f->id->key_id : NULL},
                               {"serial ", f->id ? f->id->cert.serial : NULL}};
    const char *out = "";
    for (int i = 0; i < 4; i++)
        if (parts[i][1])
            out = apr_pstrcat(r->pool, out, *out ? ", " : " (", parts[i][0], parts[i][1], NULL);
    return *out ? apr_pstrcat(r->pool, out, ")", NULL) : out;
}

/* Logs, throttles and audits f; returns the code to answer with: a login
 * failure counted past the throttle's limit answers THROTTLED (throttle.c). */
static zc_err_t zc_refusal_settle(request_rec *r, const char *file, int line, const char *logno,
                                  const zc_refusal_t *f)
{
    zc_err_t code = f->login ? zc_throttle_settle(r, f->code) : f->code;
    const zc_err_info_t *info = zc_err_info(code);
    int outage = !info || info->status >= 500;
    const char *was = code != f->code && zc_err_info(f->code) ? zc_err_info(f->code)->code : NULL;
    ap_log_rerror_(file, line, APLOG_MODULE_INDEX, zc_refusal_level(f, info), 0, r, "%s%s refused: %s%s: %s%s%s%s%s",
                   logno, f->event, info ? info->code : "?", zc_refusal_context(r, f),
                   f->detail ? ap_escape_logitem(r->pool, f->detail) : "", f->note ? "; " : "",
                   f->note ? ap_escape_logitem(r->pool, f->note) : "", was ? "; the failure was " : "", was ? was : "");
    if (!f->audit || outage)
        return code;
    zc_audit_t a = {.event = f->event, .success = 0, .code = code, .account_id = f->account_id,
                    .actor_id = f->actor_id, .provider_id = f->provider_id,
                    .key_id = f->id ? f->id->key_id : NULL, .cert_serial = f->id ? f->id->cert.serial : NULL,
                    .detail = was ? apr_pstrcat(r->pool, f->detail ? f->detail : "", " (", was, ")", NULL) : f->detail,
                    /* Possession counts only for a key that chains to a provider
                     * (its key id is known): anyone can make keys of their own. */
                    .anonymous = !f->account_id && !f->actor_id && !(f->proven && f->id && f->id->key_id)};
    zc_audit(r, &a);
    return code;
}

void zc_refusal_record(request_rec *r, const char *file, int line, const char *logno, const zc_refusal_t *f)
{
    (void)zc_refusal_settle(r, file, line, logno, f);
}

int zc_refuse(request_rec *r, const char *file, int line, const char *logno, const zc_refusal_t *f)
{
    return zc_respond_error(r, zc_refusal_settle(r, file, line, logno, f));
}
