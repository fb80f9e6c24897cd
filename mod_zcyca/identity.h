/* Identity downstream: header scrub, AuthType zcyca, ZCYCA_* env (identity.c). */
#ifndef ZC_IDENTITY_H
#define ZC_IDENTITY_H

#include "mod_zcyca.h"

int zc_identity_scrub(request_rec *r);   /* post_read_request, REALLY_FIRST */
int zc_identity_authn(request_rec *r);   /* check_authn */
int zc_identity_export(request_rec *r);  /* fixups */

#endif
