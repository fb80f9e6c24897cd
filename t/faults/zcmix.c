/* zcmix - the mixed load of the fault tests (t/9x_fault_*.t, docs/testing.md):
 * mutual-TLS logins, protected requests with a session cookie and static
 * files, at once, against one httpd on 127.0.0.1, and every answer written
 * down with its time, so that a test can tell what happened before, during
 * and after the fault it injects.
 *
 *   zcmix --url https://127.0.0.1:PORT --cacert CA.pem --seconds S --out FILE
 *         [--logins N --cert CHAIN.pem --key KEY.pem [--provider pa]]
 *         [--protected N --cookie 'zcyca_session=...' [--protected-path /app/index.html]]
 *         [--static N [--static-path /index.html]]
 *         [--pause-ms 20] [--timeout-ms 15000] [--max 20000]
 *
 * One thread per connection, one libcurl easy handle each:
 *   login      POST /ca/login {"provider":P} with the client certificate, a
 *              new TCP + TLS connection for each (no keep-alive, no TLS
 *              resumption), no cookie: every 200 opens a new session;
 *   protected  GET the protected path with the cookie, on one keep-alive
 *              connection (libcurl reconnects when the server closes it);
 *   static     GET the static path, keep-alive.
 * Every request asks for JSON (Accept: application/json), so that a refusal
 * is a section 7 body and not a redirect.  Each thread waits --pause-ms after
 * each answer; at most --max requests start in all.
 *
 * FILE gets one line per request, in the order they ended per thread:
 *   START_EPOCH KIND STATUS MS CODE RETRY_AFTER
 * START_EPOCH the wall-clock time (CLOCK_REALTIME, s) the request started;
 * KIND L, P or S; STATUS the HTTP status, 0 when there was none (a failed
 * connection, a reset, a timeout); MS the time to the answer; CODE the
 * section 7 code of a JSON error body ("error":{"code":"X"...), "account"
 * for a login 200 whose body names the account ("login"), else "-";
 * RETRY_AFTER 1 when the answer had a Retry-After header, else 0.
 * The first answer of each kind and status other than 200 is shown on
 * stderr with its body, and each transport error with curl's message.
 * The summary on stdout: "zcmix: KIND STATUS=COUNT ..." per kind.
 * SIGTERM or SIGINT ends the run early: no request starts after it, and
 * the record is written as at the end of --seconds.
 * Exit status: 0 when the run ended (whatever the answers), 1 on a setup
 * failure, 2 on bad usage.  Loopback only, at most 60 s.  Written for this
 * project; C11, POSIX threads, libcurl. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#define ZCB_PROG "zcmix"
#include "../../bench/zcbench.h"

#define MAX_THREADS 64

static struct {
    const char *url, *cacert, *cert, *key, *provider, *cookie, *protected_path, *static_path, *out;
    int logins, protected_n, static_n, pause_ms, timeout_ms;
    double seconds;
    long max;
} opt = {.provider = "pa", .protected_path = "/app/index.html", .static_path = "/index.html", .pause_ms = 20,
         .timeout_ms = 15000, .max = 20000};

#define CODE_MAX 32

typedef struct {
    double start; /* epoch s */
    float ms;
    short status;
    char kind, retry_after;
    char code[CODE_MAX];
} zm_event_t;

typedef struct {
    zcb_worker_t b; /* first: the runner's bookkeeping */
    char kind;
    CURL *h;
    struct curl_slist *hdrs;
    zcb_body_t body;
    int retry_after;
    zm_event_t *ev;
    size_t nev, evcap;
    int shown[600]; /* statuses already shown on stderr */
} zm_worker_t;

static zm_worker_t workers[MAX_THREADS];
static atomic_long attempts;
static atomic_int stopped; /* set by SIGTERM / SIGINT */

static void on_stop(int sig)
{
    (void)sig;
    atomic_store(&stopped, 1);
}
static char login_body[128], origin[256], login_url[512], protected_url[512], static_url[512];

static void usage(void)
{
    fprintf(stderr, "usage: zcmix --url https://127.0.0.1:PORT --cacert CA.pem --seconds S --out FILE\n"
                    "             [--logins N --cert CHAIN.pem --key KEY.pem [--provider ID]]\n"
                    "             [--protected N --cookie NAME=VALUE [--protected-path PATH]]\n"
                    "             [--static N [--static-path PATH]] [--pause-ms MS] [--timeout-ms MS] [--max N]\n");
    exit(2);
}

static double epoch_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
    zm_worker_t *w = arg;
    size_t len = size * n;
    if (len >= 12 && strncasecmp(p, "Retry-After:", 12) == 0)
        w->retry_after = 1;
    else if (len >= 5 && strncmp(p, "HTTP/", 5) == 0)
        w->retry_after = 0; /* a new response (after a 100 Continue) */
    return len;
}

