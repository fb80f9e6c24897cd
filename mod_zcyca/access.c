/* Who may act on whose account (see access.h). */
#include "access.h"

int zc_access_may_act_for(const zc_actor_t *me, apr_int64_t account_id, apr_int64_t org_id)
{
    if (account_id == 0) /* no account: nobody's */
        return 0;
    return account_id == me->id || (me->is_org_admin && me->org_id != 0 && org_id == me->org_id);
}
