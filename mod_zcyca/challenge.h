/* Challenges: issue, and consume-first (challenge.c). */
#ifndef ZC_CHALLENGE_H
#define ZC_CHALLENGE_H

#include "mod_zcyca.h"

/* Pending challenges one pre-login cookie may hold; older ones are burnt. */
#define ZC_CHALLENGE_PER_COOKIE 5

typedef struct {
    const char *id;         /* uuid */
    const char *nonce;      /* base64url, 43 chars; only its hash is stored */
    const char *tbs;        /* the exact text to sign */
    apr_time_t expires_at;
} zc_challenge_issued_t;

/* Issue a challenge bound to purpose, provider (NULL: any, found from the
 * certificate at use), account (0: none), the request's origin and its
 * pre-login cookie (set when absent).  ZC_E_THROTTLED, with Retry-After,
 * when the client address has had ZcyCAChallengeLimit challenges in its
 * window (refused requests count too). */
zc_err_t zc_challenge_issue(request_rec *r, const char *purpose, const zc_provider_t *pv, apr_int64_t account_id,
                            zc_challenge_issued_t *out);

/* Consume challenge id for this request's pre-login cookie in one
 * statement, then check it against what the client says: the nonce, the
 * purpose, the provider and the origin.  Unknown, used, foreign-cookie or
 * mismatching → CHALLENGE_INVALID; past its expiry → CHALLENGE_EXPIRED.
 * On success *tbs is the text the key must have signed (rebuilt from the
 * row) and *account_id the account a bind challenge was issued for. */
zc_err_t zc_challenge_consume(request_rec *r, const char *id, const char *nonce, const char *purpose,
                              const zc_provider_t **pv, const char **tbs, apr_int64_t *account_id,
                              const char **detail);
/* *pv: in, the provider the client named (or NULL); out, the challenge's own
 * provider when it was issued for one (else unchanged). */

#endif
