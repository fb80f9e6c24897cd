/* agent.h - the agent's state: one per process, built by main.c, handed to
 * the HTTP callbacks.  All of it is used from the one thread that runs the
 * libmicrohttpd loop, so it needs no locks. */
#ifndef ZCA_AGENT_H
#define ZCA_AGENT_H

#include "config.h"
#include "keys.h"
#include "login.h"
#include "p11.h"
#include "pin.h"
#include "sm2file.h"

#define ZCA_AGENT_VERSION "1.0.0"

typedef struct zca_agent {
    zca_config_t cfg;
    zca_keys_t keys;             /* refreshed by SOF_GetUserList and on a miss */
    zca_pins_t pins;
    zca_login_t login;           /* at most one logged-in key at a time */
    zca_p11_t *p11;              /* NULL without a pkcs11 directive */
    zca_sm2files_t sm2;
} zca_agent_t;

/* Load the backends named by A->cfg (already read); false after logging why. */
bool zca_agent_start(zca_agent_t *a);
/* End any login and release everything, the configuration too. */
void zca_agent_stop(zca_agent_t *a);

/* Rebuild the key list from the tokens present now and the key files. */
void zca_agent_refresh_keys(zca_agent_t *a);
/* The key CERT_ID, looking at the tokens again when it is not in the list. */
const zca_key_t *zca_agent_key(zca_agent_t *a, const char *cert_id);

#endif
