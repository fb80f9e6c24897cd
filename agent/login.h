/* login.h - the logged-in key: SOF_Login opens it, SOF_SignData uses it once.
 *
 * One at a time in the whole agent: logging in to a key ends any earlier
 * login (a PKCS#11 login covers the whole token, so two would let the second
 * key ride on the first key's PIN).  It belongs to the Origin that logged in,
 * lasts at most ZCA_LOGIN_TTL seconds, and ends with the one signature. */
#ifndef ZCA_LOGIN_H
#define ZCA_LOGIN_H

#include <stdbool.h>
#include <time.h>

#include "guard.h"
#include "keys.h"

#define ZCA_LOGIN_TTL 60

typedef struct {
    bool active;
    char cert_id[ZCA_CERT_ID_MAX];
    char origin[ZCA_ORIGIN_MAX];
    time_t deadline;             /* CLOCK_MONOTONIC seconds */
    zca_unlocked_t key;
} zca_login_t;

struct zca_agent;

/* Hold U (just unlocked) for CERT_ID and ORIGIN; ends any other login first. */
void zca_login_open(struct zca_agent *a, const char *cert_id, const char *origin, zca_unlocked_t *u);
/* The unlocked key when CERT_ID is logged in for ORIGIN and in time; else NULL. */
const zca_unlocked_t *zca_login_get(struct zca_agent *a, const char *cert_id, const char *origin);
/* End the login (lock the key, log the token out); WHY goes to the log. */
void zca_login_end(struct zca_agent *a, const char *why);
/* End it if its time is up; main.c calls this every second. */
void zca_login_expire(struct zca_agent *a);

#endif
