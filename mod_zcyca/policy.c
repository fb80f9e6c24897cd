/* Login and bind policy.  The order of the checks is part of the contract
 * (DESIGN section 4): a disabled account is reported as such even when its
 * region is off too. */
#include <string.h>
#include "policy.h"

static const char *zc_policy_name(const char *s)
{
    return s && *s ? s : "-";
}

zc_err_t zc_policy_account(const zc_policy_facts_t *f, const char **detail)
{
    if (f->status && strcmp(f->status, "active") == 0)
        return ZC_OK;
    *detail = zc_policy_name(f->login);
    return ZC_E_ACCOUNT_DISABLED;
}

zc_err_t zc_policy_region(const zc_policy_facts_t *f, const char **detail)
{
    if (f->region_enabled)
        return ZC_OK;
    *detail = zc_policy_name(f->region);
    return ZC_E_REGION_DISABLED;
}

zc_err_t zc_policy_provider(const zc_policy_facts_t *f, const char **detail)
{
    if (f->provider_accepted)
        return ZC_OK;
    *detail = zc_policy_name(f->region);
    return ZC_E_PROVIDER_NOT_ACCEPTED;
}

zc_err_t zc_policy_ca_login(const zc_policy_facts_t *f, const char **detail)
{
    zc_err_t e;
    if ((e = zc_policy_account(f, detail)) != ZC_OK || (e = zc_policy_region(f, detail)) != ZC_OK)
        return e;
    return zc_policy_provider(f, detail);
}
