/* mod_ssl integration for the login virtual host (tls.c). */
#ifndef ZC_TLS_H
#define ZC_TLS_H

#include "mod_zcyca.h"

/* Register with mod_ssl's optional init_server hook. */
void zc_tls_register(apr_pool_t *p);

/* The handshake error the login host let through, or NULL. */
const char *zc_tls_tolerated_error(conn_rec *c);

#endif
