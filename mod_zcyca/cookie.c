/* Reading the Cookie request header (see cookie.h). */
#include "cookie.h"
#include "crypto_util.h"
#include <apr_strings.h>
#include <string.h>

const char *zc_cookie_find(apr_pool_t *p, const char *hdr, const char *name)
{
    size_t nlen = strlen(name);
    while (hdr && *hdr) {
        while (*hdr == ' ' || *hdr == ';' || *hdr == '\t')
            hdr++;
        const char *end = strchr(hdr, ';');
        size_t len = end ? (size_t)(end - hdr) : strlen(hdr);
        if (len > nlen && strncmp(hdr, name, nlen) == 0 && hdr[nlen] == '=')
            return apr_pstrmemdup(p, hdr + nlen + 1, len - nlen - 1);
        hdr = end;
    }
    return NULL;
}

const char *zc_cookie_token(apr_pool_t *p, const char *hdr, const char *name)
{
    const char *tok = zc_cookie_find(p, hdr, name);
    return zc_token_shaped(tok) ? tok : NULL;
}
