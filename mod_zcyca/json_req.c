/* Request bodies → typed fields (pure: no httpd headers).
 *
 * Details never quote the body: a password-login body carries a password,
 * and jansson's own error text would echo the input near the error. */
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>

#include "json_req.h"

#define ZC_JSON_MAX_DEPTH 8

static apr_status_t zc_json_release(void *j)
{
    json_decref(j);
    return APR_SUCCESS;
}

static const char *zc_json_error_kind(const json_error_t *jerr)
{
    switch (json_error_code(jerr)) {
    case json_error_invalid_utf8: return "invalid UTF-8";
    case json_error_null_character: return "NUL character";
    case json_error_duplicate_key: return "duplicate key";
    case json_error_end_of_input_expected: return "data after the JSON value";
    case json_error_premature_end_of_input: return "truncated JSON";
    case json_error_invalid_syntax: return "invalid JSON syntax";
    case json_error_out_of_memory: return "out of memory";
    default: return "invalid JSON";
    }
}

/* Containers nested deeper than max (the top-level object is depth 1). */
static int zc_json_too_deep(json_t *v, int depth)
{
    if (!json_is_object(v) && !json_is_array(v))
        return 0;
    if (depth > ZC_JSON_MAX_DEPTH)
        return 1;
    if (json_is_object(v)) {
        const char *k;
        json_t *m;
        json_object_foreach(v, k, m)
            if (zc_json_too_deep(m, depth + 1))
                return 1;
    }
    else {
        size_t i;
        json_t *m;
        json_array_foreach(v, i, m)
            if (zc_json_too_deep(m, depth + 1))
                return 1;
    }
    return 0;
}

json_t *zc_json_parse_object(apr_pool_t *p, const char *buf, size_t len,
                             zc_err_t *err, const char **detail)
{
    json_error_t jerr;
    json_t *doc;
    const char *why = NULL;

    *err = ZC_E_BAD_REQUEST;
    if (detail)
        *detail = NULL;
    if (buf == NULL || len == 0) {
        if (detail)
            *detail = "empty request body";
        return NULL;
    }
    doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
    if (doc == NULL) {
        if (detail)
            *detail = apr_psprintf(p, "%s at line %d column %d", zc_json_error_kind(&jerr), jerr.line,
                                   jerr.column);
        return NULL;
    }
    apr_pool_cleanup_register(p, doc, zc_json_release, apr_pool_cleanup_null);
    if (!json_is_object(doc))
        why = "the body is not a JSON object";
    else if (zc_json_too_deep(doc, 1))
        why = "JSON nested deeper than 8 levels";
    if (why) {
        if (detail)
            *detail = why;
        return NULL;
    }
    *err = ZC_OK;
    return doc;
}

/* 1..max_len bytes of valid UTF-8 without C0 controls or DEL. */
static const char *zc_text_check(const char *s, size_t len, size_t max_len, int multiline)
{
    if (len == 0)
        return "is empty";
    if (len > max_len)
        return "is too long";
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        size_t n;
        unsigned long cp;
        if ((c < 0x20 || c == 0x7f) && !(multiline && (c == '\n' || c == '\r' || c == '\t')))
            return "contains control characters";
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) { n = 1; cp = c & 0x1f; }
        else if (c >= 0xe0 && c <= 0xef) { n = 2; cp = c & 0x0f; }
        else if (c >= 0xf0 && c <= 0xf4) { n = 3; cp = c & 0x07; }
        else
            return "is not valid UTF-8";
        if (len - i <= n)
            return "is not valid UTF-8";
        for (size_t k = 1; k <= n; k++) {
            unsigned char cc = (unsigned char)s[i + k];
            if ((cc & 0xc0) != 0x80)
                return "is not valid UTF-8";
            cp = (cp << 6) | (cc & 0x3f);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return "is not valid UTF-8";
        i += n + 1;
    }
    return NULL;
}

static zc_err_t zc_json_string_value(apr_pool_t *p, json_t *v, const char *name, size_t max_len, int multiline,
                                     const char **out, const char **detail)
{
    const char *why;
    if (!json_is_string(v)) {
        if (detail)
            *detail = apr_psprintf(p, "field '%s' must be a string", name);
        return ZC_E_BAD_REQUEST;
    }
    if ((why = zc_text_check(json_string_value(v), json_string_length(v), max_len, multiline))) {
        if (detail)
            *detail = apr_psprintf(p, "field '%s' %s", name, why);
        return ZC_E_BAD_REQUEST;
    }
    *out = apr_pstrmemdup(p, json_string_value(v), json_string_length(v));
    return ZC_OK;
}

static zc_err_t zc_json_get(apr_pool_t *p, json_t *obj, const char *name, int required,
                            size_t max_len, int multiline, const char **out, const char **detail)
{
    json_t *v;

    *out = NULL;
    if (!json_is_object(obj) || name == NULL) {
        if (detail)
            *detail = "no JSON object";
        return ZC_E_BAD_REQUEST;
    }
    v = json_object_get(obj, name);
    if (v == NULL || json_is_null(v)) {
        if (!required)
            return ZC_OK;
        if (detail)
            *detail = apr_psprintf(p, "field '%s' is required", name);
        return ZC_E_BAD_REQUEST;
    }
    return zc_json_string_value(p, v, name, max_len, multiline, out, detail);
}

