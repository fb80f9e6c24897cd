/* Request bodies → typed fields (pure).  jansson does the parsing; these
 * helpers add the size, type and field rules. */
#ifndef ZC_JSON_REQ_H
#define ZC_JSON_REQ_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <jansson.h>
#include "errors.h"

/* Longest ordinary field (ids, logins, nonces) of a request body. */
#define ZC_FIELD_MAX 256

/* Parse a JSON object (UTF-8, no duplicate keys, no NUL, depth <= 8).
 * Anything else → NULL with *err = ZC_E_BAD_REQUEST and *detail set.
 * The json_t is released by a cleanup on p. */
json_t *zc_json_parse_object(apr_pool_t *p, const char *buf, size_t len,
                             zc_err_t *err, const char **detail);

/* String member "name" of obj, copied into p, 1..max_len bytes.
 *  - absent or null: *out = NULL, ZC_OK when !required, else BAD_REQUEST
 *  - not a string, empty, too long, or containing control characters:
 *    BAD_REQUEST with *detail naming the field. */
zc_err_t zc_json_get_string(apr_pool_t *p, json_t *obj, const char *name, int required,
                            size_t max_len, const char **out, const char **detail);

/* The same, but CR, LF and TAB are allowed (PEM text, base64 with line
 * breaks). */
zc_err_t zc_json_get_text(apr_pool_t *p, json_t *obj, const char *name, int required,
                          size_t max_len, const char **out, const char **detail);

/* Member "name" as a list of texts: absent/null → empty list; one string →
 * one item; an array of at most max_items strings → those.  Anything else,
 * or an item failing the zc_json_get_text rules → BAD_REQUEST. */
zc_err_t zc_json_get_text_list(apr_pool_t *p, json_t *obj, const char *name, size_t max_items,
                               size_t max_len, apr_array_header_t **out, const char **detail);

/* The same for an application/x-www-form-urlencoded body: value of field
 * name (percent-decoded, '+' as space), 1..max_len bytes, no control chars.
 * The first occurrence of name wins; an invalid %-escape anywhere in the
 * body is BAD_REQUEST; an empty value ("name=") counts as absent, because
 * HTML forms send every field. */
zc_err_t zc_form_get_string(apr_pool_t *p, const char *body, size_t len, const char *name,
                            int required, size_t max_len, const char **out, const char **detail);

/* A pool-owned JSON serialisation of value (compact, UTF-8, not escaped
 * beyond JSON's rules); the reference to value is stolen. */
const char *zc_json_dump(apr_pool_t *p, json_t *value);

#endif
