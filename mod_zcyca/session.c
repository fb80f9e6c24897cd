/* Sessions.  The cookie holds 32 random bytes (base64url); the database
 * holds only their SHA-256.  Idle expiry is judged on the database clock,
 * and last_seen_at is written only when it moves the idle expiry by a
 * meaningful step, not on every request. */
#include "session.h"
#include "config.h"
#include "crypto_util.h"
#include "cache.h"
#include "session_memo.h"
#include "session_expiry.h"
#include "cookie.h"
#include "apr_strings.h"
#include "apr_lib.h"
#include <jansson.h>
#include "json_req.h"

const char *zc_request_cookie_token(request_rec *r, const char *name)
{
    return zc_cookie_token(r->pool, apr_table_get(r->headers_in, "Cookie"), name); /* cookie.c */
}

/* The connection's memo (session_memo.h), made at its first protected
 * request.  NULL for an HTTP/2 stream: its connection serves one request,
 * and the streams of one HTTP/2 connection run on several threads at once,
 * so neither can hold one; NULL too when OpenSSL cannot give a digest
 * context. */
static zc_session_memo_t *zc_conn_memo(conn_rec *c)
{
    if (c->master)
        return NULL;
    zc_session_memo_t *m = ap_get_module_config(c->conn_config, &zcyca_module);
    if (!m && (m = zc_session_memo_new(c->pool)) != NULL)
        ap_set_module_config(c->conn_config, &zcyca_module, m);
    return m;
}

/* The request's session token, or NULL without a well-formed one. */
static const char *zc_session_token(request_rec *r)
{
    return zc_request_cookie_token(r, zc_srv_cfg(r->server)->cookie_name);
}

/* SHA-256 of the request's session token (a copy in r->pool), or NULL. */
static const unsigned char *zc_session_token_hash(request_rec *r)
{
    const char *tok = zc_session_token(r);
    if (!tok)
        return NULL;
    zc_session_memo_t *m = zc_conn_memo(r->connection);
    int repeat;
    if (m)
        return apr_pmemdup(r->pool, zc_session_memo_hash(m, tok, &repeat), ZC_SHA256_LEN);
    unsigned char *h = apr_palloc(r->pool, ZC_SHA256_LEN);
    zc_sha256(tok, strlen(tok), h);
    return h;
}

static void zc_session_set_cookie(request_rec *r, const char *value, int clear)
{
    zc_srv_cfg_t *sc = zc_srv_cfg(r->server);
    const char *c = apr_psprintf(r->pool, "%s=%s; %s; HttpOnly; Secure%s", sc->cookie_name, value, sc->cookie_attrs,
                                 clear ? "; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT" : "");
    apr_table_addn(r->err_headers_out, "Set-Cookie", c);
}

static void zc_session_finish(request_rec *r, zc_session_t *s)
{
    s->idle_expires_at = zc_session_expiry_idle_end(s->last_seen_at, zc_srv_cfg(r->server)->session_idle);
}

