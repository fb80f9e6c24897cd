/* Challenges.  The nonce is 32 bytes from RAND_priv_bytes; the database
 * keeps only its SHA-256, bound to purpose, provider, origin, the pre-login
 * cookie (its hash) and, for bind, the account.  A challenge is consumed
 * before anything else is checked: one challenge, one attempt. */
#include "challenge.h"
#include "config.h"
#include "crypto_util.h"
#include "db.h"
#include "guard.h"
#include "session.h"
#include "tbs.h"
#include "apr_strings.h"
#include "apr_lib.h"

/* SHA-256 of the pre-login cookie; with create, a new cookie is set when the
 * request has none.  NULL without one. */
static unsigned char *zc_prelogin_hash(request_rec *r, int create)
{
    zc_srv_cfg_t *sc = zc_srv_cfg(r->server);
    const char *v = zc_request_cookie_token(r, sc->prelogin_cookie);
    if (!v) {
        if (!create || !(v = zc_token_new(r->pool)))
            return NULL;
        apr_table_addn(r->err_headers_out, "Set-Cookie",
                       apr_psprintf(r->pool, "%s=%s; Path=/; HttpOnly; Secure; SameSite=Strict", sc->prelogin_cookie, v));
    }
    unsigned char *h = apr_palloc(r->pool, ZC_SHA256_LEN);
    zc_sha256(v, strlen(v), h);
    return h;
}

/* pv NULL: a challenge for whichever provider the certificate turns out to
 * be from ("provider=" stays empty, and the full text is signed). */
static const char *zc_tbs_for(request_rec *r, const char *purpose, const char *origin, const zc_provider_t *pv,
                              const char *nonce, apr_time_t issued_at)
{
    zc_tbs_fields_t f = {.purpose = purpose, .origin = origin, .provider = pv ? pv->id : "", .nonce = nonce,
                         .issued_at = apr_time_from_sec(apr_time_sec(issued_at))};
    return zc_tbs_build(r->pool, &f, pv && pv->signs_nonce ? ZC_SIGNED_NONCE : ZC_SIGNED_TBS);
}

zc_err_t zc_challenge_issue(request_rec *r, const char *purpose, const zc_provider_t *pv, apr_int64_t account_id,
                            zc_challenge_issued_t *out)
{
    const char *origin = zc_request_origin(r);
    unsigned char *pre = zc_prelogin_hash(r, 1);
    const char *nonce = zc_token_new(r->pool);
    if (!origin || !pre || !nonce) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, ZCLOGNO(1001) "challenge: no origin or random generator failed");
        return ZC_E_SERVICE_UNAVAILABLE;
    }
    unsigned char nh[ZC_SHA256_LEN];
    zc_sha256(nonce, strlen(nonce), nh);
    zc_srv_cfg_t *sc = zc_srv_cfg(r->server);
    /* The count of the client address (ZcyCAChallengeLimit) is taken by the
     * same statement that inserts: no extra round trip. */
    const char *v[] = {(const char *)nh, purpose, pv ? pv->id : "", (const char *)pre,
                       account_id ? apr_psprintf(r->pool, "%" APR_INT64_T_FMT, account_id) : NULL, origin,
                       apr_psprintf(r->pool, "%ld", sc->challenge_ttl),
                       apr_psprintf(r->pool, "%d", ZC_CHALLENGE_PER_COOKIE - 1), r->useragent_ip,
                       apr_psprintf(r->pool, "%ld", sc->challenge_limit),
                       apr_psprintf(r->pool, "%ld", sc->challenge_window)};
    const int len[] = {ZC_SHA256_LEN, 0, 0, ZC_SHA256_LEN, 0, 0, 0, 0, 0, 0, 0};
    const int fmt[] = {1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0};
    PGresult *res;
    zc_err_t e = zc_db_exec(r, ZC_Q_CHALLENGE_INSERT, v, len, fmt, &res);
    if (e != ZC_OK)
        return e;
    if (PQntuples(res) != 1)
        return ZC_E_SERVICE_UNAVAILABLE;
    if (PQgetisnull(res, 0, 0)) {
        /* Past ZcyCAChallengeLimit: the seconds left in the address's window. */
        long wait = atol(PQgetvalue(res, 0, 3));
        apr_table_setn(r->err_headers_out, "Retry-After", apr_psprintf(r->pool, "%ld", wait > 0 ? wait : 1));
        return ZC_E_THROTTLED;
    }
    out->id = apr_pstrdup(r->pool, PQgetvalue(res, 0, 0));
    apr_time_t issued_at = (apr_time_t)apr_atoi64(PQgetvalue(res, 0, 1));
    out->expires_at = (apr_time_t)apr_atoi64(PQgetvalue(res, 0, 2));
    out->nonce = nonce;
    out->tbs = zc_tbs_for(r, purpose, origin, pv, nonce, issued_at);

    return ZC_OK;
}

