/* Typed wrappers over sql.def: handlers never see a PGresult (queries.c). */
#ifndef ZC_QUERIES_H
#define ZC_QUERIES_H

#include "mod_zcyca.h"
#include "verify.h"

typedef struct {
    apr_int64_t binding_id, account_id;
    const char *login, *display_name, *region, *status;
    int region_enabled, provider_accepted;
    const char *cert_sha256;
} zc_login_row_t;

/* *row = NULL when no binding has (provider, key id). */
zc_err_t zc_q_binding_for_login(request_rec *r, const char *provider_id, const char *key_id,
                                zc_login_row_t **row);
zc_err_t zc_q_binding_refresh_cert(request_rec *r, apr_int64_t binding_id, const zc_cert_info_t *ci);

typedef struct {
    const unsigned char *token_hash;  /* ZC_SHA256_LEN bytes */
    apr_int64_t account_id;
    const char *method;
    apr_int64_t binding_id;             /* 0: none */
    const char *provider_id, *key_id; /* may be NULL */
    apr_time_t cert_not_after;        /* 0: none */
    long max_seconds;
} zc_session_new_t;

zc_err_t zc_q_session_insert(request_rec *r, const zc_session_new_t *n, apr_time_t *created, apr_time_t *expires);
/* ZC_E_LOGIN_REQUIRED when no live session has this hash. *now_db is the
 * database clock, which decides expiry. */
zc_err_t zc_q_session_get(request_rec *r, const unsigned char *token_hash, long idle, zc_session_t *s,
                          apr_time_t *now_db);
/* *alive = 0 when the session is gone (deleted or past its end). */
zc_err_t zc_q_session_touch(request_rec *r, const unsigned char *token_hash, int *alive);
/* *account_id = 0 when nothing was deleted. */
zc_err_t zc_q_session_delete(request_rec *r, const unsigned char *token_hash, apr_int64_t *account_id);
zc_err_t zc_q_session_purge_account(request_rec *r, apr_int64_t account_id, long idle);

typedef struct {
    apr_int64_t id, org_id;            /* org_id 0: none */
    const char *login, *name, *region, *status;
    int is_org_admin, region_enabled;
} zc_account_t;

/* The account with this login; ZC_E_NOT_FOUND when none. */
zc_err_t zc_q_account_by_login(request_rec *r, const char *login, zc_account_t *a);

/* Does the region accept the provider (region_providers)? */
zc_err_t zc_q_region_accepts(request_rec *r, const char *region, const char *provider_id, int *accepts);

/* Insert the binding of id to target, made by me.  Races are settled by
 * UNIQUE(provider_id, key_id): *created says whether this call made it;
 * either way *binding_id and *owner name the binding that holds the key. */
zc_err_t zc_q_binding_insert(request_rec *r, const zc_account_t *target, const zc_account_t *me,
                             const zc_identity_t *id, apr_int64_t *binding_id, apr_int64_t *owner, int *created);

/* Provider ids a CA-enabled region accepts (empty for a disabled one). */
zc_err_t zc_q_region_providers(request_rec *r, const char *region, apr_array_header_t **ids);

typedef struct {
    const char *event;     /* login, logout, ... */
    int success;
    zc_err_t code;         /* ZC_OK on success */
    apr_int64_t actor_id, account_id;  /* 0: unknown */
    const char *provider_id, *key_id, *cert_serial, *detail;
    /* A refusal before any account or proven key is known (junk from
     * anyone): audit.c aggregates these instead of a row each. */
    unsigned anonymous : 1;
} zc_audit_t;

zc_err_t zc_q_audit_insert(request_rec *r, const zc_audit_t *a);

/* An anonymous refusal: counted in zcyca.audit_summary (its hour, event and
 * code), written in full only while that count is at most sample; counts
 * older than days go. */
zc_err_t zc_q_audit_junk(request_rec *r, const zc_audit_t *a, long sample, long days);

#endif
