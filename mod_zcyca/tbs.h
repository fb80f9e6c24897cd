/* The to-be-signed text of a challenge (pure). */
#ifndef ZC_TBS_H
#define ZC_TBS_H

#include <apr_pools.h>
#include <apr_time.h>

typedef enum { ZC_SIGNED_TBS = 0, ZC_SIGNED_NONCE } zc_signed_data_t;

typedef struct {
    const char *purpose;   /* "login" | "bind" */
    const char *origin;    /* normalised origin, e.g. https://login.example.gov.cn */
    const char *provider;  /* provider id */
    const char *nonce;     /* base64url nonce (43 chars) */
    apr_time_t issued_at;  /* whole seconds */
} zc_tbs_fields_t;

/* ASCII, LF-separated, no trailing LF:
 *   ZCYCA-AUTH-V1
 *   purpose=<purpose>
 *   origin=<origin>
 *   provider=<provider>
 *   nonce=<nonce>
 *   iat=<RFC 3339 UTC, seconds, "Z">
 * For ZC_SIGNED_NONCE the text is the nonce string alone. */
const char *zc_tbs_build(apr_pool_t *p, const zc_tbs_fields_t *f, zc_signed_data_t mode);

#endif