static void add_event(zm_worker_t *w, double start, double ms, long status, const char *code)
{
    if (w->nev == w->evcap) {
        size_t cap = w->evcap ? w->evcap * 2 : 1024;
        zm_event_t *ne = realloc(w->ev, cap * sizeof *ne);
        if (!ne)
            die("out of memory");
        w->ev = ne;
        w->evcap = cap;
    }
    zm_event_t *e = &w->ev[w->nev++];
    *e = (zm_event_t){.start = start, .ms = (float)ms, .status = (short)status, .kind = w->kind,
                      .retry_after = (char)w->retry_after};
    snprintf(e->code, sizeof e->code, "%s", code);
}

/* One request; its answer is recorded. */
static void one(zm_worker_t *w)
{
    w->body.len = 0;
    w->retry_after = 0;
    double t0 = now_s(), start = epoch_now();
    CURLcode rc = curl_easy_perform(w->h);
    double ms = (now_s() - t0) * 1000.0;
    long status = 0;
    if (rc == CURLE_OK)
        curl_easy_getinfo(w->h, CURLINFO_RESPONSE_CODE, &status);
    w->body.data[w->body.len] = '\0';
    char code[CODE_MAX] = "-";
    const char *c = strstr(w->body.data, "\"error\":{\"code\":\"");
    if (c) {
        c += 17;
        size_t n = strspn(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_");
        if (n > 0 && n < CODE_MAX && c[n] == '"')
            snprintf(code, sizeof code, "%.*s", (int)n, c);
    }
    else if (status == 200 && w->kind == 'L' && strstr(w->body.data, "\"login\""))
        snprintf(code, sizeof code, "account");
    add_event(w, start, ms, status, code);
    if (rc != CURLE_OK)
        record_error(&w->b, curl_easy_strerror(rc), "");
    else if (status != 200 && status > 0 && status < 600 && !w->shown[status]++) {
        pthread_mutex_lock(&zcb_print_lock);
        fprintf(stderr, "zcmix[%d] %c: first %ld (%.0f ms): %.300s\n", w->b.idx, w->kind, status, ms, w->body.data);
        pthread_mutex_unlock(&zcb_print_lock);
    }
}

static void *worker_main(void *arg)
{
    zm_worker_t *w = arg;
    w->b.warm_ok = 1; /* no warm-up: the run is the record */
    zcb_wait_start();
    struct timespec pause = {.tv_sec = opt.pause_ms / 1000, .tv_nsec = (long)(opt.pause_ms % 1000) * 1000000L};
    while (!atomic_load(&stopped) && zcb_more(&attempts, opt.max)) {
        one(w);
        if (opt.pause_ms > 0)
            nanosleep(&pause, NULL);
    }
    return NULL;
}

static void setup(zm_worker_t *w, int idx, char kind)
{
    w->b.idx = idx;
    w->kind = kind;
    if (!(w->h = curl_easy_init()))
        die("curl_easy_init failed");
    CURL *h = w->h;
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CAINFO, opt.cacert);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)opt.timeout_ms);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)opt.timeout_ms);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, zcb_on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &w->body);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, w);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "zcmix/1");
    w->hdrs = curl_slist_append(w->hdrs, "Accept: application/json");
    if (kind == 'L') {
        curl_easy_setopt(h, CURLOPT_URL, login_url);
        curl_easy_setopt(h, CURLOPT_SSLCERT, opt.cert);
        curl_easy_setopt(h, CURLOPT_SSLKEY, opt.key);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, login_body);
        curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
        curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);
        curl_easy_setopt(h, CURLOPT_SSL_SESSIONID_CACHE, 0L);
        w->hdrs = curl_slist_append(w->hdrs, "Content-Type: application/json");
        w->hdrs = curl_slist_append(w->hdrs, origin);
        w->hdrs = curl_slist_append(w->hdrs, "Expect:");
    }
    else {
        curl_easy_setopt(h, CURLOPT_URL, kind == 'P' ? protected_url : static_url);
        if (kind == 'P')
            curl_easy_setopt(h, CURLOPT_COOKIE, opt.cookie);
    }
    if (!w->hdrs)
        die("out of memory");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, w->hdrs);
}

