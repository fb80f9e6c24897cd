/* The to-be-signed text of a challenge (pure: no httpd headers).  See tbs.h.
 * The bytes built here are what the client's key signs: any change to the
 * format breaks every driver, so it is spelled out here and not shared. */
#include <apr_strings.h>
#include <apr_time.h>

#include "tbs.h"

#define ZC_TBS_MAGIC "ZCYCA-AUTH-V1"

/* RFC 3339 UTC, whole seconds (microseconds dropped): "2026-11-24T12:00:00Z". */
static const char *zc_tbs_time(apr_pool_t *p, apr_time_t t)
{
    apr_time_exp_t e;

    if (apr_time_exp_gmt(&e, t) != APR_SUCCESS)
        return "1970-01-01T00:00:00Z";
    return apr_psprintf(p, "%04d-%02d-%02dT%02d:%02d:%02dZ", e.tm_year + 1900, e.tm_mon + 1, e.tm_mday,
                        e.tm_hour, e.tm_min, e.tm_sec);
}

static const char *zc_tbs_str(const char *s)
{
    return s ? s : "";
}

const char *zc_tbs_build(apr_pool_t *p, const zc_tbs_fields_t *f, zc_signed_data_t mode)
{
    static const zc_tbs_fields_t zc_tbs_empty = { NULL, NULL, NULL, NULL, 0 };

    if (f == NULL)
        f = &zc_tbs_empty;
    if (mode == ZC_SIGNED_NONCE)
        return apr_pstrdup(p, zc_tbs_str(f->nonce));
    return apr_pstrcat(p, ZC_TBS_MAGIC,
                       "\npurpose=", zc_tbs_str(f->purpose),
                       "\norigin=", zc_tbs_str(f->origin),
                       "\nprovider=", zc_tbs_str(f->provider),
                       "\nnonce=", zc_tbs_str(f->nonce),
                       "\niat=", zc_tbs_time(p, f->issued_at),
                       NULL);
}
