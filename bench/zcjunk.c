/* zcjunk - anonymous junk for mod_zcyca's database-growth bench (bench/junk-growth).
 *
 * N threads, one libcurl easy handle each (keep-alive, no cookie engine:
 * every challenge asks for a new pre-login cookie, as a flooder would), send
 * REQUESTS requests between them, request i of kind i % 6:
 *   0 POST /ca/login, no Origin                        → CSRF_REJECTED
 *   1 POST /ca/login, bad JSON                         → BAD_REQUEST
 *   2 POST /ca/login {"provider":"nope"}               → PROVIDER_UNKNOWN, then THROTTLED
 *   3 POST /ca/challenge {"purpose":"login",...}       → a challenge, then THROTTLED (ZcyCAChallengeLimit)
 *   4 POST /ca/password-login, unknown login           → PASSWORD_INVALID, then THROTTLED
 *   5 POST /ca/login, a made-up challenge answer       → CHALLENGE_INVALID, then THROTTLED
 * from ADDRS source addresses 127.77.x.y (loopback): thread t uses addresses
 * t, t + N, t + 2N, ... in turn, an equal share of its requests each, on a
 * new connection for each address.
 *
 *   zcjunk --url https://127.0.0.1:PORT --cacert CA.pem --provider ID
 *          [--requests 100000] [--conns 16] [--addrs 16] [--seconds 300]
 *
 * Output: one line per answer kind, "ANSWER status code count", then
 *   RESULT requests=... seconds=... per_s=... transport_errors=... addresses=...
 * Exit status 0 when every request got an HTTP answer, 1 otherwise, 2 on bad
 * usage.  Loopback only.  Written for this project; C11 + POSIX threads. */
#define _POSIX_C_SOURCE 200809L

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#define ZCB_PROG "zcjunk"
#include "zcbench.h"

#define MAX_CONNS 64
#define MAX_ADDRS 10000
#define MAX_KINDS 32
#define NJUNK 6

static struct {
    const char *url, *cacert, *provider;
    long requests;
    int conns, addrs;
    double seconds;
} opt = {.requests = 100000, .conns = 16, .addrs = 16, .seconds = 300};

typedef struct {
    const char *path, *body;
    int origin;
} junk_t;

static junk_t junk[NJUNK];
static char urls[NJUNK][512];
static char origin_hdr[600];
static atomic_long next_req;
static double deadline;

typedef struct {
    char what[64];
    long count;
} answer_t;

typedef struct {
    pthread_t th;
    int idx;
    CURL *h;
    struct curl_slist *with_origin, *without;
    char *buf;
    size_t len, cap;
    long done, transport_errors;
    answer_t answers[MAX_KINDS];
    int nanswers;
} worker_t;

static worker_t workers[MAX_CONNS];

static void usage(void)
{
    fprintf(stderr, "usage: zcjunk --url https://127.0.0.1:PORT --cacert CA.pem --provider ID\n"
                    "              [--requests N] [--conns N] [--addrs N] [--seconds S]\n");
    exit(2);
}

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *ud)
{
    worker_t *w = ud;
    size_t n = size * nmemb;
    if (w->len + n + 1 > w->cap) {
        size_t cap = w->cap ? w->cap : 4096;
        while (w->len + n + 1 > cap)
            cap *= 2;
        char *nb = realloc(w->buf, cap);
        if (!nb)
            return 0;
        w->buf = nb;
        w->cap = cap;
    }
    memcpy(w->buf + w->len, ptr, n);
    w->len += n;
    w->buf[w->len] = '\0';
    return n;
}

static void count_answer(worker_t *w, long status, const char *body)
{
    char what[64];
    json_t *o = json_loads(body ? body : "", 0, NULL);
    const char *c = json_string_value(json_object_get(json_object_get(o, "error"), "code"));
    snprintf(what, sizeof what, "%ld %s", status, c ? c : "-");
    json_decref(o);
    for (int i = 0; i < w->nanswers; i++)
        if (strcmp(w->answers[i].what, what) == 0) {
            w->answers[i].count++;
            return;
        }
    if (w->nanswers < MAX_KINDS) {
        snprintf(w->answers[w->nanswers].what, sizeof w->answers[0].what, "%s", what);
        w->answers[w->nanswers++].count = 1;
    }
}

