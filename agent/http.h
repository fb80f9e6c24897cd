/* http.h - the agent's HTTP side (libmicrohttpd). */
#ifndef ZCA_HTTP_H
#define ZCA_HTTP_H

#include <microhttpd.h>

struct zca_agent;

/* Listen on the configured loopback address.  No thread of its own: the
 * caller runs MHD_run_wait(), so every callback runs on the caller's
 * thread and the agent's state needs no locks.  NULL after logging why. */
struct MHD_Daemon *zca_http_start(struct zca_agent *a);

#endif
