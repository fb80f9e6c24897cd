/* The periodic job that keeps the tables small (housekeeping.c). */
#ifndef ZC_HOUSEKEEPING_H
#define ZC_HOUSEKEEPING_H

#include "mod_zcyca.h"

/* child_init: start this child's housekeeping thread (ZcyCAHousekeeping). */
void zc_housekeeping_child_init(apr_pool_t *pchild, server_rec *s);

#endif
