/* Strict parsers for directive values (pure).  Each returns NULL on success
 * or a short English reason (pool string) that the caller puts after the
 * directive name in the configtest message. */
#ifndef ZC_PARSE_H
#define ZC_PARSE_H

#include <apr_pools.h>
#include <apr_tables.h>

/* Whole decimal number of seconds in [min, max]; no sign, no suffix, no
 * spaces ("10x", "", "-1", "99999999999999999999" all fail). */
const char *zc_parse_seconds(apr_pool_t *p, const char *arg, long min, long max, long *out);

/* Same rule, any integer range (counts, sizes). */
const char *zc_parse_long(apr_pool_t *p, const char *arg, long min, long max, long *out);

/* Provider id: 1..32 chars of [a-z0-9_-], starting with a letter or digit. */
const char *zc_parse_provider_id(apr_pool_t *p, const char *arg);

typedef enum {
    ZC_KEYID_SPKI_SHA256 = 0,  /* default: survives renewal on the same key */
    ZC_KEYID_CERT_SHA256,
    ZC_KEYID_ISSUER_SERIAL,
    ZC_KEYID_EXT               /* ext:<dotted OID> (issue 3 fills the lookup) */
} zc_keyid_mode_t;

/* "spki-sha256" | "cert-sha256" | "issuer-serial" | "ext:<OID>" (OID
 * dotted decimal, at least two arcs).  *oid is set for ext, else NULL. */
const char *zc_parse_keyid_mode(apr_pool_t *p, const char *arg, zc_keyid_mode_t *mode, const char **oid);
const char *zc_keyid_mode_name(zc_keyid_mode_t mode);

/* Dotted-decimal OID (1.2.156.10260.4.1.1): NULL or the reason it is not. */
const char *zc_parse_oid(const char *oid);

/* Origin: "https://host[:port]" only (no path, query, fragment, userinfo);
 * scheme and host folded to lower case, default port 443 dropped.
 * *norm receives the normalised form that Origin headers are compared to. */
const char *zc_parse_origin(apr_pool_t *p, const char *arg, const char **norm);

/* Normalise an Origin request header the same way; NULL when it is not an
 * https/http origin at all ("null", garbage). */
const char *zc_origin_normalize(apr_pool_t *p, const char *hdr);

/* Absolute http(s) URL or a path starting with "/" (driver downloads,
 * login and after-login targets).  No control characters or spaces. */
const char *zc_parse_url(apr_pool_t *p, const char *arg);

/* An absolute http(s) URL on loopback (127.0.0.1, localhost, [::1]): a
 * driver's local signing service (ZcyCAProviderDriver). */
const char *zc_parse_local_url(apr_pool_t *p, const char *arg);

/* The name of a page-side driver adapter: [a-z0-9-]{1,32}. */
const char *zc_parse_adapter_name(const char *arg);

/* Signature algorithm names of ZcyCAProviderAlgorithms. */
#define ZC_ALG_SM2_SM3        (1u << 0)
#define ZC_ALG_RSA_SHA256     (1u << 1)
#define ZC_ALG_RSA_PSS_SHA256 (1u << 2)
#define ZC_ALG_ECDSA_SHA256   (1u << 3)
#define ZC_ALG_ALL            0x0fu
/* One name → its bit; NULL reason or an error naming the valid choices. */
const char *zc_parse_algorithm(apr_pool_t *p, const char *name, unsigned *bit);
/* Bits → JSON-ready list of names (apr array of const char *), in table order. */
apr_array_header_t *zc_algorithm_names(apr_pool_t *p, unsigned bits);

/* Cookie attribute for ZcyCACookie: "Path=/x", "Domain=example.org",
 * "SameSite=Strict|Lax|None", "Max-Age" is refused (sessions expire
 * server side).  *canon receives the attribute in canonical case. */
const char *zc_parse_cookie_attr(apr_pool_t *p, const char *arg, const char **canon);

/* Cookie name: RFC 6265 token, 1..64 chars. */
const char *zc_parse_cookie_name(apr_pool_t *p, const char *arg);

#endif
