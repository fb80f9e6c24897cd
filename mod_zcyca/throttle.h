/* Failed-login throttling per client address and per key (throttle.c). */
#ifndef ZC_THROTTLE_H
#define ZC_THROTTLE_H

#include "mod_zcyca.h"

/* Name the key this login attempt is about ("key:<provider>:<key id>" or
 * "login:<login>"); failures are then counted for it too. */
void zc_throttle_set_key(request_rec *r, const char *key);

/* ZC_E_THROTTLED (with Retry-After set) when the client address, or the key
 * once named, has ZcyCAThrottle failures within the window; else ZC_OK.
 * A database error lets the attempt go on (logged): throttling must not
 * turn an outage of its table into an outage of login. */
zc_err_t zc_throttle_check(request_rec *r);

/* Count a failed attempt for the address and the key. */
void zc_throttle_failed(request_rec *r);

/* A success clears the key's count (not the address's). */
void zc_throttle_succeeded(request_rec *r);

#endif
