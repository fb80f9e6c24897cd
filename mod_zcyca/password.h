/* Password check through httpd's authn providers (password.c). */
#ifndef ZC_PASSWORD_H
#define ZC_PASSWORD_H

#include "mod_zcyca.h"

/* Walk the ZcyCAPasswordProvider list of this location, as mod_auth_basic
 * walks AuthBasicProvider: granted → ZC_OK; a wrong password or no such
 * user anywhere → PASSWORD_INVALID; a provider error → SERVICE_UNAVAILABLE. */
zc_err_t zc_password_check(request_rec *r, const char *login, const char *password);

#endif