static int zc_uuid_shaped(const char *s)
{
    if (!s || strlen(s) != 36)
        return 0;
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return 0;
        }
        else if (!apr_isxdigit(s[i]))
            return 0;
    }
    return 1;
}

zc_err_t zc_challenge_consume(request_rec *r, const char *id, const char *nonce, const char *purpose,
                              const zc_provider_t **pvp, const char **tbs, apr_int64_t *account_id,
                              const char **detail)
{
    const zc_provider_t *pv = *pvp;
    unsigned char *pre = zc_prelogin_hash(r, 0);
    if (!zc_uuid_shaped(id)) {
        *detail = "challenge_id is not a challenge id";
        return ZC_E_CHALLENGE_INVALID;
    }
    if (!pre) {
        *detail = "no pre-login cookie (cookies blocked, or a different browser)";
        return ZC_E_CHALLENGE_INVALID;
    }
    const char *v[] = {id, (const char *)pre};
    const int len[] = {0, ZC_SHA256_LEN};
    const int fmt[] = {0, 1};
    PGresult *res;
    zc_err_t e = zc_db_exec(r, ZC_Q_CHALLENGE_CONSUME, v, len, fmt, &res);
    if (e != ZC_OK)
        return e;
    if (PQntuples(res) == 0) {
        *detail = "challenge unknown, already used, or issued to another pre-login cookie";
        return ZC_E_CHALLENGE_INVALID;
    }
    size_t hlen = 0;
    unsigned char *row_hash = PQunescapeBytea((const unsigned char *)PQgetvalue(res, 0, 0), &hlen);
    unsigned char nh[ZC_SHA256_LEN];
    if (nonce)
        zc_sha256(nonce, strlen(nonce), nh);
    int nonce_ok = nonce && row_hash && hlen == ZC_SHA256_LEN && zc_ct_equal(nh, row_hash, ZC_SHA256_LEN);
    PQfreemem(row_hash);
    const char *row_purpose = PQgetvalue(res, 0, 1), *row_provider = PQgetvalue(res, 0, 2);
    const char *row_origin = PQgetvalue(res, 0, 4), *origin = zc_request_origin(r);
    if (*PQgetvalue(res, 0, 7) != 't') {
        *detail = "challenge expired";
        return ZC_E_CHALLENGE_EXPIRED;
    }
    if (!nonce_ok)
        *detail = "the nonce sent back is not the challenge's";
    else if (strcmp(row_purpose, purpose) != 0)
        *detail = apr_psprintf(r->pool, "challenge was issued for %s, used for %s", row_purpose, purpose);
    else if (*row_provider && pv && strcmp(row_provider, pv->id) != 0)
        *detail = apr_psprintf(r->pool, "challenge was issued for provider %s, used with %s", row_provider, pv->id);
    else if (*row_provider && !zc_provider_find(zc_srv_cfg(r->server)->g, row_provider))
        *detail = apr_psprintf(r->pool, "challenge was issued for provider %s, no longer configured", row_provider);
    else if (!origin || strcmp(row_origin, origin) != 0)
        *detail = "challenge was issued to another origin";
    else {
        const zc_provider_t *row_pv = *row_provider ? zc_provider_find(zc_srv_cfg(r->server)->g, row_provider) : NULL;
        *account_id = apr_atoi64(PQgetvalue(res, 0, 3));
        *tbs = zc_tbs_for(r, row_purpose, row_origin, row_pv, nonce, (apr_time_t)apr_atoi64(PQgetvalue(res, 0, 5)));
        if (row_pv)
            *pvp = row_pv;
        return ZC_OK;
    }
    return ZC_E_CHALLENGE_INVALID;
}