zc_err_t zc_session_load(request_rec *r, zc_session_t **out)
{
    /* The session belongs to the request the client sent: what a subrequest
     * looks up lives in its pool and is kept for the requests after it. */
    r = zc_top_request(r);
    zc_req_t *rq = zc_req(r);
    if (rq->session_looked_up) {
        *out = rq->session;
        return rq->session ? ZC_OK : ZC_E_LOGIN_REQUIRED;
    }
    *out = NULL;
    const char *tok = zc_session_token(r);
    if (!tok) {
        rq->session_looked_up = 1;
        return ZC_E_LOGIN_REQUIRED;
    }
    zc_srv_cfg_t *sc = zc_srv_cfg(r->server);
    long idle = sc->session_idle, ttl = sc->g->cache_ttl;
    zc_session_memo_t *m = zc_conn_memo(r->connection);
    const unsigned char *h;
    int repeat = 0;
    if (m)
        h = zc_session_memo_hash(m, tok, &repeat);
    else {
        unsigned char *buf = apr_palloc(r->pool, ZC_SHA256_LEN);
        zc_sha256(tok, strlen(tok), buf);
        h = buf;
    }
    /* Read before the cache: a removal after this point moves it on. */
    apr_uint32_t gen;
    int memo = zc_cache_generation(r->server, &gen) && m;
    /* The times are session_expiry.c's: when it ends, when a copy may be
     * used, when last_seen_at is due. */
    apr_time_t now = apr_time_now();
    int alive;
    zc_err_t e;
    /* The connection's memo, else the node's cache; a copy still within its
     * times needs no database, unless it is time to move last_seen_at.
     * Anything doubtful asks the database. */
    zc_session_t *s = memo ? zc_session_memo_get(m, r->pool, gen) : NULL;
    if (s && s->idle_expires_at != zc_session_expiry_idle_end(s->last_seen_at, idle)) {
        /* kept by a request to a virtual host with another idle time */
        zc_session_finish(r, s);
        s->expires_text = NULL;
    }
    if (s && !zc_session_expiry_touch_due(s, now, idle) && zc_session_expiry_usable(s, now, idle, ttl)) {
        ap_log_rerror(APLOG_MARK, APLOG_TRACE1, 0, r, ZCLOGNO(0202) "session %s from the connection's memo",
                      s->token_hash_hex);
        rq->session_looked_up = 1;
        rq->session = s;
        *out = s;
        return ZC_OK;
    }
    /* Past that, the node's cache: another connection may have moved it on. */
    s = apr_pcalloc(r->pool, sizeof *s);
    if (!zc_cache_get(r, h, s))
        s->expires_at = 0; /* not usable */
    if (zc_session_expiry_usable(s, now, idle, ttl)) {
        /* A touch the database cannot take (down, or slower than
         * ZcyCADatabaseTimeout) does not end a session whose copy is still
         * within its TTL: it is served as cached, nothing moves, and a
         * later request touches it (docs/decisions.md). */
        if (zc_session_expiry_touch_due(s, now, idle) && zc_q_session_touch(r, h, &alive) == ZC_OK) {
            if (!alive) {
                zc_cache_remove(r, h);
                rq->session_looked_up = 1;
                return ZC_E_LOGIN_REQUIRED;
            }
            s->last_seen_at = s->cached_at = now;
            zc_cache_put(r, h, s, gen);
        }
    }
    else {
        memset(s, 0, sizeof *s);
        e = zc_q_session_get(r, h, idle, s, &now);
        if (e == ZC_E_SERVICE_UNAVAILABLE)
            return e; /* not remembered: the next look-up may succeed */
        if (e != ZC_OK) {
            zc_cache_remove(r, h);
            rq->session_looked_up = 1;
            return e;
        }
        s->cached_at = apr_time_now(); /* the TTL runs on this node's clock, like the cache's expiry */
        if (zc_session_expiry_touch_due(s, now, idle) && zc_q_session_touch(r, h, &alive) == ZC_OK) {
            if (!alive) {
                /* Ended between the read and the touch: neither answer with
                 * it nor put it in the cache. */
                zc_cache_remove(r, h);
                rq->session_looked_up = 1;
                return ZC_E_LOGIN_REQUIRED;
            }
            s->last_seen_at = now;
        }
        zc_cache_put(r, h, s, gen);
    }
    rq->session_looked_up = 1;
    s->token_hash_hex = zc_hex(r->pool, h, 4);
    zc_session_finish(r, s);
    s->cert_not_after_text = s->expires_text = NULL;
    /* Kept from a token's second request on a connection: one that changes
     * its cookie on every request (a proxy mixing users) never pays for it. */
    if (memo && repeat)
        zc_session_memo_keep(m, r->pool, s, gen);
    rq->session = s;
    *out = s;
    return ZC_OK;
}

zc_err_t zc_session_begin(request_rec *r, zc_session_mint_t *m)
{
    m->replaced = zc_session_token_hash(r);
    if (!(m->token = zc_token_new(r->pool))) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, ZCLOGNO(0201) "random generator failed");
        return ZC_E_SERVICE_UNAVAILABLE;
    }
    m->hash = apr_palloc(r->pool, ZC_SHA256_LEN);
    zc_sha256(m->token, strlen(m->token), m->hash);
    return ZC_OK;
}

