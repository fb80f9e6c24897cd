/* Strict parsers for directive values (pure: no httpd headers).  Each
 * returns NULL on success or a short English reason; the caller puts the
 * directive name and the value in front of it.  Reasons never repeat the
 * value itself, so nothing from the config file is echoed twice. */
#include <arpa/inet.h>
#include <limits.h>
#include <string.h>
#include <strings.h>

#include <apr_strings.h>

#include "parse.h"

static int zc_is_digit(char c) { return c >= '0' && c <= '9'; }
static int zc_is_lower(char c) { return c >= 'a' && c <= 'z'; }
static int zc_is_alpha(char c) { return zc_is_lower(c) || (c >= 'A' && c <= 'Z'); }
static char zc_lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c; }

static char *zc_str_lower(apr_pool_t *p, const char *s, size_t len)
{
    char *out = apr_pstrmemdup(p, s, len);
    for (char *c = out; *c; c++)
        *c = zc_lower(*c);
    return out;
}

/* ---- numbers ------------------------------------------------------------ */

static const char *zc_parse_number(apr_pool_t *p, const char *arg, long min, long max, long *out,
                                   const char *unit)
{
    long v = 0;

    if (arg == NULL || *arg == '\0')
        return apr_psprintf(p, "empty value; give a whole number%s%s", *unit ? " of " : "", unit);
    for (const char *s = arg; *s; s++) {
        if (!zc_is_digit(*s))
            return apr_psprintf(p, "not a whole number%s%s (digits only, no sign or suffix)", *unit ? " of " : "", unit);
        int d = *s - '0';
        if (v > (LONG_MAX - d) / 10)
            return apr_psprintf(p, "number too large; must be between %ld and %ld%s%s", min, max, *unit ? " " : "", unit);
        v = v * 10 + d;
    }
    if (v < min || v > max)
        return apr_psprintf(p, "out of range; must be between %ld and %ld%s%s", min, max, *unit ? " " : "", unit);
    *out = v;
    return NULL;
}

const char *zc_parse_seconds(apr_pool_t *p, const char *arg, long min, long max, long *out)
{
    return zc_parse_number(p, arg, min, max, out, "seconds");
}

const char *zc_parse_long(apr_pool_t *p, const char *arg, long min, long max, long *out)
{
    return zc_parse_number(p, arg, min, max, out, "");
}

/* ---- provider id, key-id mode, algorithms --------------------------------- */

const char *zc_parse_provider_id(apr_pool_t *p, const char *arg)
{
    size_t n = arg ? strlen(arg) : 0;

    if (n == 0 || n > 32)
        return "a provider id has 1 to 32 characters";
    if (!zc_is_lower(arg[0]) && !zc_is_digit(arg[0]))
        return "a provider id starts with a lower-case letter or a digit";
    for (size_t i = 0; i < n; i++)
        if (!zc_is_lower(arg[i]) && !zc_is_digit(arg[i]) && arg[i] != '-' && arg[i] != '_')
            return "a provider id uses only a-z, 0-9, '-' and '_'";
    return NULL;
}

/* Dotted-decimal OID: at least two arcs, no empty arcs or leading zeros,
 * first arc 0..2, second arc < 40 under 0 and 1. */
const char *zc_parse_oid(const char *oid)
{
    int arcs = 0;
    const char *s = oid;

    if (strlen(oid) > 128)
        return "OID too long";
    while (1) {
        const char *start = s;
        while (zc_is_digit(*s))
            s++;
        size_t len = (size_t)(s - start);
        if (len == 0 || len > 20 || (len > 1 && *start == '0'))
            return "OID must be dotted decimal like 1.2.156.10260.4.1.1";
        if (arcs == 0 && (len != 1 || *start > '2'))
            return "an OID's first arc is 0, 1 or 2";
        if (arcs == 1 && oid[0] != '2' && (len > 2 || (len == 2 && *start >= '4')))
            return "an OID's second arc is below 40 under arcs 0 and 1";
        arcs++;
        if (*s == '\0')
            break;
        if (*s != '.')
            return "OID must be dotted decimal like 1.2.156.10260.4.1.1";
        s++;
    }
    return arcs >= 2 ? NULL : "an OID has at least two arcs";
}

