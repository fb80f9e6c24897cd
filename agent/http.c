/* http.c - libmicrohttpd glue: who may call (Host, Origin), CORS and the
 * Private Network Access preflight, the body limit, JSON out.
 *
 * Order for every request, before the body is read: Host (DNS rebinding),
 * Origin (the allow-list), method and path, declared length.  A request that
 * fails any of these never reaches sof.c. */
#include "http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "agent.h"
#include "guard.h"
#include "log.h"
#include "reply.h"
#include "sof.h"

#define ZCA_BODY_MAX (64 * 1024)

typedef struct {
    char origin[ZCA_ORIGIN_MAX];  /* allowed, normal form; "" until checked */
    const char *origin_hdr;       /* the header as sent, echoed in Allow-Origin */
    char *body;
    size_t len;
    bool too_large;
    bool answered;                /* a response is queued: ignore the rest */
} zca_http_req_t;

static void zca_http_req_free(zca_http_req_t *r)
{
    if (r == NULL)
        return;
    if (r->body) {
        OPENSSL_cleanse(r->body, r->len);    /* it may hold a PIN */
        free(r->body);
    }
    free(r);
}

static void zca_http_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                               enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)conn, (void)toe;
    zca_http_req_free(*con_cls);
    *con_cls = NULL;
}

/* Headers of every answer; CORS ones only for an allowed origin. */
static void zca_http_headers(struct MHD_Response *resp, const zca_http_req_t *r)
{
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    /* A fresh connection per call: libmicrohttpd's buffer that held the
     * request (maybe a PIN) is released at once, and no idle connection waits. */
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    if (r && r->origin[0]) {
        MHD_add_response_header(resp, "Access-Control-Allow-Origin", r->origin_hdr);
        MHD_add_response_header(resp, "Vary", "Origin");
    }
}

static enum MHD_Result zca_http_json(struct MHD_Connection *conn, zca_http_req_t *r, unsigned status, json_t *j)
{
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    struct MHD_Response *resp;
    enum MHD_Result ret;

    json_decref(j);
    if (text == NULL) {
        static const char zca_oom[] = "{\"code\":8,\"msg\":\"内部错误\",\"msg_en\":\"Internal error\",\"data\":null}";
        resp = MHD_create_response_from_buffer(sizeof zca_oom - 1, (void *)zca_oom, MHD_RESPMEM_PERSISTENT);
        status = MHD_HTTP_INTERNAL_SERVER_ERROR;
    }
    else {
        resp = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_COPY);
        json_free_t free_fn;    /* json_dumps allocated it with jansson's allocator */
        json_get_alloc_funcs(NULL, &free_fn);
        free_fn(text);
    }
    if (resp == NULL)
        return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json; charset=utf-8");
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "POST, OPTIONS");
    zca_http_headers(resp, r);
    ret = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    if (r)
        r->answered = true;
    return ret;
}

static enum MHD_Result zca_http_error(struct MHD_Connection *conn, zca_http_req_t *r, unsigned status,
                                      zca_code_t code)
{
    return zca_http_json(conn, r, status, zca_reply(code, NULL, NULL, NULL));
}

/* 204 to a preflight from an allowed origin.  Chrome's Private Network
 * Access asks a loopback service, before a page of a public origin may call
 * it, with Access-Control-Request-Private-Network: true. */
static enum MHD_Result zca_http_preflight(struct MHD_Connection *conn, zca_http_req_t *r)
{
    const char *pna = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Access-Control-Request-Private-Network");
    struct MHD_Response *resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ret;

    if (resp == NULL)
        return MHD_NO;
    zca_http_headers(resp, r);
    MHD_add_response_header(resp, "Access-Control-Allow-Methods", "POST");
    MHD_add_response_header(resp, "Access-Control-Allow-Headers", "Content-Type");
    MHD_add_response_header(resp, "Access-Control-Max-Age", "600");
    if (pna && strcasecmp(pna, "true") == 0)
        MHD_add_response_header(resp, "Access-Control-Allow-Private-Network", "true");
    ret = MHD_queue_response(conn, MHD_HTTP_NO_CONTENT, resp);
    MHD_destroy_response(resp);
    r->answered = true;
    return ret;
}

/* First call for a request: every check that needs only the headers. */
static enum MHD_Result zca_http_begin(zca_agent_t *a, struct MHD_Connection *conn, zca_http_req_t *r,
                                      const char *url, const char *method)
{
    const char *host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    const char *clen = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);

    r->origin_hdr = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin");
    if (!zca_host_ok(host, a->cfg.port)) {
        ZCA_LOG(0701, "refused: Host %s is not this agent (DNS rebinding?)", host ? host : "(none)");
        return zca_http_error(conn, r, MHD_HTTP_FORBIDDEN, ZCA_E_ORIGIN);
    }
    if (!zca_origin_allowed(r->origin_hdr, (const char *const *)a->cfg.origins, a->cfg.n_origins, r->origin,
                            sizeof r->origin)) {
        ZCA_LOG(0702, "refused: Origin %s is not configured", r->origin_hdr ? r->origin_hdr : "(none)");
        return zca_http_error(conn, r, MHD_HTTP_FORBIDDEN, ZCA_E_ORIGIN);
    }
    if (strcmp(method, MHD_HTTP_METHOD_OPTIONS) == 0)
        return zca_http_preflight(conn, r);
    if (strcmp(method, MHD_HTTP_METHOD_POST) != 0 || strcmp(url, "/") != 0) {
        ZCA_LOG(0703, "refused: %s %.64s from %s (only POST /)", method, url, r->origin);
        return zca_http_error(conn, r, strcmp(url, "/") ? MHD_HTTP_NOT_FOUND : MHD_HTTP_METHOD_NOT_ALLOWED,
                              ZCA_E_BAD_REQUEST);
    }
    if (clen && strtoull(clen, NULL, 10) > ZCA_BODY_MAX) {
        ZCA_LOG(0704, "refused: a body of %.20s bytes from %s", clen, r->origin);
        return zca_http_error(conn, r, MHD_HTTP_CONTENT_TOO_LARGE, ZCA_E_TOO_LARGE);
    }
    return MHD_YES;
}

