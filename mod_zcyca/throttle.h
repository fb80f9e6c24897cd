/* Failed-login throttling per client address and per key (throttle.c). */
#ifndef ZC_THROTTLE_H
#define ZC_THROTTLE_H

#include "mod_zcyca.h"

/* Name the key this attempt is about: "login:<login>" for a password login
 * (before zc_throttle_begin), "spki:<hash>" for a CA login once possession
 * of the key is proven (the login statement then reads its count). */
void zc_throttle_set_key(request_rec *r, const char *key);

/* Password logins: count this attempt for the client address (and the key,
 * when already named) before it runs, in one statement per scope that also reads the
 * count.  ZC_E_THROTTLED (with Retry-After) when that is past ZcyCAThrottle
 * within the window.  A database error lets the attempt go on (logged):
 * throttling must not turn an outage of its table into an outage of login. */
zc_err_t zc_throttle_begin(request_rec *r);

/* ZC_E_THROTTLED, with Retry-After: wait seconds (at least 1). */
zc_err_t zc_throttle_refused(request_rec *r, long wait);

/* After a refusal with e: count it for the address and the key where the
 * attempt was not counted up front; give the counts back for our own
 * outages (5xx); leave THROTTLED and CSRF_REJECTED uncounted.  Returns
 * the code to answer: ZC_E_THROTTLED (with Retry-After) when a count made
 * here went past ZcyCAThrottle, else e. */
zc_err_t zc_throttle_settle(request_rec *r, zc_err_t e);

/* A password login's success gives the address's count back and clears
 * the key's (a CA login's statement clears the key itself). */
void zc_throttle_succeeded(request_rec *r);

#endif
