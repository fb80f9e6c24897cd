/* zctls - new-connection load for bench/sessions: full TLS handshakes with a
 * client certificate, or full mutual-TLS logins, one fresh connection each.
 *
 *   zctls --mode handshake|get|login --port PORT --cacert CA.pem --cert CHAIN.pem --key KEY.pem
 *         [--provider ID] [--path /static.html] [--label NAME] [--conns 16] [--seconds 5] [--max N]
 *
 * N threads loop for S seconds; every iteration opens a new TCP connection to
 * 127.0.0.1:PORT and makes a full TLS 1.3 handshake (no resumption) that
 * offers the client certificate chain, verifying the server against CA.pem.
 *   handshake: then wait for the server's NewSessionTicket.  An OpenSSL server
 *              sends it only after it has read and checked the client's
 *              Certificate, CertificateVerify and Finished, so one counted
 *              iteration is one complete server-side handshake.  Close.
 *   get:       then GET PATH (Connection: close) and read the answer; a 200
 *              counts.  The floor under a TLS login: the same handshake and
 *              one request, with nothing behind it.
 *   login:     then POST /ca/login {"provider":ID} (Origin https://127.0.0.1:PORT,
 *              Connection: close) and read the answer; a 200 whose body names
 *              the account ("login") counts.
 * Each thread makes one untimed iteration first.  The last line of output is
 * machine-readable:
 *   RESULT label=... mode=... conns=... ok=... seconds=... per_s=... p50_ms=... p99_ms=... errors=...
 * Exit status: 0 when at least one iteration succeeded and none failed, 1
 * otherwise, 2 on bad usage.  Written for this project; C11, POSIX threads, OpenSSL 3. */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#define ZCB_PROG "zctls"
#include "zcbench.h"

#define MAX_CONNS 256
#define TICKET_WAIT_MS 3000
#define RESP_MAX 65536

static struct {
    const char *mode, *cacert, *cert, *key, *provider, *label, *path;
    int port, conns, login, request; /* request: get or login */
    double seconds;
    long max;
} opt = {.conns = 16, .seconds = 5, .max = 1000000, .provider = "jlca", .label = "run",
       .path = "/index.html"};

static void usage(void)
{
    fprintf(stderr, "usage: zctls --mode handshake|get|login --port PORT --cacert CA.pem --cert CHAIN.pem --key KEY.pem\n"
                    "             [--provider ID] [--path P] [--label NAME] [--conns N] [--seconds S] [--max N]\n");
    exit(2);
}

static SSL_CTX *ctx;
static char request[1024];
static size_t request_len;
static atomic_long attempts;

typedef struct {
    zcb_worker_t b; /* first: counts, latencies, error kinds */
    char *resp;
} worker_t;

static worker_t workers[MAX_CONNS];

static const char *ssl_err_text(void)
{
    static _Thread_local char buf[256];
    unsigned long e = ERR_get_error();
    ERR_clear_error();
    if (!e)
        return strerror(errno);
    ERR_error_string_n(e, buf, sizeof buf);
    return buf;
}

/* The client keeps no sessions: this callback only notes that a ticket arrived. */
static int on_new_session(SSL *ssl, SSL_SESSION *sess)
{
    (void)sess;
    int *tickets = SSL_get_app_data(ssl);
    if (tickets)
        (*tickets)++;
    return 0; /* not kept: OpenSSL frees it */
}

