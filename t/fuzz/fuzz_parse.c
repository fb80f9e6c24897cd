/* Fuzz target: the directive value parsers (mod_zcyca/parse.c), and the
 * Origin request header normaliser that shares their code.  Every parser
 * gets every input as a C string (cut at the first NUL, as httpd hands
 * directive arguments over), and what a parser accepts must hold up:
 *   - a number is within its range;
 *   - a normalised origin parses again to itself;
 *   - a canonical cookie attribute parses again to itself;
 *   - a key-id mode's name round-trips.
 * A broken property aborts, as a crash would. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <apr_strings.h>

#include "fuzz.h"
#include "parse.h"

ZC_FZ_INITIALIZE_ROOT_ONLY

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = zc_fz_begin();
    const char *s = zc_fz_str(p, data, size), *norm = NULL, *oid = NULL, *canon = NULL;
    zc_keyid_mode_t mode;
    unsigned bit = 0;
    long v;

    if (zc_parse_seconds(p, s, 1, 86400, &v) == NULL)
        ZC_FZ_CHECK(v >= 1 && v <= 86400);
    if (zc_parse_long(p, s, -5, 1L << 40, &v) == NULL)
        ZC_FZ_CHECK(v >= -5 && v <= 1L << 40);
    zc_parse_provider_id(p, s);
    if (zc_parse_keyid_mode(p, s, &mode, &oid) == NULL) {
        ZC_FZ_CHECK((mode == ZC_KEYID_EXT) == (oid != NULL));
        ZC_FZ_CHECK(oid == NULL || zc_parse_oid(oid) == NULL);
        if (mode != ZC_KEYID_EXT)
            ZC_FZ_CHECK(strcasecmp(zc_keyid_mode_name(mode), s) == 0);
    }
    zc_parse_oid(s);
    if (zc_parse_origin(p, s, &norm) == NULL) {
        const char *again = NULL;
        ZC_FZ_CHECK(norm != NULL);
        ZC_FZ_CHECK(zc_parse_origin(p, norm, &again) == NULL && strcmp(again, norm) == 0);
        ZC_FZ_CHECK((again = zc_origin_normalize(p, norm)) != NULL && strcmp(again, norm) == 0);
    }
    zc_origin_normalize(p, s);
    zc_parse_url(p, s);
    zc_parse_local_url(p, s);
    zc_parse_adapter_name(s);
    if (zc_parse_algorithm(p, s, &bit) == NULL) {
        apr_array_header_t *names = zc_algorithm_names(p, bit);
        ZC_FZ_CHECK(bit && (bit & ~ZC_ALG_ALL) == 0 && names->nelts == 1);
    }
    zc_algorithm_names(p, size ? data[0] : 0);
    if (zc_parse_cookie_attr(p, s, &canon) == NULL) {
        const char *again = NULL;
        ZC_FZ_CHECK(canon != NULL);
        ZC_FZ_CHECK(zc_parse_cookie_attr(p, canon, &again) == NULL && strcmp(again, canon) == 0);
    }
    zc_parse_cookie_name(p, s);
    zc_fz_end(p);
    return 0;
}
