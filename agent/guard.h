/* guard.h - the agent's decisions on untrusted input: which origin is asking,
 * whether the Host header names this agent, and whether a text may be signed.
 *
 * Pure: libc only (no libmicrohttpd, libp11 or OpenSSL), so the unit tests
 * (t/unit/test_agent_guard.c) link this file alone. */
#ifndef ZCA_GUARD_H
#define ZCA_GUARD_H

#include <stdbool.h>
#include <stddef.h>

/* "https://" + a 253-character host name + ":65535" + NUL fits. */
#define ZCA_ORIGIN_MAX 272

/* An origin in normal form: lower-case scheme (http or https) and host,
 * IPv6 literals in RFC 5952 form, the scheme's default port dropped, and one
 * trailing "/" dropped (the module's zc_origin_normalize does the same).
 * Refused: "null", any other scheme, userinfo, a path, query or fragment,
 * spaces, control or non-ASCII characters.  Returns true and writes OUT
 * (OUTSZ >= ZCA_ORIGIN_MAX) on success; false leaves OUT empty. */
bool zca_origin_normalize(const char *in, char *out, size_t outsz);

/* The request's Origin header HDR (NULL when absent) against ALLOWED[N]
 * (each already normalised).  True when HDR normalises to one of them
 * exactly; then NORM (>= ZCA_ORIGIN_MAX) holds the normal form. */
bool zca_origin_allowed(const char *hdr, const char *const *allowed, size_t n, char *norm, size_t normsz);

/* The Host header names this agent: 127.0.0.1, localhost or [::1] (any case)
 * with the agent's PORT (no port means 80).  Anything else is how a DNS
 * rebinding page would reach us, so it is refused. */
bool zca_host_ok(const char *hdr, unsigned port);

/* What SOF_SignData may sign. */
typedef enum {
    ZCA_SIGN_REFUSED = 0,
    ZCA_SIGN_TBS,   /* a ZCYCA-AUTH-V1 text for ORIGIN */
    ZCA_SIGN_NONCE  /* a bare 43-character base64url nonce (allow-nonce on) */
} zca_sign_kind_t;

/* The signing guard.  DATA[LEN] (may hold NULs) must be exactly the six
 * LF-separated lines
 *   ZCYCA-AUTH-V1 / purpose=login|bind / origin=ORIGIN / provider=[A-Za-z0-9_-]{1,64}
 *   / nonce=<43 base64url> / iat=YYYY-MM-DDTHH:MM:SSZ
 * with no trailing LF, where ORIGIN is the requesting origin in normal form
 * (byte for byte: the module writes the normal form); or, when ALLOW_NONCE,
 * exactly 43 base64url characters.  On refusal *WHY (if WHY) names the first
 * rule broken, for the log; it never quotes the data. */
zca_sign_kind_t zca_guard_sign(const char *data, size_t len, const char *origin, bool allow_nonce,
                               const char **why);

#endif
