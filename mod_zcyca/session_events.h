/* Session events: every child listens on PostgreSQL for sessions that end
 * anywhere (any node, any child, the database itself) and removes them from
 * the session cache at once (session_events.c; sql/003_session_events.sql). */
#ifndef ZC_SESSION_EVENTS_H
#define ZC_SESSION_EVENTS_H

#include "mod_zcyca.h"

/* The channel sql/003's trigger notifies; the payload is the base64 of the
 * session's token hash. */
#define ZC_SESSION_EVENTS_CHANNEL "zcyca_session_gone"

/* child_init, after the database pool: start the listener thread when a
 * session cache and a database are configured. */
void zc_session_events_child_init(apr_pool_t *pchild, server_rec *s);

#endif
