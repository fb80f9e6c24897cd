/* Password login checks the password where the platform keeps it: httpd's
 * own authn providers (file, dbd, ldap, socache), configured like
 * AuthBasicProvider.  The password is never logged or stored here. */
#include "password.h"
#include "config.h"
#include "mod_auth.h"
#include "ap_provider.h"

zc_err_t zc_password_check(request_rec *r, const char *login, const char *password)
{
    const apr_array_header_t *names = zc_dir_cfg(r)->password_providers;
    if (!names || names->nelts == 0) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      ZCLOGNO(1301) "password login refused: no ZcyCAPasswordProvider for %s", r->uri);
        return ZC_E_SERVICE_UNAVAILABLE;
    }
    for (int i = 0; i < names->nelts; i++) {
        const char *name = APR_ARRAY_IDX(names, i, const char *);
        const authn_provider *p = ap_lookup_provider(AUTHN_PROVIDER_GROUP, name, AUTHN_PROVIDER_VERSION);
        if (!p || !p->check_password)
            continue;
        /* mod_authn_socache and friends read which provider is asking. */
        apr_table_setn(r->notes, AUTHN_PROVIDER_NAME_NOTE, name);
        authn_status st = p->check_password(r, login, password);
        apr_table_unset(r->notes, AUTHN_PROVIDER_NAME_NOTE);
        switch (st) {
        case AUTH_GRANTED:
            return ZC_OK;
        case AUTH_USER_NOT_FOUND:
            continue;
        case AUTH_DENIED:
            return ZC_E_PASSWORD_INVALID;
        default:
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                          ZCLOGNO(1302) "password login: authn provider %s failed (%d)", name, (int)st);
            return ZC_E_SERVICE_UNAVAILABLE;
        }
    }
    return ZC_E_PASSWORD_INVALID;
}