zc_session_t *zc_session_opened(request_rec *r, const zc_session_mint_t *m, const zc_session_new_t *n,
                                apr_time_t created, apr_time_t expires)
{
    /* The row of the replaced session is gone with the insert; other nodes
     * hear of it from the database (session_events.c), this one now. */
    if (m->replaced)
        zc_cache_remove(r, m->replaced);
    zc_session_t *s = apr_pcalloc(r->pool, sizeof *s);
    s->token_hash_hex = zc_hex(r->pool, m->hash, 4);
    s->account_id = n->account_id;
    s->method = n->method;
    s->binding_id = n->binding_id;
    s->provider_id = n->provider_id;
    s->key_id = n->key_id;
    s->cert_not_after = n->cert_not_after;
    s->created_at = s->last_seen_at = created;
    s->expires_at = expires;
    zc_session_finish(r, s);
    zc_session_set_cookie(r, m->token, 0);
    zc_req_t *rq = zc_req(r);
    rq->session = s;
    rq->session_looked_up = 1;
    return s;
}

zc_err_t zc_session_create(request_rec *r, const zc_session_new_t *n_in, zc_session_t **out)
{
    zc_session_mint_t m;
    zc_err_t e = zc_session_begin(r, &m);
    if (e != ZC_OK)
        return e;
    zc_session_new_t n = *n_in;
    n.token_hash = m.hash;
    n.replaced_hash = m.replaced;
    n.max_seconds = zc_srv_cfg(r->server)->session_max;
    apr_time_t created, expires;
    if ((e = zc_q_session_insert(r, &n, &created, &expires)) != ZC_OK)
        return e;
    *out = zc_session_opened(r, &m, &n, created, expires);
    return ZC_OK;
}

zc_err_t zc_session_destroy(request_rec *r, apr_int64_t *account_id)
{
    const unsigned char *h = zc_session_token_hash(r);
    *account_id = 0;
    /* The row first: removed before it, the entry could be put back from
     * the row by a request on another node in between.  When the row stays,
     * so do the cookie and the entry: the session is still alive. */
    zc_err_t e = h ? zc_q_session_delete(r, h, account_id) : ZC_OK;
    if (e != ZC_OK)
        return e;
    zc_session_set_cookie(r, "", 1);
    zc_req_t *rq = zc_req(r);
    rq->session = NULL;
    rq->session_looked_up = 1;
    if (h)
        zc_cache_remove(r, h);
    return ZC_OK;
}

const char *zc_session_json(request_rec *r, const zc_session_t *s)
{
    json_t *o = json_object();
    json_object_set_new(o, "account", json_pack("{s:s, s:s, s:s}", "login", s->login, "name", s->display_name,
                                                "region", s->region ? s->region : ""));
    json_object_set_new(o, "method", json_string(s->method));
    if (s->provider_id)
        json_object_set_new(o, "provider", json_string(s->provider_id));
    if (s->key_id)
        json_object_set_new(o, "key_id", json_string(s->key_id));
    if (s->cert_not_after)
        json_object_set_new(o, "cert_not_after", json_string(zc_rfc3339(r->pool, s->cert_not_after)));
    json_object_set_new(o, "created_at", json_string(zc_rfc3339(r->pool, s->created_at)));
    json_object_set_new(o, "expires_at", json_string(zc_rfc3339(r->pool, s->expires_at)));
    json_object_set_new(o, "idle_expires_at", json_string(zc_rfc3339(r->pool, zc_session_expiry_end(s))));
    json_object_set_new(o, "warnings", zc_expiry_warnings(r, s->cert_not_after));
    return zc_json_dump(r->pool, o);
}

json_t *zc_expiry_warnings(request_rec *r, apr_time_t not_after)
{
    json_t *list = json_array();
    long days = zc_srv_cfg(r->server)->expiry_warning;
    apr_time_t left = not_after - apr_time_now();
    if (!not_after || days <= 0 || left > apr_time_from_sec(days * 86400))
        return list;
    long d = left > 0 ? (long)(apr_time_sec(left) / 86400) : 0;
    json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:i}", "code", "CERT_EXPIRING",
        "message", apr_psprintf(r->pool, "CA证书将于%ld天后过期，请尽快联系CA机构办理更新", d),
        "message_en", apr_psprintf(r->pool, "The CA certificate expires in %ld days; renew it with your CA soon", d),
        "not_after", zc_rfc3339(r->pool, not_after), "days_left", (int)d));
    return list;
}
