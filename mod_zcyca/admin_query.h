/* Typed wrappers over sql_admin.def for the admin endpoints (admin_query.c):
 * h_admin.c never sees a PGresult.  Lists come back as JSON, built here
 * from the rows. */
#ifndef ZC_ADMIN_QUERY_H
#define ZC_ADMIN_QUERY_H

#include "config.h"
#include <jansson.h>

#define ZC_AQ_TEXT_MAX 256  /* bytes of an account login or key id */

/* Dates in filters are "YYYY-MM-DD" (midnight UTC) or RFC 3339 with an
 * offset ("2026-11-24T08:00:00+08:00").  In the filters, NULL strings and
 * has_* = 0 match everything. */

/* GET /admin/bindings. */
typedef struct {
    const char *account;        /* account login */
    const char *key_id, *provider;
    int has_expires_before;
    apr_time_t expires_before;  /* certificate not_after strictly before */
    long limit;
    apr_int64_t after;          /* ids above this one */
} zc_aq_binding_filter_t;

/* From ?account=&key_id=&provider=&expires_before=&limit=&after=.  An
 * unknown parameter or a bad value: BAD_REQUEST with *bad naming it. */
zc_err_t zc_aq_binding_filter(request_rec *r, zc_aq_binding_filter_t *f, const char **bad);

/* {"bindings":[...],"next"} (zc_binding_page_json). */
zc_err_t zc_aq_bindings(request_rec *r, const zc_aq_binding_filter_t *f, const char **json);

/* GET /admin/audit, newest first. */
typedef struct {
    const char *event, *account, *outcome, *code;
    int has_since, has_until;
    apr_time_t since, until;    /* since inclusive, until exclusive */
    long limit;
    apr_int64_t after;          /* ids below this one (0: from the newest) */
} zc_aq_audit_filter_t;

/* From ?event=&account=&outcome=&code=&since=&until=&limit=&after=; as above. */
zc_err_t zc_aq_audit_filter(request_rec *r, zc_aq_audit_filter_t *f, const char **bad);

/* {"audit":[{"id","at","event","outcome","code","actor","account","provider",
 * "key_id","cert_serial","ip","user_agent","detail","anonymous"}],"next"}. */
zc_err_t zc_aq_audit(request_rec *r, const zc_aq_audit_filter_t *f, const char **json);

/* GET /admin/audit/summary: ?event=&code=&since=&until=&limit= (the fields
 * of zc_aq_audit_filter_t they name; as above). */
zc_err_t zc_aq_audit_summary_filter(request_rec *r, zc_aq_audit_filter_t *f, const char **bad);

/* {"summary":[{"hour","event","code","count","first_at","last_at","last_ip"}]}:
 * the hourly counts of anonymous refusals, newest hour first. */
zc_err_t zc_aq_audit_summary(request_rec *r, const zc_aq_audit_filter_t *f, const char **json);

/* Endpoints that take no query parameters: BAD_REQUEST for any. */
zc_err_t zc_aq_no_args(request_rec *r, const char **bad);

/* Region codes (区划代码): 1..32 of [A-Za-z0-9_-]. */
int zc_aq_region_code_ok(const char *code);

/* s cut to at most max bytes on a character boundary, control characters
 * and (in invalid UTF-8) non-ASCII bytes as '?': safe for an audit detail. */
const char *zc_aq_clean(request_rec *r, const char *s, size_t max);

/* Regions as [{"code","name","ca_enabled","providers":[ids]}], by code.
 * code NULL: all of them; else that one, ZC_E_NOT_FOUND when it does not
 * exist.  *out is owned by the caller (json_decref, or steal it). */
zc_err_t zc_aq_regions(request_rec *r, const char *code, json_t **out);

/* What a region update changed, for the audit detail. */
typedef struct {
    int was_enabled;
    const char *removed, *added;   /* comma-separated provider ids, or NULL */
} zc_aq_region_change_t;

/* Switch the region and, when providers is not NULL, make its accepted set
 * exactly those ids (one statement).  The ids must be configured provider
 * ids (the caller checks them with zc_provider_find).  ZC_E_NOT_FOUND when
 * the region does not exist. */
zc_err_t zc_aq_region_update(request_rec *r, const char *code, int enabled,
                             const apr_array_header_t *providers, zc_aq_region_change_t *ch);

/* {"database":"ok","schema_version","expected_schema_version","bindings",
 * "sessions","challenges_pending","logins_24h":{"success","failure"},
 * "anonymous_refusals_24h"}. */
zc_err_t zc_aq_status(request_rec *r, json_t **out);

#endif
