/* Who may log in or have a key bound, decided from facts the database gave
 * (policy.c, pure: no httpd, no database). */
#ifndef ZC_POLICY_H
#define ZC_POLICY_H

#include "errors.h"

typedef struct {
    const char *login;        /* for the detail */
    const char *status;       /* the account's status; only "active" passes */
    const char *region;       /* the account's region code, for the detail */
    int region_enabled;       /* CA login is switched on in that region */
    int provider_accepted;    /* the region accepts the provider of the key */
} zc_policy_facts_t;

/* ACCOUNT_DISABLED unless the status is "active" (a NULL status is not). */
zc_err_t zc_policy_account(const zc_policy_facts_t *f, const char **detail);

/* REGION_DISABLED when the account's region has CA login off. */
zc_err_t zc_policy_region(const zc_policy_facts_t *f, const char **detail);

/* PROVIDER_NOT_ACCEPTED when the region does not accept the provider. */
zc_err_t zc_policy_provider(const zc_policy_facts_t *f, const char **detail);

/* A CA login: the account, then its region, then the provider, so that the
 * user is told first what they can least fix themselves. */
zc_err_t zc_policy_ca_login(const zc_policy_facts_t *f, const char **detail);

#endif
