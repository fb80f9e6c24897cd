/* TEMPORARY STUB so the module links while the admin endpoints are written;
 * the admin engineer replaces this whole file. */
#include "handlers.h"
#include "respond.h"

int zc_h_admin(request_rec *r)
{
    return zc_respond_error(r, ZC_E_NOT_FOUND);
}