int main(int argc, char **argv)
{
    const zcb_opt_t opts[] = {
        {"--url", ZCB_STR, &opt.url},
        {"--cacert", ZCB_STR, &opt.cacert},
        {"--cert", ZCB_STR, &opt.cert},
        {"--key", ZCB_STR, &opt.key},
        {"--provider", ZCB_STR, &opt.provider},
        {"--cookie", ZCB_STR, &opt.cookie},
        {"--protected-path", ZCB_STR, &opt.protected_path},
        {"--static-path", ZCB_STR, &opt.static_path},
        {"--out", ZCB_STR, &opt.out},
        {"--logins", ZCB_INT, &opt.logins},
        {"--protected", ZCB_INT, &opt.protected_n},
        {"--static", ZCB_INT, &opt.static_n},
        {"--pause-ms", ZCB_INT, &opt.pause_ms},
        {"--timeout-ms", ZCB_INT, &opt.timeout_ms},
        {"--seconds", ZCB_DOUBLE, &opt.seconds},
        {"--max", ZCB_LONG, &opt.max},
    };
    for (int i = 1; i < argc; i += 2) {
        if (i + 1 >= argc || !zcb_opt_set(opts, sizeof opts / sizeof opts[0], argv[i], argv[i + 1]))
            usage();
    }
    int n = opt.logins + opt.protected_n + opt.static_n;
    if (!opt.url || !opt.cacert || !opt.out || n < 1)
        usage();
    if (opt.logins && (!opt.cert || !opt.key))
        usage();
    if (opt.protected_n && !opt.cookie)
        usage();
    /* bounded load on loopback only */
    if (strncmp(opt.url, "https://127.0.0.1:", 18) != 0 || opt.logins < 0 || opt.protected_n < 0 || opt.static_n < 0
        || n > MAX_THREADS || opt.seconds <= 0 || opt.seconds > 60 || opt.max < 1 || opt.pause_ms < 0
        || opt.timeout_ms < 100 || opt.timeout_ms > 60000)
        die("--url https://127.0.0.1:PORT only, at most %d threads, --seconds (0, 60], --max >= 1, "
            "--timeout-ms 100..60000",
            MAX_THREADS);
    for (const char *p = opt.provider; *p; p++)
        if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20)
            die("--provider: no quotes, backslashes or control characters");
    const char *hostport = opt.url + 8, *slash = strchr(hostport, '/');
    int hplen = slash ? (int)(slash - hostport) : (int)strlen(hostport);
    snprintf(origin, sizeof origin, "Origin: https://%.*s", hplen, hostport);
    snprintf(login_body, sizeof login_body, "{\"provider\":\"%s\"}", opt.provider);
    snprintf(login_url, sizeof login_url, "https://%.*s/ca/login", hplen, hostport);
    snprintf(protected_url, sizeof protected_url, "https://%.*s%s", hplen, hostport, opt.protected_path);
    snprintf(static_url, sizeof static_url, "https://%.*s%s", hplen, hostport, opt.static_path);

    struct sigaction sa = {.sa_handler = on_stop};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    FILE *out = fopen(opt.out, "w");
    if (!out)
        die("%s: %s", opt.out, strerror(errno));
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        die("curl_global_init failed");
    int k = 0;
    for (int i = 0; i < opt.logins; i++, k++)
        setup(&workers[k], k, 'L');
    for (int i = 0; i < opt.protected_n; i++, k++)
        setup(&workers[k], k, 'P');
    for (int i = 0; i < opt.static_n; i++, k++)
        setup(&workers[k], k, 'S');

    double elapsed = zcb_run(workers, sizeof workers[0], n, worker_main, opt.seconds, NULL, NULL);

    const char kinds[] = "LPS";
    for (int ki = 0; ki < 3; ki++) {
        long count[600] = {0}, total = 0;
        for (int i = 0; i < n; i++)
            for (size_t j = 0; j < workers[i].nev; j++)
                if (workers[i].ev[j].kind == kinds[ki]) {
                    count[workers[i].ev[j].status]++;
                    total++;
                }
        if (!total)
            continue;
        printf("zcmix: %c", kinds[ki]);
        for (int s = 0; s < 600; s++)
            if (count[s])
                printf(" %d=%ld", s, count[s]);
        printf("\n");
    }
    for (int i = 0; i < n; i++) {
        for (size_t j = 0; j < workers[i].nev; j++) {
            const zm_event_t *e = &workers[i].ev[j];
            fprintf(out, "%.3f %c %d %.1f %s %d\n", e->start, e->kind, e->status, (double)e->ms, e->code, e->retry_after);
        }
        free(workers[i].ev);
        curl_slist_free_all(workers[i].hdrs);
        curl_easy_cleanup(workers[i].h);
    }
    zcb_print_kinds_merged(workers, sizeof workers[0], n);
    printf("zcmix: %d threads, %.2f s\n", n, elapsed);
    if (fclose(out) != 0)
        die("%s: %s", opt.out, strerror(errno));
    curl_global_cleanup();
    return 0;
}
