/* Typed wrappers over sql.def: handlers never see a PGresult (queries.c). */
#ifndef ZC_QUERIES_H
#define ZC_QUERIES_H

#include "mod_zcyca.h"
#include "verify.h"

typedef struct {
    const unsigned char *token_hash;  /* ZC_SHA256_LEN bytes */
    apr_int64_t account_id;
    const char *method;
    apr_int64_t binding_id;             /* 0: none */
    const char *provider_id, *key_id; /* may be NULL */
    apr_time_t cert_not_after;        /* 0: none */
    long max_seconds;
    const unsigned char *replaced_hash; /* the session this one replaces, or NULL */
} zc_session_new_t;

/* What the CA login statement (LOGIN_CA) found and did. */
typedef struct {
    apr_int64_t binding_id, account_id;
    const char *login, *display_name, *region, *status;
    int region_enabled, provider_accepted;
    long throttle_wait;               /* > 0: the address or key must wait that many seconds */
    apr_time_t created_at, expires_at; /* 0: no session was opened */
    int audit_written;                /* 0: the session is in, its audit row is not */
} zc_login_row_t;

/* The CA login of a proven key in one statement: with n (its token_hash,
 * replaced_hash and max_seconds set), the certificate of id, and the
 * throttle key and limits (max 0: off).  *row = NULL when no binding has
 * the key; else the facts, and the session times when the facts passed and
 * nothing was throttled (then the row, the audit row, the renewed
 * certificate and the cleared key count are in). */
zc_err_t zc_q_login_ca(request_rec *r, const zc_session_new_t *n, const zc_identity_t *id, const char *throttle_key,
                       long throttle_max, long throttle_window, zc_login_row_t **row);

zc_err_t zc_q_session_insert(request_rec *r, const zc_session_new_t *n, apr_time_t *created, apr_time_t *expires);
/* ZC_E_LOGIN_REQUIRED when no live session has this hash. *now_db is the
 * database clock, which decides expiry. */
zc_err_t zc_q_session_get(request_rec *r, const unsigned char *token_hash, long idle, zc_session_t *s,
                          apr_time_t *now_db);
/* *alive = 0 when the session is gone (deleted or past its end). */
zc_err_t zc_q_session_touch(request_rec *r, const unsigned char *token_hash, int *alive);
/* *account_id = 0 when nothing was deleted. */
zc_err_t zc_q_session_delete(request_rec *r, const unsigned char *token_hash, apr_int64_t *account_id);

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
