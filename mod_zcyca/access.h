/* Who may act on whose account (pure: no httpd headers). */
#ifndef ZC_ACCESS_H
#define ZC_ACCESS_H

#include <apr.h>

/* The caller, as far as access is concerned. */
typedef struct {
    apr_int64_t id;          /* the caller's account */
    apr_int64_t org_id;      /* 0: in no organisation */
    int is_org_admin;        /* admin of org_id */
} zc_actor_t;

/* 1 when the caller may act on (list, bind keys for, unbind from) the
 * account account_id of organisation org_id (0: none): it is their own, or
 * they are the admin of that organisation.  An admin without an
 * organisation has only their own account; account 0 (none) is nobody's.  The SQL of the lists
 * (BINDING_LIST_VISIBLE, ACCOUNT_LIST_VISIBLE in sql.def) says the same. */
int zc_access_may_act_for(const zc_actor_t *me, apr_int64_t account_id, apr_int64_t org_id);

#endif