static int tcp_connect(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((unsigned short)opt.port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Wait until a session ticket has been read: the server has finished its side of the handshake. */
static int wait_ticket(SSL *ssl, int fd, const int *tickets)
{
    char buf[256];
    double until = now_s() + TICKET_WAIT_MS / 1000.0;
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    while (*tickets == 0) {
        int r = SSL_read(ssl, buf, sizeof buf);
        if (r > 0)
            return -1; /* the server sends nothing else before a request */
        int e = SSL_get_error(ssl, r);
        if (e != SSL_ERROR_WANT_READ)
            return -1;
        if (*tickets)
            break;
        int left = (int)((until - now_s()) * 1000);
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (left <= 0 || poll(&p, 1, left) <= 0)
            return -1;
    }
    return 0;
}

/* One connection; 1 when it counts, 0 on an error (recorded). */
static int one(worker_t *w)
{
    int fd = tcp_connect(), tickets = 0, ok = 0;
    if (fd < 0) {
        record_error(&w->b, "connect failed", strerror(errno));
        return 0;
    }
    SSL *ssl = SSL_new(ctx);
    if (!ssl)
        die("SSL_new failed");
    SSL_set_fd(ssl, fd);
    SSL_set_app_data(ssl, &tickets);
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), "127.0.0.1");
    if (SSL_connect(ssl) != 1) {
        record_error(&w->b, "TLS handshake failed", ssl_err_text());
        goto done;
    }
    if (!opt.request) {
        if (wait_ticket(ssl, fd, &tickets) != 0)
            record_error(&w->b, "no session ticket after the handshake", ssl_err_text());
        else
            ok = 1;
        goto done;
    }
    if (SSL_write(ssl, request, (int)request_len) != (int)request_len) {
        record_error(&w->b, "request write failed", ssl_err_text());
        goto done;
    }
    size_t len = 0;
    for (;;) {
        int r = SSL_read(ssl, w->resp + len, (int)(RESP_MAX - 1 - len));
        if (r <= 0)
            break; /* close_notify or EOF after Connection: close */
        len += (size_t)r;
        if (len == RESP_MAX - 1)
            break;
    }
    ERR_clear_error();
    w->resp[len] = '\0';
    if (strncmp(w->resp, "HTTP/1.1 200 ", 13) != 0) {
        char what[64];
        snprintf(what, sizeof what, "%s answered %.12s", opt.mode, len ? w->resp : "nothing");
        const char *body = strstr(w->resp, "\r\n\r\n");
        record_error(&w->b, what, body ? body + 4 : w->resp);
    }
    else if (opt.login && !strstr(w->resp, "\"login\""))
        record_error(&w->b, "login 200 without an account", w->resp);
    else
        ok = 1;
done:
    SSL_shutdown(ssl); /* close_notify; no wait for the peer's */
    SSL_free(ssl);
    close(fd);
    return ok;
}

static void *worker_main(void *arg)
{
    worker_t *w = arg;
    w->b.warm_ok = one(w); /* untimed */
    w->b.errors = 0;
    zcb_wait_start();
    while (zcb_more(&attempts, opt.max)) {
        double t0 = now_s();
        if (!one(w))
            continue;
        zcb_add_ok(&w->b, (now_s() - t0) * 1000.0);
    }
    return NULL;
}

static void setup(void)
{
    ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx)
        die("SSL_CTX_new failed");
    /* TLS 1.3 only: the ticket marks the end of the server's handshake */
    SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
    if (SSL_CTX_load_verify_locations(ctx, opt.cacert, NULL) != 1)
        die("%s: %s", opt.cacert, ssl_err_text());
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    if (SSL_CTX_use_certificate_chain_file(ctx, opt.cert) != 1)
        die("%s: %s", opt.cert, ssl_err_text());
    if (SSL_CTX_use_PrivateKey_file(ctx, opt.key, SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(ctx) != 1)
        die("%s: %s", opt.key, ssl_err_text());
    /* no resumption: every connection is a full handshake */
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(ctx, on_new_session);

    for (const char *p = opt.provider; *p; p++)
        if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20)
            die("--provider: no quotes, backslashes or control characters");
    char body[128];
    int blen = snprintf(body, sizeof body, "{\"provider\":\"%s\"}", opt.provider);
    if (blen < 0 || (size_t)blen >= sizeof body)
        die("--provider too long");
    for (const char *p = opt.path; *p; p++)
        if (*p <= ' ' || *p == 0x7f)
            die("--path: no spaces or control characters");
    int n = !opt.login ? snprintf(request, sizeof request,
                                  "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUser-Agent: zctls/1\r\n"
                                  "Connection: close\r\n\r\n", opt.path, opt.port)
                       : snprintf(request, sizeof request,
                     "POST /ca/login HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nOrigin: https://127.0.0.1:%d\r\n"
                     "Content-Type: application/json\r\nAccept: application/json\r\nUser-Agent: zctls/1\r\n"
                     "Content-Length: %d\r\nConnection: close\r\n\r\n%s",
                     opt.port, opt.port, blen, body);
    if (n < 0 || (size_t)n >= sizeof request)
        die("request too long");
    request_len = (size_t)n;
}