static const char *const zc_keyid_names[] = {
    [ZC_KEYID_SPKI_SHA256] = "spki-sha256",
    [ZC_KEYID_CERT_SHA256] = "cert-sha256",
    [ZC_KEYID_ISSUER_SERIAL] = "issuer-serial",
    [ZC_KEYID_EXT] = "ext",
};

const char *zc_parse_keyid_mode(apr_pool_t *p, const char *arg, zc_keyid_mode_t *mode, const char **oid)
{
    static const char choices[] = "use spki-sha256, cert-sha256, issuer-serial or ext:<OID>";

    if (arg == NULL || *arg == '\0')
        return choices;
    if (strncasecmp(arg, "ext:", 4) == 0) {
        const char *why = zc_parse_oid(arg + 4);
        if (why)
            return why;
        *mode = ZC_KEYID_EXT;
        *oid = apr_pstrdup(p, arg + 4);
        return NULL;
    }
    for (int m = ZC_KEYID_SPKI_SHA256; m < ZC_KEYID_EXT; m++) {
        if (strcasecmp(arg, zc_keyid_names[m]) == 0) {
            *mode = (zc_keyid_mode_t)m;
            *oid = NULL;
            return NULL;
        }
    }
    return choices;
}

const char *zc_keyid_mode_name(zc_keyid_mode_t mode)
{
    if ((int)mode < (int)ZC_KEYID_SPKI_SHA256 || (int)mode > (int)ZC_KEYID_EXT)
        return "unknown";
    return zc_keyid_names[mode];
}

static const struct {
    const char *name;
    unsigned bit;
} zc_algs[] = {
    { "sm2-sm3", ZC_ALG_SM2_SM3 },
    { "rsa-sha256", ZC_ALG_RSA_SHA256 },
    { "rsa-pss-sha256", ZC_ALG_RSA_PSS_SHA256 },
    { "ecdsa-sha256", ZC_ALG_ECDSA_SHA256 },
};
#define ZC_N_ALGS (sizeof zc_algs / sizeof zc_algs[0])

const char *zc_parse_algorithm(apr_pool_t *p, const char *name, unsigned *bit)
{
    for (size_t i = 0; name && i < ZC_N_ALGS; i++) {
        if (strcasecmp(name, zc_algs[i].name) == 0) {
            *bit = zc_algs[i].bit;
            return NULL;
        }
    }
    return "unknown algorithm; choose from sm2-sm3, rsa-sha256, rsa-pss-sha256, ecdsa-sha256";
}

apr_array_header_t *zc_algorithm_names(apr_pool_t *p, unsigned bits)
{
    apr_array_header_t *a = apr_array_make(p, (int)ZC_N_ALGS, sizeof(const char *));

    for (size_t i = 0; i < ZC_N_ALGS; i++)
        if (bits & zc_algs[i].bit)
            APR_ARRAY_PUSH(a, const char *) = zc_algs[i].name;
    return a;
}

/* ---- hosts, origins and URLs ------------------------------------------- */

/* DNS name (or IPv4 dotted quad): labels of 1..63 [A-Za-z0-9_-], not
 * starting or ending with '-', total <= 253.  Lower-cased into *out. */
static const char *zc_parse_hostname(apr_pool_t *p, const char *s, size_t len, const char **out)
{
    size_t label = 0;

    if (len == 0)
        return "missing host name";
    if (len > 253)
        return "host name too long";
    for (size_t i = 0; i <= len; i++) {
        char c = i < len ? s[i] : '.';
        if (c == '.') {
            if (label == 0)
                return "empty label in host name";
            if (s[i - 1] == '-')
                return "a host name label ends with '-'";
            label = 0;
            continue;
        }
        if (!zc_is_alpha(c) && !zc_is_digit(c) && c != '-' && c != '_')
            return "invalid character in host name (use the ASCII/punycode form)";
        if (label == 0 && c == '-')
            return "a host name label starts with '-'";
        if (++label > 63)
            return "a host name label is longer than 63 characters";
    }
    *out = zc_str_lower(p, s, len);
    return NULL;
}

/* host[:port] or [v6][:port], no userinfo.  The port equal to defport is
 * dropped; IPv6 literals are rewritten in RFC 5952 form. */
