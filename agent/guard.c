/* guard.c - origin normalisation, the allow-list, the Host check and the
 * signing guard.  Pure: see guard.h. */
#include "guard.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static bool zca_is_digit(char c) { return c >= '0' && c <= '9'; }
static bool zca_is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static char zca_lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c; }
static bool zca_is_b64url(char c) { return zca_is_alpha(c) || zca_is_digit(c) || c == '-' || c == '_'; }

/* ---- origins ------------------------------------------------------------ */

/* Host name of LEN bytes at S: LDH labels (plus '_', which some intranet
 * names carry), 1..63 each, 253 in all; written lower-case to OUT. */
static bool zca_hostname(const char *s, size_t len, char *out, size_t outsz)
{
    size_t label = 0;

    if (len == 0 || len > 253 || len >= outsz)
        return false;
    for (size_t i = 0; i <= len; i++) {
        char c = i < len ? s[i] : '.';
        if (c == '.') {
            if (label == 0 || s[i - 1] == '-')
                return false;
            label = 0;
            continue;
        }
        if (!zca_is_alpha(c) && !zca_is_digit(c) && c != '-' && c != '_')
            return false;
        if ((label == 0 && c == '-') || ++label > 63)
            return false;
    }
    for (size_t i = 0; i < len; i++)
        out[i] = zca_lower(s[i]);
    out[len] = '\0';
    return true;
}

/* "[v6]" of LEN bytes at S, rewritten by inet_ntop (RFC 5952: lower case,
 * shortest form), so "[0:0::1]" and "[::1]" are the same origin. */
static bool zca_ipv6(const char *s, size_t len, char *out, size_t outsz)
{
    char buf[64], canon[INET6_ADDRSTRLEN];
    unsigned char addr[16];

    if (len < 3 || s[0] != '[' || s[len - 1] != ']' || len - 2 >= sizeof buf)
        return false;
    memcpy(buf, s + 1, len - 2);
    buf[len - 2] = '\0';
    if (inet_pton(AF_INET6, buf, addr) != 1 || inet_ntop(AF_INET6, addr, canon, sizeof canon) == NULL)
        return false;
    return snprintf(out, outsz, "[%s]", canon) < (int)outsz;
}

/* host[:port] of LEN bytes at S -> normal host in HOST, port in *PORT (0 when absent). */
static bool zca_authority(const char *s, size_t len, char *host, size_t hostsz, unsigned *port)
{
    size_t hlen;

    if (len == 0 || memchr(s, '@', len))    /* userinfo: https://evil@good.example */
        return false;
    if (s[0] == '[') {
        const char *close = memchr(s, ']', len);
        if (close == NULL)
            return false;
        hlen = (size_t)(close - s) + 1;
        if (!zca_ipv6(s, hlen, host, hostsz))
            return false;
    }
    else {
        const char *colon = memchr(s, ':', len);
        hlen = colon ? (size_t)(colon - s) : len;
        if (!zca_hostname(s, hlen, host, hostsz))
            return false;
    }
    *port = 0;
    if (hlen == len)
        return true;
    if (s[hlen] != ':' || len - hlen - 1 == 0 || len - hlen - 1 > 5)
        return false;
    unsigned long p = 0;
    for (size_t i = hlen + 1; i < len; i++) {
        if (!zca_is_digit(s[i]))
            return false;
        p = p * 10 + (unsigned long)(s[i] - '0');
    }
    if (p == 0 || p > 65535)
        return false;
    *port = (unsigned)p;
    return true;
}

bool zca_origin_normalize(const char *in, char *out, size_t outsz)
{
    const char *scheme, *rest;
    unsigned defport, port;
    char host[260];
    size_t alen;

    if (outsz > 0)
        out[0] = '\0';
    if (in == NULL || outsz < ZCA_ORIGIN_MAX)
        return false;
    for (const char *c = in; *c; c++)
        if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f)
            return false;
    if (strncasecmp(in, "https://", 8) == 0) {
        scheme = "https";
        defport = 443;
        rest = in + 8;
    }
    else if (strncasecmp(in, "http://", 7) == 0) {
        scheme = "http";
        defport = 80;
        rest = in + 7;
    }
    else
        return false;    /* "null", file:, chrome-extension:, garbage */
    alen = strcspn(rest, "/?#\\");
    if (rest[alen] != '\0' && strcmp(rest + alen, "/") != 0)
        return false;    /* a path, query or fragment is not an origin */
    if (!zca_authority(rest, alen, host, sizeof host, &port))
        return false;
    int n = (port == 0 || port == defport) ? snprintf(out, outsz, "%s://%s", scheme, host)
                                            : snprintf(out, outsz, "%s://%s:%u", scheme, host, port);
    if (n < 0 || (size_t)n >= outsz) {
        out[0] = '\0';
        return false;
    }
    return true;
}

bool zca_origin_allowed(const char *hdr, const char *const *allowed, size_t n, char *norm, size_t normsz)
{
    if (!zca_origin_normalize(hdr, norm, normsz))
        return false;
    for (size_t i = 0; i < n; i++)
        if (strcmp(norm, allowed[i]) == 0)
            return true;
    norm[0] = '\0';
    return false;
}