/* Collect a piece of the body; past the limit, drop it all and remember. */
static void zca_http_collect(zca_http_req_t *r, const char *data, size_t n)
{
    char *b;

    if (r->too_large)
        return;
    if (n > ZCA_BODY_MAX - r->len || (b = malloc(r->len + n)) == NULL) {    /* out of memory: the same */
        r->too_large = true;
        if (r->body)
            OPENSSL_cleanse(r->body, r->len);
        free(r->body);
        r->body = NULL;
        r->len = 0;
        return;
    }
    /* a new buffer, not realloc: realloc could leave an unwiped copy behind */
    if (r->body) {
        memcpy(b, r->body, r->len);
        OPENSSL_cleanse(r->body, r->len);
        free(r->body);
    }
    memcpy(b + r->len, data, n);
    r->body = b;
    r->len += n;
}

static enum MHD_Result zca_http_access(void *cls, struct MHD_Connection *conn, const char *url,
                                       const char *method, const char *version, const char *upload_data,
                                       size_t *upload_data_size, void **con_cls)
{
    zca_agent_t *a = cls;
    zca_http_req_t *r = *con_cls;
    (void)version;

    if (r == NULL) {
        if ((r = calloc(1, sizeof *r)) == NULL)
            return MHD_NO;
        *con_cls = r;
        return zca_http_begin(a, conn, r, url, method);
    }
    if (r->answered) {    /* refused early: swallow what the client still sends */
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        zca_http_collect(r, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (r->too_large) {
        ZCA_LOG(0705, "refused: a body over %d bytes from %s", ZCA_BODY_MAX, r->origin);
        return zca_http_error(conn, r, MHD_HTTP_CONTENT_TOO_LARGE, ZCA_E_TOO_LARGE);
    }
    json_t *ans = zca_sof_call(a, r->origin, r->body ? r->body : "", r->len);
    int code = ans ? (int)json_integer_value(json_object_get(ans, "code")) : ZCA_E_TOKEN;
    return zca_http_json(conn, r, zca_reply_status((zca_code_t)code), ans);
}

/* Defence in depth: the socket is bound to loopback, and only loopback peers are served. */
static enum MHD_Result zca_http_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
    (void)cls;
    if (addr->sa_family == AF_INET && addrlen >= (socklen_t)sizeof(struct sockaddr_in))
        return (ntohl(((const struct sockaddr_in *)(const void *)addr)->sin_addr.s_addr) >> 24) == 127 ? MHD_YES
                                                                                                     : MHD_NO;
    if (addr->sa_family == AF_INET6 && addrlen >= (socklen_t)sizeof(struct sockaddr_in6))
        return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)(const void *)addr)->sin6_addr) ? MHD_YES
                                                                                                   : MHD_NO;
    return MHD_NO;
}

static void zca_http_mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    zca_logv(ZCA_LOG_ID(0706), fmt, ap);    /* libmicrohttpd's own errors */
}

struct MHD_Daemon *zca_http_start(zca_agent_t *a)
{
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)a->cfg.port) };
    struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)a->cfg.port) };
    const struct sockaddr *sa = (const struct sockaddr *)&sin;
    unsigned flags = MHD_USE_ERROR_LOG;    /* no internal thread: main.c runs the loop */
    struct MHD_Daemon *d;

    if (strcmp(a->cfg.listen_host, "::1") == 0) {
        sin6.sin6_addr = in6addr_loopback;
        sa = (const struct sockaddr *)&sin6;
        flags |= MHD_USE_IPv6;
    }
    else
        inet_pton(AF_INET, a->cfg.listen_host, &sin.sin_addr);
    d = MHD_start_daemon(flags, (uint16_t)a->cfg.port, zca_http_accept, NULL, zca_http_access, a,
                         MHD_OPTION_EXTERNAL_LOGGER, zca_http_mhd_log, NULL,    /* first, or MHD warns */
                         MHD_OPTION_SOCK_ADDR, sa,
                         MHD_OPTION_NOTIFY_COMPLETED, zca_http_completed, NULL,
                         MHD_OPTION_CONNECTION_LIMIT, (unsigned)32,
                         MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10,
                         MHD_OPTION_END);
    if (d == NULL)
        ZCA_LOG(0707, "cannot listen on %s port %u (in use?)", a->cfg.listen_host, a->cfg.port);
    else
        ZCA_LOG(0708, "listening on http://%s%s%s:%u/ for %zu origin(s)", sa == (const struct sockaddr *)&sin6 ? "[" : "",
                a->cfg.listen_host, sa == (const struct sockaddr *)&sin6 ? "]" : "", a->cfg.port, a->cfg.n_origins);
    return d;
}