static const char *zc_parse_authority(apr_pool_t *p, const char *s, size_t len, unsigned defport,
                                      const char **out)
{
    const char *host, *why, *port_s;
    size_t hlen;

    if (len == 0)
        return "missing host";
    if (memchr(s, '@', len))
        return "user names are not allowed in an origin or URL";
    if (s[0] == '[') {
        const char *close = memchr(s, ']', len);
        char buf[64], canon[INET6_ADDRSTRLEN];
        unsigned char addr[16];
        size_t alen = close ? (size_t)(close - s - 1) : 0;
        if (close == NULL || alen == 0 || alen >= sizeof buf)
            return "bad IPv6 literal";
        memcpy(buf, s + 1, alen);
        buf[alen] = '\0';
        if (inet_pton(AF_INET6, buf, addr) != 1 || !inet_ntop(AF_INET6, addr, canon, sizeof canon))
            return "bad IPv6 literal";
        host = apr_pstrcat(p, "[", canon, "]", NULL);
        hlen = (size_t)(close - s + 1);
    }
    else {
        const char *colon = memchr(s, ':', len);
        hlen = colon ? (size_t)(colon - s) : len;
        if ((why = zc_parse_hostname(p, s, hlen, &host)))
            return why;
    }
    port_s = s + hlen;
    if (hlen == len) {
        *out = host;
        return NULL;
    }
    if (*port_s != ':')
        return "unexpected characters after the host";
    port_s++;
    size_t plen = len - hlen - 1;
    unsigned long port = 0;
    if (plen == 0 || plen > 5)
        return "bad port number";
    for (size_t i = 0; i < plen; i++) {
        if (!zc_is_digit(port_s[i]))
            return "bad port number";
        port = port * 10 + (unsigned long)(port_s[i] - '0');
    }
    if (port == 0 || port > 65535)
        return "port must be between 1 and 65535";
    *out = port == defport ? host : apr_psprintf(p, "%s:%lu", host, port);
    return NULL;
}

static const char *zc_origin_parse(apr_pool_t *p, const char *s, int allow_http, const char **norm)
{
    const char *scheme, *auth;
    unsigned defport;
    size_t alen;

    if (s == NULL || *s == '\0')
        return "empty origin";
    if (strncasecmp(s, "https://", 8) == 0) {
        scheme = "https";
        defport = 443;
        s += 8;
    }
    else if (strncasecmp(s, "http://", 7) == 0) {
        if (!allow_http)
            return "http:// origins are refused: the service is HTTPS only (use https://)";
        scheme = "http";
        defport = 80;
        s += 7;
    }
    else
        return "an origin starts with https://";
    alen = strcspn(s, "/?#\\");
    if (s[alen] != '\0' && strcmp(s + alen, "/") != 0)
        return "an origin has no path, query or fragment (only https://host[:port])";
    for (size_t i = 0; i < alen; i++)
        if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
            return "spaces, control or non-ASCII characters in origin";
    const char *why = zc_parse_authority(p, s, alen, defport, &auth);
    if (why)
        return why;
    *norm = apr_pstrcat(p, scheme, "://", auth, NULL);
    return NULL;
}

const char *zc_parse_origin(apr_pool_t *p, const char *arg, const char **norm)
{
    return zc_origin_parse(p, arg, 0, norm);
}

const char *zc_origin_normalize(apr_pool_t *p, const char *hdr)
{
    const char *norm = NULL;
    return zc_origin_parse(p, hdr, 1, &norm) ? NULL : norm;
}

const char *zc_parse_url(apr_pool_t *p, const char *arg)
{
    const char *rest, *auth;
    unsigned defport;

    if (arg == NULL || *arg == '\0')
        return "empty URL";
    for (const unsigned char *c = (const unsigned char *)arg; *c; c++) {
        if (*c <= 0x20 || *c >= 0x7f)
            return "spaces, control or non-ASCII characters in URL (percent-encode them)";
        if (*c == '\\')
            return "backslash in URL";
    }
    if (arg[0] == '/')
        return arg[1] == '/' ? "a path must not start with // (that names another host)" : NULL;
    if (strncasecmp(arg, "https://", 8) == 0) {
        rest = arg + 8;
        defport = 443;
    }
    else if (strncasecmp(arg, "http://", 7) == 0) {
        rest = arg + 7;
        defport = 80;
    }
    else
        return "give an absolute http(s) URL or a path starting with /";
    return zc_parse_authority(p, rest, strcspn(rest, "/?#"), defport, &auth);
}

/* A driver's signing service runs on the user's own computer: the page
 * calls it on loopback, never on a LAN or public address. */