bool zca_host_ok(const char *hdr, unsigned port)
{
    static const char *const zca_loopback_names[] = { "127.0.0.1", "localhost", "[::1]" };
    char host[260];
    unsigned p;

    if (hdr == NULL || !zca_authority(hdr, strlen(hdr), host, sizeof host, &p))
        return false;
    if ((p == 0 ? 80u : p) != port)
        return false;
    for (size_t i = 0; i < sizeof zca_loopback_names / sizeof *zca_loopback_names; i++)
        if (strcmp(host, zca_loopback_names[i]) == 0)
            return true;
    return false;
}

/* ---- the signing guard -------------------------------------------------- */

static bool zca_all_b64url(const char *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!zca_is_b64url(v[i]))
            return false;
    return true;
}

static bool zca_v_purpose(const char *v, size_t n, const char *origin)
{
    (void)origin;
    return (n == 5 && memcmp(v, "login", 5) == 0) || (n == 4 && memcmp(v, "bind", 4) == 0);
}

/* Byte for byte: the module writes its origin in normal form, and a page of
 * another origin must not get a text for this one signed. */
static bool zca_v_origin(const char *v, size_t n, const char *origin)
{
    return origin != NULL && n == strlen(origin) && n > 0 && memcmp(v, origin, n) == 0;
}

static bool zca_v_provider(const char *v, size_t n, const char *origin)
{
    (void)origin;
    return n >= 1 && n <= 64 && zca_all_b64url(v, n);    /* [A-Za-z0-9_-] is the base64url set */
}

static bool zca_v_nonce(const char *v, size_t n, const char *origin)
{
    (void)origin;
    return n == 43 && zca_all_b64url(v, n);    /* 32 bytes, unpadded base64url */
}

static unsigned zca_num(const char *v, size_t n)
{
    unsigned x = 0;
    for (size_t i = 0; i < n; i++)
        x = x * 10 + (unsigned)(v[i] - '0');
    return x;
}

/* YYYY-MM-DDTHH:MM:SSZ, a real calendar date (the module writes whole seconds, UTC). */
static bool zca_v_iat(const char *v, size_t n, const char *origin)
{
    static const char zca_shape[] = "dddd-dd-ddTdd:dd:ddZ";
    static const unsigned char zca_mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    (void)origin;

    if (n != sizeof zca_shape - 1)
        return false;
    for (size_t i = 0; i < n; i++)
        if (zca_shape[i] == 'd' ? !zca_is_digit(v[i]) : v[i] != zca_shape[i])
            return false;
    unsigned y = zca_num(v, 4), mo = zca_num(v + 5, 2), d = zca_num(v + 8, 2);
    unsigned h = zca_num(v + 11, 2), mi = zca_num(v + 14, 2), s = zca_num(v + 17, 2);
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > zca_mdays[mo - 1] || h > 23 || mi > 59 || s > 59)
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(mo == 2 && d == 29 && !leap);
}

/* The six lines in order: the exact prefix, then a check of the value. */
static const struct {
    const char *prefix;
    bool (*value_ok)(const char *v, size_t n, const char *origin);
    const char *why;
} zca_tbs_lines[] = {
    { "ZCYCA-AUTH-V1", NULL, "line 1 is not ZCYCA-AUTH-V1" },
    { "purpose=", zca_v_purpose, "line 2 is not purpose=login|bind" },
    { "origin=", zca_v_origin, "line 3 is not origin=<the requesting origin>" },
    { "provider=", zca_v_provider, "line 4 is not provider=[A-Za-z0-9_-]{1,64}" },
    { "nonce=", zca_v_nonce, "line 5 is not nonce=<43 base64url characters>" },
    { "iat=", zca_v_iat, "line 6 is not iat=YYYY-MM-DDTHH:MM:SSZ" },
};
#define ZCA_TBS_LINES (sizeof zca_tbs_lines / sizeof *zca_tbs_lines)

static zca_sign_kind_t zca_refuse(const char **why, const char *reason)
{
    if (why)
        *why = reason;
    return ZCA_SIGN_REFUSED;
}

zca_sign_kind_t zca_guard_sign(const char *data, size_t len, const char *origin, bool allow_nonce,
                               const char **why)
{
    size_t pos = 0;

    if (why)
        *why = NULL;
    if (data == NULL)
        return zca_refuse(why, "no data");
    if (len == 43 && zca_all_b64url(data, len))
        return allow_nonce ? ZCA_SIGN_NONCE : zca_refuse(why, "a bare nonce, and allow-nonce is off");
    for (size_t i = 0; i < ZCA_TBS_LINES; i++) {
        const char *line = data + pos;
        const char *lf = memchr(line, '\n', len - pos);
        size_t llen = lf ? (size_t)(lf - line) : len - pos;
        size_t plen = strlen(zca_tbs_lines[i].prefix);

        if (i + 1 < ZCA_TBS_LINES && lf == NULL)
            return zca_refuse(why, i == 0 ? "not a ZCYCA-AUTH-V1 text" : "fewer than 6 lines");
        if (i + 1 == ZCA_TBS_LINES && lf != NULL)
            return zca_refuse(why, "a trailing LF or more than 6 lines");
        if (llen < plen || memcmp(line, zca_tbs_lines[i].prefix, plen) != 0)
            return zca_refuse(why, zca_tbs_lines[i].why);
        if (zca_tbs_lines[i].value_ok ? !zca_tbs_lines[i].value_ok(line + plen, llen - plen, origin)
                                      : llen != plen)
            return zca_refuse(why, zca_tbs_lines[i].why);
        pos += llen + 1;
    }
    return ZCA_SIGN_TBS;
}
