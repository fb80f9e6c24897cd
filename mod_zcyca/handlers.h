/* Endpoint handlers, one family per file (h_*.c).  Each returns a handler
 * status after writing a complete response. */
#ifndef ZC_HANDLERS_H
#define ZC_HANDLERS_H

#include "mod_zcyca.h"
#include "access.h" /* who may act on whose account (h_bindings.c) */

int zc_h_providers(request_rec *r);  /* h_providers.c */
int zc_h_login(request_rec *r);      /* h_login.c */
int zc_h_challenge(request_rec *r);  /* h_challenge.c */
int zc_h_password_login(request_rec *r); /* h_login.c */
int zc_h_logout(request_rec *r);     /* h_session.c */
int zc_h_session(request_rec *r);    /* h_session.c */
int zc_h_bindings(request_rec *r);   /* h_bindings.c */
int zc_h_admin(request_rec *r);      /* h_admin.c */

#endif
