/* Reading the Cookie request header (see cookie.h). */
#include "cookie.h"
#include "crypto_util.h"
#include <apr_strings.h>
#include <string.h>

static int zc_cookie_space(char c)
{
    return c == ' ' || c == '\t';
}

/* The next cookie called name from *hdr on: its value in [*v, *v + *len),
 * and *hdr moved past it; 0 when there is no more. */
static int zc_cookie_next(const char **hdr, const char *name, size_t nlen, const char **v, size_t *len)
{
    const char *h = *hdr;
    while (h && *h) {
        while (*h == ';' || zc_cookie_space(*h))
            h++;
        const char *end = strchr(h, ';');
        if (!end)
            end = h + strlen(h);
        if ((size_t)(end - h) > nlen && strncmp(h, name, nlen) == 0 && h[nlen] == '=') {
            const char *b = h + nlen + 1, *e = end;
            while (b < e && zc_cookie_space(*b))
                b++;
            while (e > b && zc_cookie_space(e[-1]))
                e--;
            *v = b;
            *len = (size_t)(e - b);
            *hdr = end;
            return 1;
        }
        h = end;
    }
    *hdr = h;
    return 0;
}

const char *zc_cookie_find(apr_pool_t *p, const char *hdr, const char *name)
{
    const char *v;
    size_t len, nlen = name ? strlen(name) : 0;
    if (!nlen || !zc_cookie_next(&hdr, name, nlen, &v, &len))
        return NULL;
    return apr_pstrmemdup(p, v, len);
}

const char *zc_cookie_token(apr_pool_t *p, const char *hdr, const char *name)
{
    const char *v;
    size_t len, nlen = name ? strlen(name) : 0;
    while (nlen && zc_cookie_next(&hdr, name, nlen, &v, &len)) {
        if (len != ZC_TOKEN_CHARS)
            continue;
        char *tok = apr_pstrmemdup(p, v, len);
        if (zc_token_shaped(tok))
            return tok;
    }
    return NULL;
}
