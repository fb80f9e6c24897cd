/* mod_ssl integration for the login virtual host (tls.c). */
#ifndef ZC_TLS_H
#define ZC_TLS_H

#include "mod_zcyca.h"

#include <openssl/ssl.h>

/* Register with mod_ssl's optional init_server and pre_handshake hooks. */
void zc_tls_register(apr_pool_t *p);

/* The connection's SSL (of its HTTP/2 connection for a stream), or NULL
 * when mod_ssl did not announce one. */
SSL *zc_tls_ssl(conn_rec *c);

/* The handshake error the login host let through, or NULL. */
const char *zc_tls_tolerated_error(conn_rec *c);

#endif
