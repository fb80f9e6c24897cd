/* Bindings as the lists and the admin show them (binding.c). */
#ifndef ZC_BINDING_H
#define ZC_BINDING_H

#include "mod_zcyca.h"
#include <jansson.h>
#include <libpq-fe.h>

typedef struct {
    apr_int64_t id, account_id, org_id;
    const char *account_login, *account_name;
    const char *provider_id, *key_id, *subject, *issuer, *serial;
    const char *bound_by_login, *bound_by_name;
    apr_time_t not_before, not_after, bound_at;
} zc_binding_t;

/* Row i of a result selected with ZC_BINDING_SELECT (sql_macros.h). */
void zc_binding_from_row(request_rec *r, PGresult *res, int i, zc_binding_t *b);

/* DESIGN section 4 binding JSON: {"id","account":{"login","name"},
 * "provider":{"id","name"},"key_id","cert":{"subject","issuer","serial",
 * "not_before","not_after"},"bound_by":{"login","name"},"bound_at"}. */
json_t *zc_binding_json(request_rec *r, const zc_binding_t *b);

/* {"bindings":[...],"next":<id of the last row when the page is full, else null>}. */
const char *zc_binding_page_json(request_rec *r, PGresult *res, long limit);

/* {"accounts":[{"id","login","name","region"}...],"next":<id or null>} of
 * rows selected by ZC_Q_ACCOUNT_LIST_VISIBLE. */
const char *zc_account_page_json(request_rec *r, PGresult *res, long limit);

/* One binding by id; ZC_E_NOT_FOUND when there is none. */
zc_err_t zc_binding_get(request_rec *r, apr_int64_t id, zc_binding_t *b);

/* Delete a binding (its sessions go with it); ZC_E_NOT_FOUND when none. */
zc_err_t zc_binding_delete(request_rec *r, apr_int64_t id);

/* ?limit=1..100 (default 20) and ?after=<id> (default 0) of the query
 * string; BAD_REQUEST when malformed. */
zc_err_t zc_page_args(request_rec *r, long *limit, apr_int64_t *after);

/* The id in the last path segment of the URI (/ca/bindings/42 → 42), 0 when
 * the last segment is not a positive number. */
apr_int64_t zc_uri_id(request_rec *r);

#endif