int main(int argc, char **argv)
{
    const zcb_opt_t opts[] = {
        {"--mode", ZCB_STR, &opt.mode},       {"--port", ZCB_INT, &opt.port},
        {"--cacert", ZCB_STR, &opt.cacert},   {"--cert", ZCB_STR, &opt.cert},
        {"--key", ZCB_STR, &opt.key},         {"--provider", ZCB_STR, &opt.provider},
        {"--label", ZCB_STR, &opt.label},     {"--conns", ZCB_INT, &opt.conns},
        {"--path", ZCB_STR, &opt.path},
        {"--seconds", ZCB_DOUBLE, &opt.seconds}, {"--max", ZCB_LONG, &opt.max},
    };
    for (int i = 1; i < argc; i += 2) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v)
            usage();
        if (!zcb_opt_set(opts, sizeof opts / sizeof opts[0], a, v))
            usage();
    }
    if (!opt.mode || !opt.cacert || !opt.cert || !opt.key)
        usage();
    if (strcmp(opt.mode, "handshake") != 0 && strcmp(opt.mode, "get") != 0 && strcmp(opt.mode, "login") != 0)
        usage();
    opt.login = strcmp(opt.mode, "login") == 0;
    opt.request = opt.login || strcmp(opt.mode, "get") == 0;
    /* bounded load on loopback only */
    if (opt.port < 1 || opt.port > 65535 || opt.conns < 1 || opt.conns > MAX_CONNS || opt.seconds <= 0
        || opt.seconds > 60 || opt.max < 1)
        die("--port 1..65535, --conns 1..%d, --seconds (0, 60], --max >= 1", MAX_CONNS);
    setup();
    for (int i = 0; i < opt.conns; i++) {
        workers[i].b.idx = i;
        if (!(workers[i].resp = malloc(RESP_MAX)))
            die("out of memory");
    }
    double elapsed = zcb_run(workers, sizeof workers[0], opt.conns, worker_main, opt.seconds, NULL, NULL);

    zcb_totals_t t = zcb_collect(workers, sizeof workers[0], opt.conns);
    long ok = t.ok, errors = t.errors;
    int warm_fail = t.warm_fail;
    double *lat = t.lat;
    size_t nlat = t.nlat;
    zcb_print_kinds_each(workers, sizeof workers[0], opt.conns);
    printf("%s: %s, %d connections at a time, %.2f s: %ld ok (%.1f/s), p50 %.2f ms, p99 %.2f ms, %ld errors, "
           "%d warm-up failures\n",
           opt.label, opt.mode, opt.conns, elapsed, ok, ok / elapsed, pct(lat, nlat, 0.5), pct(lat, nlat, 0.99),
           errors, warm_fail);
    printf("RESULT label=%s mode=%s conns=%d ok=%ld seconds=%.3f per_s=%.1f p50_ms=%.2f p99_ms=%.2f errors=%ld "
           "warmup_failures=%d\n",
           opt.label, opt.mode, opt.conns, ok, elapsed, ok / elapsed, pct(lat, nlat, 0.5), pct(lat, nlat, 0.99),
           errors, warm_fail);
    for (int i = 0; i < opt.conns; i++) {
        free(workers[i].resp);
        free(workers[i].b.lat);
    }
    free(lat);
    SSL_CTX_free(ctx);
    return ok > 0 && errors == 0 && warm_fail == 0 ? 0 : 1;
}
