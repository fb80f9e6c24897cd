/* Identity downstream: header scrub, AuthType zcyca, ZCYCA_* env (identity.c). */
#ifndef ZC_IDENTITY_H
#define ZC_IDENTITY_H

#include "mod_zcyca.h"

int zc_identity_scrub(request_rec *r);   /* post_read_request, REALLY_FIRST */
int zc_identity_authn(request_rec *r);   /* check_authn */
int zc_identity_export(request_rec *r);  /* fixups */
int zc_identity_note_auth_failure(request_rec *r, const char *auth_type);

#include "mod_auth.h"
#include "util_filter.h"

/* Require zcyca-method ca|password */
extern const authz_provider zc_identity_method_authz;

/* An error httpd itself answers (403 from authz) still gets our body: the
 * note set by the authz provider makes this filter replace httpd's page. */
#define ZC_ERROR_FILTER "ZCYCA_ERROR"
apr_status_t zc_identity_error_filter(ap_filter_t *f, apr_bucket_brigade *bb);
void zc_identity_insert_error_filter(request_rec *r);

#endif
