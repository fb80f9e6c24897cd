/* CSRF guard for state-changing requests (guard.c). */
#ifndef ZC_GUARD_H
#define ZC_GUARD_H

#include "mod_zcyca.h"

#define ZC_GUARD_JSON 0
#define ZC_GUARD_JSON_OR_FORM 1

/* Origin must equal one of this virtual host's ZcyCAOrigin values, and the
 * Content-Type must be application/json (or, with JSON_OR_FORM, an HTML
 * form).  *is_form tells which one it was (may be NULL).  Logs the reason;
 * returns ZC_OK or ZC_E_CSRF_REJECTED. */
zc_err_t zc_guard_state_change(request_rec *r, int allow, int *is_form);

/* The request's Origin, normalised (zc_origin_normalize), or NULL. */
const char *zc_request_origin(request_rec *r);

#endif
