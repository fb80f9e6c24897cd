/* A connection's memo of its session (pure: APR and OpenSSL only).
 *
 * A browser or a vendor driver sends the same cookie on every request of a
 * keep-alive connection.  The memo keeps, for one connection, that token's
 * SHA-256 and the session last found for it, so that the next request needs
 * neither the hash nor the session cache.  It adds no staleness of its own:
 * a kept session is given out only under the cache generation it was taken
 * under (cache.h: every removal from the node's session cache moves the
 * generation on), and callers still check its times and TTL.
 *
 * One memo belongs to one connection, and one thread works a connection at
 * a time, so it takes no lock. */
#ifndef ZC_SESSION_MEMO_H
#define ZC_SESSION_MEMO_H

#include <apr_pools.h>
#include "session_entry.h"

typedef struct zc_session_memo_t zc_session_memo_t;

/* A memo living in p (the connection's pool); NULL when OpenSSL cannot give
 * a digest context. */
zc_session_memo_t *zc_session_memo_new(apr_pool_t *p);

/* The SHA-256 of tok (a well-formed 43-character token).  The same token as
 * last time gives the stored hash and sets *repeat; another one is hashed
 * and makes the memo forget its session.  The result lives until the next
 * call. */
const unsigned char *zc_session_memo_hash(zc_session_memo_t *m, const char *tok, int *repeat);

/* A copy in p of the kept session when it was kept under generation gen,
 * for the current token; NULL otherwise.  Nothing in the copy points into
 * the memo, so the memo may change while p lives. */
zc_session_t *zc_session_memo_get(zc_session_memo_t *m, apr_pool_t *p, apr_uint32_t gen);

/* Keep s (idle expiry set) for the current token under generation gen, with
 * its RFC 3339 texts, which are made in p and also given to s.  A session
 * too large for the memo is simply not kept. */
void zc_session_memo_keep(zc_session_memo_t *m, apr_pool_t *p, zc_session_t *s, apr_uint32_t gen);

#endif