const char *zc_parse_local_url(apr_pool_t *p, const char *arg)
{
    const char *why = zc_parse_url(p, arg), *rest, *auth, *colon;
    if (why)
        return why;
    if (arg[0] == '/')
        return "give an absolute http(s) URL of the local service (http://127.0.0.1:<port>)";
    rest = arg + (strncasecmp(arg, "https://", 8) == 0 ? 8 : 7);
    zc_parse_authority(p, rest, strcspn(rest, "/?#"), 0, &auth);
    colon = auth[0] == '[' ? strchr(auth, ']') + 1 : strchr(auth, ':');
    size_t hlen = colon && *colon ? (size_t)(colon - auth) : strlen(auth);
    if ((hlen == 9 && strncmp(auth, "127.0.0.1", 9) == 0) || (hlen == 9 && strncmp(auth, "localhost", 9) == 0)
        || (hlen == 5 && strncmp(auth, "[::1]", 5) == 0))
        return NULL;
    return "the host must be 127.0.0.1, localhost or [::1] (a signing service on the user's computer)";
}

const char *zc_parse_adapter_name(const char *arg)
{
    size_t n = arg ? strlen(arg) : 0;
    if (n == 0 || n > 32)
        return "an adapter name has 1 to 32 characters";
    for (size_t i = 0; i < n; i++)
        if (!(arg[i] >= 'a' && arg[i] <= 'z') && !zc_is_digit(arg[i]) && arg[i] != '-')
            return "an adapter name has only a-z, 0-9 and -";
    return NULL;
}

/* ---- cookies --------------------------------------------------------------- */

const char *zc_parse_cookie_name(apr_pool_t *p, const char *arg)
{
    size_t n = arg ? strlen(arg) : 0;

    if (n == 0 || n > 64)
        return "a cookie name has 1 to 64 characters";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)arg[i];
        if (c <= 0x20 || c >= 0x7f || strchr("()<>@,;:\\\"/[]?={}", c))
            return "a cookie name is an RFC 6265 token (letters, digits and !#$%&'*+-.^_`|~)";
    }
    return NULL;
}

const char *zc_parse_cookie_attr(apr_pool_t *p, const char *arg, const char **canon)
{
    const char *eq = arg ? strchr(arg, '=') : NULL;
    size_t nlen = eq ? (size_t)(eq - arg) : 0;
    const char *v = eq ? eq + 1 : NULL;

    if (arg == NULL || *arg == '\0')
        return "empty cookie attribute";
    if (eq == NULL) {
        if (strcasecmp(arg, "Secure") == 0 || strcasecmp(arg, "HttpOnly") == 0)
            return "Secure and HttpOnly are always set; leave them out";
        return "unknown cookie attribute; use Path=, Domain= or SameSite=";
    }
    if ((nlen == 7 && strncasecmp(arg, "Max-Age", 7) == 0) || (nlen == 7 && strncasecmp(arg, "Expires", 7) == 0))
        return "refused: sessions expire on the server (use ZcyCASessionIdle and ZcyCASessionMax)";
    if (nlen == 4 && strncasecmp(arg, "Path", 4) == 0) {
        if (v[0] != '/')
            return "Path must start with /";
        for (const unsigned char *c = (const unsigned char *)v; *c; c++)
            if (*c <= 0x20 || *c >= 0x7f || *c == ';')
                return "Path has spaces, control characters or ';'";
        *canon = apr_pstrcat(p, "Path=", v, NULL);
        return NULL;
    }
    if (nlen == 6 && strncasecmp(arg, "Domain", 6) == 0) {
        const char *host, *why;
        if (v[0] == '.')        /* RFC 6265 5.2.3 ignores a leading dot */
            v++;
        if ((why = zc_parse_hostname(p, v, strlen(v), &host)))
            return why;
        *canon = apr_pstrcat(p, "Domain=", host, NULL);
        return NULL;
    }
    if (nlen == 8 && strncasecmp(arg, "SameSite", 8) == 0) {
        static const char *const modes[] = { "Strict", "Lax", "None" };
        for (size_t i = 0; i < 3; i++) {
            if (strcasecmp(v, modes[i]) == 0) {
                *canon = apr_pstrcat(p, "SameSite=", modes[i], NULL);
                return NULL;
            }
        }
        return "SameSite is Strict, Lax or None";
    }
    return "unknown cookie attribute; use Path=, Domain= or SameSite=";
}