/* Source address number a as "host!127.77.x.y" (CURLOPT_INTERFACE). */
static void addr_of(int a, char *out, size_t len)
{
    snprintf(out, len, "host!127.77.%d.%d", a / 250, a % 250 + 1);
}

static void *run(void *arg)
{
    worker_t *w = arg;
    /* this thread's addresses: idx, idx + conns, ...; an equal share of its requests each */
    int mine = 0;
    for (int a = w->idx; a < opt.addrs; a += opt.conns)
        mine++;
    long share = opt.requests / opt.conns / (mine ? mine : 1);
    if (share < 1)
        share = 1;
    int cur = -1;
    char iface[64];
    for (;;) {
        long i = atomic_fetch_add(&next_req, 1);
        if (i >= opt.requests || now_s() > deadline)
            break;
        int want = mine ? w->idx + opt.conns * (int)((w->done / share) % mine) : w->idx;
        if (want != cur) {
            cur = want;
            addr_of(cur, iface, sizeof iface);
            curl_easy_setopt(w->h, CURLOPT_INTERFACE, iface);
            curl_easy_setopt(w->h, CURLOPT_FRESH_CONNECT, 1L);
        }
        const junk_t *j = &junk[i % NJUNK];
        w->len = 0;
        if (w->buf)
            w->buf[0] = '\0';
        curl_easy_setopt(w->h, CURLOPT_URL, urls[i % NJUNK]);
        curl_easy_setopt(w->h, CURLOPT_HTTPHEADER, j->origin ? w->with_origin : w->without);
        curl_easy_setopt(w->h, CURLOPT_POSTFIELDS, j->body);
        curl_easy_setopt(w->h, CURLOPT_POSTFIELDSIZE, (long)strlen(j->body));
        CURLcode rc = curl_easy_perform(w->h);
        curl_easy_setopt(w->h, CURLOPT_FRESH_CONNECT, 0L);
        w->done++;
        if (rc != CURLE_OK) {
            if (w->transport_errors++ == 0) {
                pthread_mutex_lock(&zcb_print_lock);
                fprintf(stderr, "zcjunk[%d]: %s (%s)\n", w->idx, curl_easy_strerror(rc), iface);
                pthread_mutex_unlock(&zcb_print_lock);
            }
            continue;
        }
        long status = 0;
        curl_easy_getinfo(w->h, CURLINFO_RESPONSE_CODE, &status);
        count_answer(w, status, w->buf);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    const zcb_opt_t opts[] = {
        {"--url", ZCB_STR, &opt.url},           {"--cacert", ZCB_STR, &opt.cacert},
        {"--provider", ZCB_STR, &opt.provider}, {"--requests", ZCB_LONG, &opt.requests},
        {"--conns", ZCB_INT, &opt.conns},       {"--addrs", ZCB_INT, &opt.addrs},
        {"--seconds", ZCB_DOUBLE, &opt.seconds},
    };
    for (int i = 1; i < argc; i += 2) {
        if (i + 1 >= argc || !zcb_opt_set(opts, sizeof opts / sizeof opts[0], argv[i], argv[i + 1]))
            usage();
    }
    if (!opt.url || !opt.cacert || !opt.provider)
        usage();
    if (strncmp(opt.url, "https://127.0.0.1:", 18) != 0 && strncmp(opt.url, "https://localhost:", 18) != 0)
        die("loads only https://127.0.0.1:PORT or https://localhost:PORT, not %s", opt.url);
    if (opt.conns < 1 || opt.conns > MAX_CONNS || opt.addrs < opt.conns || opt.addrs > MAX_ADDRS
        || opt.requests < 1 || opt.requests > 10000000 || opt.seconds <= 0 || opt.seconds > 600)
        die("--conns 1..%d, --addrs conns..%d, --requests 1..10000000, --seconds (0, 600]", MAX_CONNS, MAX_ADDRS);
    if (strspn(opt.provider, "abcdefghijklmnopqrstuvwxyz0123456789_-") != strlen(opt.provider))
        die("--provider: a provider id");

    static char challenge[128];
    snprintf(challenge, sizeof challenge, "{\"purpose\":\"login\",\"provider\":\"%s\"}", opt.provider);
    static char answer[256];
    snprintf(answer, sizeof answer,
             "{\"provider\":\"%s\",\"challenge_id\":\"00000000-0000-4000-8000-000000000000\",\"nonce\":\"x\","
             "\"certificate\":\"x\",\"signature\":\"x\"}", opt.provider);
    junk[0] = (junk_t){"/ca/login", "{\"provider\":\"x\"}", 0};
    junk[1] = (junk_t){"/ca/login", "{\"provider\":", 1};
    junk[2] = (junk_t){"/ca/login", "{\"provider\":\"nope\"}", 1};
    junk[3] = (junk_t){"/ca/challenge", challenge, 1};
    junk[4] = (junk_t){"/ca/password-login", "{\"login\":\"nobody-at-all\",\"password\":\"guess\"}", 1};
    junk[5] = (junk_t){"/ca/login", answer, 1};
    for (int k = 0; k < NJUNK; k++)
        snprintf(urls[k], sizeof urls[k], "%s%s", opt.url, junk[k].path);
    snprintf(origin_hdr, sizeof origin_hdr, "Origin: %s", opt.url);

    curl_global_init(CURL_GLOBAL_DEFAULT);
    for (int t = 0; t < opt.conns; t++) {
        worker_t *w = &workers[t];
        w->idx = t;
        if (!(w->h = curl_easy_init()))
            die("curl_easy_init failed");
        w->without = curl_slist_append(NULL, "Content-Type: application/json");
        w->without = curl_slist_append(w->without, "Expect:");
        w->with_origin = curl_slist_append(NULL, "Content-Type: application/json");
        w->with_origin = curl_slist_append(w->with_origin, "Expect:");
        w->with_origin = curl_slist_append(w->with_origin, origin_hdr);
        curl_easy_setopt(w->h, CURLOPT_CAINFO, opt.cacert);
        curl_easy_setopt(w->h, CURLOPT_WRITEFUNCTION, on_data);
        curl_easy_setopt(w->h, CURLOPT_WRITEDATA, w);
        curl_easy_setopt(w->h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(w->h, CURLOPT_TIMEOUT, 30L);
        curl_easy_setopt(w->h, CURLOPT_USERAGENT, "zcjunk");
    }
    double t0 = now_s();
    deadline = t0 + opt.seconds;
    for (int t = 0; t < opt.conns; t++)
        if (pthread_create(&workers[t].th, NULL, run, &workers[t]) != 0)
            die("pthread_create failed");
    for (int t = 0; t < opt.conns; t++)
        pthread_join(workers[t].th, NULL);
    double secs = now_s() - t0;

    answer_t all[MAX_KINDS];
    int nall = 0;
    long done = 0, terr = 0;
    for (int t = 0; t < opt.conns; t++) {
        worker_t *w = &workers[t];
        done += w->done;
        terr += w->transport_errors;
        for (int i = 0; i < w->nanswers; i++) {
            int k = 0;
            while (k < nall && strcmp(all[k].what, w->answers[i].what) != 0)
                k++;
            if (k == nall) {
                if (nall == MAX_KINDS)
                    continue;
                all[nall++] = w->answers[i];
            }
            else
                all[k].count += w->answers[i].count;
        }
        curl_easy_cleanup(w->h);
        curl_slist_free_all(w->with_origin);
        curl_slist_free_all(w->without);
        free(w->buf);
    }
    for (int k = 0; k < nall; k++)
        printf("ANSWER %s %ld\n", all[k].what, all[k].count);
    printf("RESULT requests=%ld seconds=%.1f per_s=%.0f transport_errors=%ld addresses=%d\n", done, secs,
           secs > 0 ? (double)done / secs : 0, terr, opt.addrs);
    curl_global_cleanup();
    return done == opt.requests && terr == 0 ? 0 : 1;
}