zc_err_t zc_json_get_string(apr_pool_t *p, json_t *obj, const char *name, int required,
                            size_t max_len, const char **out, const char **detail)
{
    return zc_json_get(p, obj, name, required, max_len, 0, out, detail);
}

zc_err_t zc_json_get_text(apr_pool_t *p, json_t *obj, const char *name, int required,
                          size_t max_len, const char **out, const char **detail)
{
    return zc_json_get(p, obj, name, required, max_len, 1, out, detail);
}

zc_err_t zc_json_get_text_list(apr_pool_t *p, json_t *obj, const char *name, size_t max_items,
                               size_t max_len, apr_array_header_t **out, const char **detail)
{
    json_t *v = json_is_object(obj) ? json_object_get(obj, name) : NULL;
    *out = apr_array_make(p, 4, sizeof(const char *));
    if (v == NULL || json_is_null(v))
        return ZC_OK;
    if (json_is_string(v)) {
        const char *s;
        zc_err_t e = zc_json_string_value(p, v, name, max_len, 1, &s, detail);
        if (e == ZC_OK)
            APR_ARRAY_PUSH(*out, const char *) = s;
        return e;
    }
    if (!json_is_array(v) || json_array_size(v) > max_items) {
        if (detail)
            *detail = apr_psprintf(p, "field '%s' must be a string or a list of at most %zu strings", name, max_items);
        return ZC_E_BAD_REQUEST;
    }
    size_t i;
    json_t *m;
    json_array_foreach(v, i, m) {
        const char *s;
        zc_err_t e = zc_json_string_value(p, m, name, max_len, 1, &s, detail);
        if (e != ZC_OK)
            return e;
        APR_ARRAY_PUSH(*out, const char *) = s;
    }
    return ZC_OK;
}

static int zc_hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode one form component; NULL on a bad escape.  *out_len excludes the
 * terminating NUL (a decoded %00 stays in and is caught later). */
static char *zc_form_decode(apr_pool_t *p, const char *s, size_t len, size_t *out_len)
{
    char *out = apr_palloc(p, len + 1), *o = out;

    for (size_t i = 0; i < len; i++) {
        if (s[i] == '+')
            *o++ = ' ';
        else if (s[i] == '%') {
            int hi, lo;
            if (len - i < 3 || (hi = zc_hexval(s[i + 1])) < 0 || (lo = zc_hexval(s[i + 2])) < 0)
                return NULL;
            *o++ = (char)(hi * 16 + lo);
            i += 2;
        }
        else
            *o++ = s[i];
    }
    *o = '\0';
    *out_len = (size_t)(o - out);
    return out;
}

zc_err_t zc_form_get_string(apr_pool_t *p, const char *body, size_t len, const char *name,
                            int required, size_t max_len, const char **out, const char **detail)
{
    const char *found = NULL, *why;
    size_t found_len = 0, pos = 0;

    *out = NULL;
    if (name == NULL || (body == NULL && len != 0)) {
        if (detail)
            *detail = "no form body";
        return ZC_E_BAD_REQUEST;
    }
    /* Every pair is decoded, so a bad escape anywhere fails the whole body. */
    while (pos < len) {
        const char *pair = body + pos, *amp = memchr(pair, '&', len - pos);
        size_t plen = amp ? (size_t)(amp - pair) : len - pos;
        const char *eq = memchr(pair, '=', plen);
        size_t klen = eq ? (size_t)(eq - pair) : plen, vlen = eq ? plen - klen - 1 : 0, kdl, vdl;
        char *k = zc_form_decode(p, pair, klen, &kdl);
        char *v = zc_form_decode(p, eq ? eq + 1 : "", vlen, &vdl);

        pos += plen + 1;
        if (k == NULL || v == NULL) {
            if (detail)
                *detail = "invalid percent escape in form body";
            return ZC_E_BAD_REQUEST;
        }
        if (found == NULL && kdl == strlen(name) && memcmp(k, name, kdl) == 0) {
            found = v;
            found_len = vdl;
        }
    }
    /* HTML forms send every field, so an empty value counts as absent. */
    if (found == NULL || found_len == 0) {
        if (!required)
            return ZC_OK;
        if (detail)
            *detail = apr_psprintf(p, "field '%s' is required", name);
        return ZC_E_BAD_REQUEST;
    }
    if ((why = zc_text_check(found, found_len, max_len, 0))) {
        if (detail)
            *detail = apr_psprintf(p, "field '%s' %s", name, why);
        return ZC_E_BAD_REQUEST;
    }
    *out = found;
    return ZC_OK;
}

const char *zc_json_dump(apr_pool_t *p, json_t *value)
{
    char *text;
    const char *out = NULL;

    if (value == NULL)
        return NULL;
    text = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(value);
    if (text) {
        out = apr_pstrdup(p, text);
        free(text);
    }
    return out;
}
