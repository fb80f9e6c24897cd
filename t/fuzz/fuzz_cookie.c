/* Fuzz target: what the module reads from request headers before anyone
 * has logged in: the Cookie header and the session token in it
 * (cookie.c, crypto_util.c's token shape and base64), the Accept header
 * (accept.c), the after-login redirect target (redirect.c) and the scrub
 * of ZCYCA-* request headers (header_scrub.c).  The input is one header
 * value (cut at the first NUL, as httpd's are); for the scrub, its lines
 * are "name: value" headers.  What is accepted must hold up:
 *   - a session token found is token-shaped (43 base64url characters);
 *   - base64 that decodes encodes back to the same bytes;
 *   - a redirect target kept is a local path;
 *   - after the scrub no header of ours is left. */
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>
#include <apr_tables.h>

#include "accept.h"
#include "cookie.h"
#include "crypto_util.h"
#include "fuzz.h"
#include "header_scrub.h"
#include "redirect.h"

ZC_FZ_INITIALIZE_ROOT_ONLY

/* Decoded base64 must encode back to what was decoded (modulo padding
 * and whitespace, so compare the bytes after a second decode). */
static void zc_fz_b64(apr_pool_t *p, const char *s, int url)
{
    size_t n = 0, m = 0;
    unsigned char *b = zc_b64_decode(p, s, strlen(s), url, &n), *again;
    const char *enc;

    if (b == NULL)
        return;
    enc = url ? zc_b64url(p, b, n) : zc_b64(p, b, n);
    again = zc_b64_decode(p, enc, strlen(enc), url, &m);
    ZC_FZ_CHECK(again != NULL && m == n && memcmp(again, b, n) == 0);
}

static void zc_fz_scrub(apr_pool_t *p, char *text)
{
    apr_table_t *t = apr_table_make(p, 8);
    const apr_array_header_t *arr;
    char *line, *last = NULL;

    for (line = apr_strtok(text, "\n", &last); line; line = apr_strtok(NULL, "\n", &last)) {
        char *colon = strchr(line, ':');
        if (colon) {
            *colon = '\0';
            apr_table_add(t, line, colon + 1);
        }
    }
    zc_header_scrub(p, t);
    arr = apr_table_elts(t);
    for (int i = 0; i < arr->nelts; i++)
        ZC_FZ_CHECK(!zc_header_is_ours(((const apr_table_entry_t *)arr->elts)[i].key));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = zc_fz_begin();
    char *s = zc_fz_str(p, data, size);
    const char *v, *target;

    zc_cookie_find(p, s, "zcyca_session");
    zc_cookie_find(p, s, "a");
    if ((v = zc_cookie_token(p, s, "zcyca_session")) != NULL)
        ZC_FZ_CHECK(strlen(v) == ZC_TOKEN_CHARS && zc_token_shaped(v));
    if ((v = zc_cookie_token(p, s, "__Host-zc")) != NULL)
        ZC_FZ_CHECK(zc_token_shaped(v));
    zc_token_shaped(s);
    zc_fz_b64(p, s, 0);
    zc_fz_b64(p, s, 1);
    zc_accept_wants_html(s, NULL);
    zc_accept_wants_html(s, "XMLHttpRequest");
    target = zc_redirect_target(s, "/fallback");
    ZC_FZ_CHECK(target == s || strcmp(target, "/fallback") == 0);
    if (zc_redirect_is_local(s))
        ZC_FZ_CHECK(s[0] == '/' && s[1] != '/' && s[1] != '\\' && strlen(s) <= ZC_REDIRECT_MAX);
    zc_header_is_ours(s);
    zc_fz_scrub(p, s);
    zc_fz_end(p);
    return 0;
}
