/* Accept negotiation (see accept.h). */
#include "accept.h"
#include <stddef.h>
#include <string.h>
#include <strings.h>

#define ZC_ACCEPT_BAD (-1) /* q of a range that is not well formed */

static int zc_accept_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* RFC 9110 tchar */
static int zc_accept_tchar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
           || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static int zc_accept_token(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!zc_accept_tchar(s[i]))
            return 0;
    return 1;
}

/* qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ), in
 * thousandths; ZC_ACCEPT_BAD otherwise. */
static int zc_accept_qvalue(const char *v, size_t n)
{
    if (n == 0 || n > 5 || (v[0] != '0' && v[0] != '1') || (n > 1 && v[1] != '.'))
        return ZC_ACCEPT_BAD;
    int q = (v[0] - '0') * 1000;
    for (size_t i = 2, scale = 100; i < n; i++, scale /= 10) {
        if (v[i] < '0' || v[i] > '9')
            return ZC_ACCEPT_BAD;
        q += (v[i] - '0') * (int)scale;
    }
    return q > 1000 ? ZC_ACCEPT_BAD : q;
}

/* One media range from *s on, up to the ',' that ends it (or the end):
 * [*type, *type + *len) and its q; *s moved to that ',' or the end. */
static int zc_accept_range(const char **s, const char **type, size_t *len)
{
    const char *p = *s;
    int q = 1000, bad = 0;
    *type = p;
    while (*p && *p != ';' && *p != ',' && !zc_accept_ows(*p))
        p++;
    *len = (size_t)(p - *type);
    const char *slash = memchr(*type, '/', *len);
    if (!slash || !zc_accept_token(*type, (size_t)(slash - *type))
        || !zc_accept_token(slash + 1, *len - (size_t)(slash - *type) - 1))
        bad = 1;
    for (;;) {
        while (zc_accept_ows(*p))
            p++;
        if (*p != ';')
            break;
        p++;
        while (zc_accept_ows(*p))
            p++;
        const char *name = p, *v = NULL;
        while (zc_accept_tchar(*p))
            p++;
        size_t nlen = (size_t)(p - name), vlen = 0;
        if (nlen == 0 && *p != ';' && *p != ',' && *p != '\0')
            bad = 1; /* not a parameter name */
        if (*p == '=') {
            v = ++p;
            if (*p == '"') {
                v = ++p;
                while (*p && *p != '"')
                    p += p[0] == '\\' && p[1] ? 2 : 1;
                vlen = (size_t)(p - v);
                if (*p == '"')
                    p++;
                else
                    bad = 1; /* unterminated */
            }
            else {
                while (zc_accept_tchar(*p))
                    p++;
                vlen = (size_t)(p - v);
            }
        }
        if (nlen == 1 && (*name == 'q' || *name == 'Q'))
            q = v ? zc_accept_qvalue(v, vlen) : ZC_ACCEPT_BAD;
        if (bad)
            break;
    }
    if (*p && *p != ',') { /* anything else after the range: not well formed */
        bad = 1;
        while (*p && *p != ',') {
            if (*p == '"') /* skip a quoted string whole: its commas are not ours */
                for (p++; *p && *p != '"'; p += p[0] == '\\' && p[1] ? 2 : 1)
                    ;
            if (*p)
                p++;
        }
    }
    *s = p;
    return bad ? ZC_ACCEPT_BAD : q;
}

static int zc_accept_is(const char *type, size_t len, const char *what)
{
    return len == strlen(what) && strncasecmp(type, what, len) == 0;
}

/* Does the subtype have "json" in it? */
static int zc_accept_is_json(const char *type, size_t len)
{
    const char *sub = memchr(type, '/', len);
    for (size_t i = sub ? (size_t)(sub - type) + 1 : len; i + 4 <= len; i++)
        if (strncasecmp(type + i, "json", 4) == 0)
            return 1;
    return 0;
}

int zc_accept_wants_html(const char *accept, const char *x_requested_with)
{
    if (x_requested_with || !accept)
        return 0;
    int html_q = 0, json_q = 0, html_at = -1, json_at = -1;
    const char *s = accept, *type;
    size_t len;
    for (int i = 0; *s; i++) {
        while (*s == ',' || zc_accept_ows(*s))
            s++;
        if (!*s)
            break;
        int q = zc_accept_range(&s, &type, &len);
        if (q <= 0)
            continue;
        if (zc_accept_is(type, len, "text/html") || zc_accept_is(type, len, "application/xhtml+xml")) {
            if (q > html_q)
                html_q = q, html_at = i;
        }
        else if (zc_accept_is_json(type, len) && q > json_q)
            json_q = q, json_at = i;
    }
    return html_q > json_q || (html_q > 0 && html_q == json_q && html_at < json_at);
}
