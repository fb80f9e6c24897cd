/* zcsoak - the load of bench/soak: every kind of login, protected requests,
 * binds and unbinds, logouts and junk, for minutes, against one httpd on
 * 127.0.0.1; every answer is checked against the one expected.
 *
 *   zcsoak --url https://127.0.0.1:PORT --tls-url https://127.0.0.1:TLSPORT
 *          --cacert CA.pem --account LOGIN
 *          --tls PROVIDER,CERT,KEY --rsa PROVIDER,CERT,KEY
 *          --p256 PROVIDER,CERT,KEY --sm2 PROVIDER,CERT,KEY
 *          --bind PROVIDER,PREFIX   (PREFIXi.crt, PREFIXi.key: thread i's key)
 *          [--threads 6] [--seconds 600] [--pause-ms 5] [--report-s 10]
 *          [--flows tls,rsa,p256,sm2,bind,junk]
 *
 * Each thread has one libcurl handle (keep-alive, its own cookie jar) and
 * goes round these flows (or those --flows names), one after another, until
 * the time is up:
 *   tls    POST /ca/login {"provider"} on the mutual-TLS host with the client
 *          certificate (a new TCP + TLS connection, no resumption); then
 *          GET /app/ twice, GET /ca/session, POST /ca/logout, GET /ca/session (401);
 *   rsa, p256, sm2   POST /ca/challenge, sign the tbs, POST /ca/login; then the
 *          same protected requests and logout;
 *   bind   a P-256 login, then a bind challenge for --account, POST
 *          /ca/bindings with thread i's own key (201), GET /ca/bindings,
 *          DELETE /ca/bindings/ID (204), logout;
 *   junk   requests a client gets wrong: a cut JSON body, a challenge
 *          without Origin, a made-up session cookie, a body over the
 *          limit, the bindings without a session, an unknown provider:
 *          each must get a 4xx.
 * Every answer has one expected status (junk: any 4xx).  Anything else is
 * "unexpected"; a 5xx and a request with no answer (status 0) are also
 * counted apart.  The first unexpected answer of each step and status is
 * shown on stderr with its body.
 *
 * stdout: a progress line every --report-s seconds
 *   zcsoak: t=S rounds=N requests=N logins=N unexpected=N 5xx=N no_answer=N
 * then a table per step (count, unexpected, mean and max ms), and last
 *   RESULT seconds=S rounds=N requests=N logins=N binds=N unexpected=N 5xx=N no_answer=N
 * Exit status: 0 when every answer was the expected one, 1 otherwise, 2 on
 * bad usage.  Loopback only; at most 32 threads and 3600 s.  Written for
 * this project; C11, POSIX threads, libcurl, OpenSSL, jansson. */
#define _POSIX_C_SOURCE 200809L

#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/err.h>

#define ZCB_PROG "zcsoak"
#include "zcbench.h"
#include "zcsign.h"

#define MAX_THREADS 32
#define JUNK_BODY 80000 /* over ZcyCA's 64 KB body limit */

/* What a thread is doing, for the table. */
enum {
    S_TLS_LOGIN, S_CHALLENGE, S_LOGIN_RSA, S_LOGIN_P256, S_LOGIN_SM2, S_PROTECTED, S_SESSION, S_LOGOUT,
    S_SESSION_GONE, S_BIND_CHALLENGE, S_BIND, S_BINDINGS, S_UNBIND, S_JUNK, S_COUNT
};
static const char *const step_name[S_COUNT] = {
    "tls login", "challenge", "login rsa", "login p256", "login sm2", "GET /app/", "GET /ca/session",
    "logout", "session after logout", "bind challenge", "bind", "GET /ca/bindings", "unbind", "junk",
};
#define ANY_4XX (-4)

typedef struct {
    const char *provider, *cert_path, *key_path;
    char *cert_json; /* the certificate as a JSON string */
    EVP_PKEY *key;
    int sm2;
} zs_key_t;

static struct {
    const char *url, *tls_url, *cacert, *account, *bind_provider, *bind_prefix;
    int threads, pause_ms, report_s;
    double seconds;
    int flows[6], nflows;
} opt = {.threads = 6, .seconds = 600, .pause_ms = 5, .report_s = 10};

static zs_key_t k_tls, k_rsa, k_p256, k_sm2;
static char origin_hdr[300];
static char *junk_body;

typedef struct {
    long count, unexpected;
    double ms_sum, ms_max;
} zs_step_t;

typedef struct {
    zcb_worker_t b; /* first: the runner's bookkeeping */
    CURL *h;
    struct curl_slist *get_hdrs, *post_hdrs, *post_no_origin_hdrs;
    zs_key_t bind_key;
    zcb_body_t body;
    zs_step_t steps[S_COUNT];
    long rounds, fivexx, no_answer;
    unsigned seed; /* the junk's made-up cookies */
    char shown[S_COUNT][6]; /* which status classes were shown on stderr */
} zs_worker_t;

static zs_worker_t workers[MAX_THREADS];
static atomic_long total_requests, total_unexpected, total_5xx, total_no_answer, total_rounds, total_logins;
static atomic_int stopped;

static void on_stop(int sig)
{
    (void)sig;
    atomic_store(&stopped, 1);
}

static void usage(void)
{
    fprintf(stderr, "usage: zcsoak --url https://127.0.0.1:PORT --tls-url https://127.0.0.1:TLSPORT --cacert CA.pem\n"
                    "              --account LOGIN --tls P,CERT,KEY --rsa P,CERT,KEY --p256 P,CERT,KEY\n"
                    "              --sm2 P,CERT,KEY --bind P,PREFIX [--threads N] [--seconds S]\n"
                    "              [--pause-ms MS] [--report-s S]\n");
    exit(2);
}

enum { F_GET = 0, F_POST = 1, F_DELETE = 2, F_NO_ORIGIN = 4, F_CLIENT_CERT = 8 };

/* One request of STEP; its status when it was the expected WANT (ANY_4XX: a
 * 4xx), else -1 (counted and, once per step and status class, shown). */
static long req(zs_worker_t *w, int step, int flags, const char *url, const char *body, long want)
{
    CURL *h = w->h;
    w->body.len = 0;
    curl_easy_setopt(h, CURLOPT_URL, url);
    if (flags & (F_POST | F_DELETE))
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, flags & F_NO_ORIGIN ? w->post_no_origin_hdrs : w->post_hdrs);
    else
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, w->get_hdrs);
    if (flags & F_POST) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    else
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, flags & F_DELETE ? "DELETE" : NULL);
    if (flags & F_CLIENT_CERT) {
        /* a mutual-TLS login: a full handshake on a connection of its own */
        curl_easy_setopt(h, CURLOPT_SSLCERT, k_tls.cert_path);
        curl_easy_setopt(h, CURLOPT_SSLKEY, k_tls.key_path);
        curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
        curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);
        curl_easy_setopt(h, CURLOPT_SSL_SESSIONID_CACHE, 0L);
    }
    double t0 = now_s();
    CURLcode rc = curl_easy_perform(h);
    double ms = (now_s() - t0) * 1000.0;
    if (flags & F_CLIENT_CERT) {
        curl_easy_setopt(h, CURLOPT_SSLCERT, NULL);
        curl_easy_setopt(h, CURLOPT_SSLKEY, NULL);
        curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 0L);
        curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 0L);
        curl_easy_setopt(h, CURLOPT_SSL_SESSIONID_CACHE, 1L);
    }
    long status = 0;
    if (rc == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    w->body.data[w->body.len] = '\0';

    zs_step_t *s = &w->steps[step];
    s->count++;
    s->ms_sum += ms;
    if (ms > s->ms_max)
        s->ms_max = ms;
    atomic_fetch_add(&total_requests, 1);
    int ok = want == ANY_4XX ? status >= 400 && status < 500 : status == want;
    if (ok)
        return status;
    s->unexpected++;
    atomic_fetch_add(&total_unexpected, 1);
    if (status == 0) {
        w->no_answer++;
        atomic_fetch_add(&total_no_answer, 1);
    }
    else if (status >= 500) {
        w->fivexx++;
        atomic_fetch_add(&total_5xx, 1);
    }
    int cls = status >= 100 && status < 600 ? (int)(status / 100) : 0;
    if (!w->shown[step][cls]++) {
        pthread_mutex_lock(&zcb_print_lock);
        fprintf(stderr, "zcsoak[%d] %s: %ld (expected %ld) after %.0f ms: %.300s\n", w->b.idx, step_name[step],
                status, want, ms, rc == CURLE_OK ? w->body.data : curl_easy_strerror(rc));
        pthread_mutex_unlock(&zcb_print_lock);
    }
    return -1;
}

/* The value of a string member of the JSON body, copied into OUT; 0 when none. */
static int body_string(zs_worker_t *w, const char *name, char *out, size_t outlen)
{
    json_t *o = json_loads(w->body.data, 0, NULL);
    const char *v = json_string_value(json_object_get(o, name));
    int ok = v && safe_token(v) && strlen(v) < outlen;
    if (ok)
        snprintf(out, outlen, "%s", v);
    json_decref(o);
    return ok;
}

/* The proof fields of a signed challenge: "challenge_id":..,"nonce":..,"certificate":..,"signature":.. */
static char *proof(zs_worker_t *w, const zs_key_t *k, char *out, size_t outlen)
{
    char id[128], nonce[128];
    json_t *o = json_loads(w->body.data, 0, NULL);
    const char *tbs = json_string_value(json_object_get(o, "tbs"));
    char *sig = NULL;
    if (tbs && body_string(w, "challenge_id", id, sizeof id) && body_string(w, "nonce", nonce, sizeof nonce))
        sig = sign_b64(k->key, k->sm2, tbs, strlen(tbs));
    json_decref(o);
    if (!sig) {
        record_error(&w->b, "no challenge_id/nonce/tbs in the challenge, or signing failed", w->body.data);
        return NULL;
    }
    snprintf(out, outlen, "\"challenge_id\":\"%s\",\"nonce\":\"%s\",\"certificate\":%s,\"signature\":\"%s\"", id,
             nonce, k->cert_json, sig);
    free(sig);
    return out;
}

static void url_of(char *out, size_t outlen, const char *base, const char *path)
{
    snprintf(out, outlen, "%s%s", base, path);
}

/* A signed-challenge login with key K; 1 on the expected 200. */
static int challenge_login(zs_worker_t *w, const zs_key_t *k, int step)
{
    char url[600], body[8192], p[7000];
    snprintf(body, sizeof body, "{\"purpose\":\"login\",\"provider\":\"%s\"}", k->provider);
    url_of(url, sizeof url, opt.url, "/ca/challenge");
    if (req(w, S_CHALLENGE, F_POST, url, body, 200) < 0 || !proof(w, k, p, sizeof p))
        return 0;
    snprintf(body, sizeof body, "{\"provider\":\"%s\",%s}", k->provider, p);
    url_of(url, sizeof url, opt.url, "/ca/login");
    if (req(w, step, F_POST, url, body, 200) < 0)
        return 0;
    atomic_fetch_add(&total_logins, 1);
    return 1;
}

/* What a logged-in user does, then logout; the session must be gone after it. */
static void use_and_logout(zs_worker_t *w)
{
    char url[600];
    url_of(url, sizeof url, opt.url, "/app/");
    req(w, S_PROTECTED, F_GET, url, NULL, 200);
    req(w, S_PROTECTED, F_GET, url, NULL, 200);
    url_of(url, sizeof url, opt.url, "/ca/session");
    req(w, S_SESSION, F_GET, url, NULL, 200);
    url_of(url, sizeof url, opt.url, "/ca/logout");
    req(w, S_LOGOUT, F_POST, url, "{}", 204);
    url_of(url, sizeof url, opt.url, "/ca/session");
    req(w, S_SESSION_GONE, F_GET, url, NULL, 401);
}

/* After a failed step: no session is left to the next flow (not counted). */
static void drop_session(zs_worker_t *w)
{
    curl_easy_setopt(w->h, CURLOPT_COOKIELIST, "ALL");
}

static void flow_tls(zs_worker_t *w)
{
    char url[600], body[256];
    url_of(url, sizeof url, opt.tls_url, "/ca/login");
    snprintf(body, sizeof body, "{\"provider\":\"%s\"}", k_tls.provider);
    if (req(w, S_TLS_LOGIN, F_POST | F_CLIENT_CERT, url, body, 200) < 0) {
        drop_session(w);
        return;
    }
    atomic_fetch_add(&total_logins, 1);
    use_and_logout(w);
}

static void flow_challenge(zs_worker_t *w, const zs_key_t *k, int step)
{
    if (challenge_login(w, k, step))
        use_and_logout(w);
    else
        drop_session(w);
}

static void flow_bind(zs_worker_t *w)
{
    char url[600], body[8192], p[7000], id[64] = "";
    if (!challenge_login(w, &k_p256, S_LOGIN_P256)) {
        drop_session(w);
        return;
    }
    const zs_key_t *k = &w->bind_key;
    snprintf(body, sizeof body, "{\"purpose\":\"bind\",\"provider\":\"%s\",\"account\":\"%s\"}", k->provider,
             opt.account);
    url_of(url, sizeof url, opt.url, "/ca/challenge");
    int ok = req(w, S_BIND_CHALLENGE, F_POST, url, body, 200) >= 0 && proof(w, k, p, sizeof p);
    if (ok) {
        snprintf(body, sizeof body, "{\"account\":\"%s\",\"provider\":\"%s\",%s}", opt.account, k->provider, p);
        url_of(url, sizeof url, opt.url, "/ca/bindings");
        ok = req(w, S_BIND, F_POST, url, body, 201) >= 0;
    }
    if (ok) {
        json_t *o = json_loads(w->body.data, 0, NULL);
        json_int_t n = json_integer_value(json_object_get(o, "id"));
        json_decref(o);
        if (n > 0)
            snprintf(id, sizeof id, "%lld", (long long)n);
        else
            record_error(&w->b, "bind 201 without an id", w->body.data);
        url_of(url, sizeof url, opt.url, "/ca/bindings");
        req(w, S_BINDINGS, F_GET, url, NULL, 200);
    }
    if (id[0]) {
        snprintf(url, sizeof url, "%s/ca/bindings/%s", opt.url, id);
        req(w, S_UNBIND, F_DELETE, url, NULL, 204);
    }
    url_of(url, sizeof url, opt.url, "/ca/logout");
    req(w, S_LOGOUT, F_POST, url, "{}", 204);
}

/* Requests a client gets wrong; each must be refused with a 4xx, never a 5xx. */
static void flow_junk(zs_worker_t *w)
{
    char url[600], body[600];
    url_of(url, sizeof url, opt.url, "/ca/login");
    req(w, S_JUNK, F_POST, url, "{\"provider\":\"", ANY_4XX);
    snprintf(body, sizeof body, "{\"provider\":\"no-such-ca\",\"challenge_id\":\"x\",\"nonce\":\"y\"}");
    req(w, S_JUNK, F_POST, url, body, ANY_4XX);
    url_of(url, sizeof url, opt.url, "/ca/challenge");
    snprintf(body, sizeof body, "{\"purpose\":\"login\",\"provider\":\"%s\"}", k_p256.provider);
    req(w, S_JUNK, F_POST | F_NO_ORIGIN, url, body, ANY_4XX);
    req(w, S_JUNK, F_POST, url, junk_body, ANY_4XX);
    /* a session cookie of the right shape that no login made */
    char cookie[80] = "zcyca_session=";
    static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t at = strlen(cookie);
    for (int i = 0; i < 43; i++)
        cookie[at++] = b64url[(unsigned)rand_r(&w->seed) % 64];
    cookie[at] = '\0';
    curl_easy_setopt(w->h, CURLOPT_COOKIE, cookie);
    url_of(url, sizeof url, opt.url, "/app/");
    req(w, S_JUNK, F_GET, url, NULL, ANY_4XX);
    curl_easy_setopt(w->h, CURLOPT_COOKIE, NULL);
    url_of(url, sizeof url, opt.url, "/ca/bindings");
    req(w, S_JUNK, F_GET, url, NULL, ANY_4XX);
}

static void *worker_main(void *arg)
{
    zs_worker_t *w = arg;
    w->b.warm_ok = 1; /* no warm-up: the soak is the record */
    zcb_wait_start();
    struct timespec pause = {.tv_sec = opt.pause_ms / 1000, .tv_nsec = (long)(opt.pause_ms % 1000) * 1000000L};
    /* threads start at different flows, so that every kind runs at every moment */
    for (int f = w->b.idx; !atomic_load(&stopped) && now_s() < zcb_deadline; f++) {
        switch (opt.flows[f % opt.nflows]) {
        case 0: flow_tls(w); break;
        case 1: flow_challenge(w, &k_rsa, S_LOGIN_RSA); break;
        case 2: flow_challenge(w, &k_p256, S_LOGIN_P256); break;
        case 3: flow_challenge(w, &k_sm2, S_LOGIN_SM2); break;
        case 4: flow_bind(w); break;
        case 5: flow_junk(w); break;
        }
        if (f % opt.nflows == opt.nflows - 1) {
            w->rounds++;
            atomic_fetch_add(&total_rounds, 1);
        }
        if (opt.pause_ms > 0)
            nanosleep(&pause, NULL);
    }
    return NULL;
}

/* The progress line every --report-s seconds, from its own thread. */
static void *reporter_main(void *arg)
{
    double t0 = *(double *)arg;
    while (!atomic_load(&stopped) && now_s() < zcb_deadline) {
        struct timespec ts = {.tv_sec = 0, .tv_nsec = 200000000L};
        double next = t0 + opt.report_s;
        while (now_s() < next && now_s() < zcb_deadline && !atomic_load(&stopped))
            nanosleep(&ts, NULL);
        if (now_s() >= zcb_deadline || atomic_load(&stopped))
            break;
        t0 = next;
        printf("zcsoak: t=%.0f rounds=%ld requests=%ld logins=%ld unexpected=%ld 5xx=%ld no_answer=%ld\n",
               next - *(double *)arg + 0.0, atomic_load(&total_rounds), atomic_load(&total_requests),
               atomic_load(&total_logins), atomic_load(&total_unexpected), atomic_load(&total_5xx),
               atomic_load(&total_no_answer));
        fflush(stdout);
    }
    return NULL;
}

static pthread_t reporter;
static double report_t0;
static void start_reporter(void *arg)
{
    (void)arg;
    report_t0 = now_s();
    if (pthread_create(&reporter, NULL, reporter_main, &report_t0) != 0)
        die("pthread_create failed");
}

/* "PROVIDER,CERT,KEY" (or "PROVIDER,PREFIX" for --bind: CERT and KEY absent). */
static void key_option(zs_key_t *k, const char *v, int want_files)
{
    char *s = strdup(v), *save = NULL;
    if (!s)
        die("out of memory");
    k->provider = strtok_r(s, ",", &save);
    k->cert_path = strtok_r(NULL, ",", &save);
    k->key_path = strtok_r(NULL, ",", &save);
    if (!k->provider || !k->cert_path || (want_files ? !k->key_path : k->key_path != NULL) || !safe_token(k->provider))
        usage();
}

/* "tls,rsa,p256,sm2,bind,junk" or some of them, into opt.flows. */
static void flows_option(const char *v)
{
    static const char *const names[6] = {"tls", "rsa", "p256", "sm2", "bind", "junk"};
    char *s = strdup(v), *save = NULL;
    if (!s)
        die("out of memory");
    for (char *t = strtok_r(s, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        int i = 0;
        while (i < 6 && strcmp(t, names[i]) != 0)
            i++;
        if (i == 6 || opt.nflows == 6)
            usage();
        opt.flows[opt.nflows++] = i;
    }
    free(s);
    if (opt.nflows == 0)
        usage();
}

static void load_signing_key(zs_key_t *k)
{
    k->cert_json = json_quoted(read_file(k->cert_path));
    k->key = load_key(k->key_path, &k->sm2);
}

static void setup(zs_worker_t *w, int idx, const char *bind_prefix)
{
    w->b.idx = idx;
    w->seed = (unsigned)idx * 2654435761u ^ (unsigned)getpid();
    char path[600], kpath[600];
    snprintf(path, sizeof path, "%s%d.crt", bind_prefix, idx);
    snprintf(kpath, sizeof kpath, "%s%d.key", bind_prefix, idx);
    w->bind_key = (zs_key_t){.provider = opt.bind_provider, .cert_path = strdup(path), .key_path = strdup(kpath)};
    load_signing_key(&w->bind_key);
    if (!(w->h = curl_easy_init()))
        die("curl_easy_init failed");
    CURL *h = w->h;
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CAINFO, opt.cacert);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(h, CURLOPT_COOKIEFILE, ""); /* in-memory jar: pre-login and session cookies */
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, zcb_on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &w->body);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "zcsoak/1");
    w->get_hdrs = curl_slist_append(NULL, "Accept: application/json");
    w->post_no_origin_hdrs = curl_slist_append(NULL, "Accept: application/json");
    w->post_no_origin_hdrs = curl_slist_append(w->post_no_origin_hdrs, "Content-Type: application/json");
    w->post_no_origin_hdrs = curl_slist_append(w->post_no_origin_hdrs, "Expect:");
    w->post_hdrs = curl_slist_append(NULL, "Accept: application/json");
    w->post_hdrs = curl_slist_append(w->post_hdrs, "Content-Type: application/json");
    w->post_hdrs = curl_slist_append(w->post_hdrs, "Expect:");
    w->post_hdrs = curl_slist_append(w->post_hdrs, origin_hdr);
    if (!w->get_hdrs || !w->post_hdrs || !w->post_no_origin_hdrs)
        die("out of memory");
}

int main(int argc, char **argv)
{
    const char *tls = NULL, *rsa = NULL, *p256 = NULL, *sm2 = NULL, *bind = NULL, *flows = "tls,rsa,p256,sm2,bind,junk";
    const zcb_opt_t opts[] = {
        {"--url", ZCB_STR, &opt.url},           {"--tls-url", ZCB_STR, &opt.tls_url},
        {"--cacert", ZCB_STR, &opt.cacert},     {"--account", ZCB_STR, &opt.account},
        {"--tls", ZCB_STR, &tls},               {"--rsa", ZCB_STR, &rsa},
        {"--p256", ZCB_STR, &p256},             {"--sm2", ZCB_STR, &sm2},
        {"--bind", ZCB_STR, &bind},             {"--threads", ZCB_INT, &opt.threads},
        {"--seconds", ZCB_DOUBLE, &opt.seconds}, {"--pause-ms", ZCB_INT, &opt.pause_ms},
        {"--report-s", ZCB_INT, &opt.report_s}, {"--flows", ZCB_STR, &flows},
    };
    for (int i = 1; i < argc; i += 2)
        if (i + 1 >= argc || !zcb_opt_set(opts, sizeof opts / sizeof opts[0], argv[i], argv[i + 1]))
            usage();
    if (!opt.url || !opt.tls_url || !opt.cacert || !opt.account || !tls || !rsa || !p256 || !sm2 || !bind
        || !safe_token(opt.account))
        usage();
    /* bounded load on loopback only */
    if (strncmp(opt.url, "https://127.0.0.1:", 18) != 0 || strncmp(opt.tls_url, "https://127.0.0.1:", 18) != 0
        || opt.threads < 1 || opt.threads > MAX_THREADS || opt.seconds <= 0 || opt.seconds > 3600 || opt.pause_ms < 0
        || opt.report_s < 1)
        die("--url and --tls-url https://127.0.0.1:PORT only, --threads 1..%d, --seconds (0, 3600], --report-s >= 1",
            MAX_THREADS);
    flows_option(flows);
    snprintf(origin_hdr, sizeof origin_hdr, "Origin: %s", opt.url);
    key_option(&k_tls, tls, 1);
    key_option(&k_rsa, rsa, 1);
    key_option(&k_p256, p256, 1);
    key_option(&k_sm2, sm2, 1);
    zs_key_t b;
    key_option(&b, bind, 0);
    opt.bind_provider = b.provider;
    opt.bind_prefix = b.cert_path;
    load_signing_key(&k_rsa);
    load_signing_key(&k_p256);
    load_signing_key(&k_sm2);
    junk_body = malloc(JUNK_BODY + 64);
    if (!junk_body)
        die("out of memory");
    snprintf(junk_body, 64, "{\"purpose\":\"login\",\"provider\":\"");
    size_t at = strlen(junk_body);
    memset(junk_body + at, 'a', JUNK_BODY);
    snprintf(junk_body + at + JUNK_BODY, 8, "\"}");

    struct sigaction sa = {.sa_handler = on_stop};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        die("curl_global_init failed");
    for (int i = 0; i < opt.threads; i++)
        setup(&workers[i], i, opt.bind_prefix);

    double elapsed = zcb_run(workers, sizeof workers[0], opt.threads, worker_main, opt.seconds, start_reporter, NULL);
    atomic_store(&stopped, 1);
    pthread_join(reporter, NULL);

    printf("zcsoak: %d threads, %.0f s\n%-22s %9s %10s %8s %8s\n", opt.threads, elapsed, "step", "requests",
           "unexpected", "mean ms", "max ms");
    long binds = 0, other_errors = 0;
    for (int s = 0; s < S_COUNT; s++) {
        zs_step_t t = {0};
        for (int i = 0; i < opt.threads; i++) {
            const zs_step_t *x = &workers[i].steps[s];
            t.count += x->count;
            t.unexpected += x->unexpected;
            t.ms_sum += x->ms_sum;
            if (x->ms_max > t.ms_max)
                t.ms_max = x->ms_max;
        }
        if (s == S_BIND)
            binds = t.count - t.unexpected;
        printf("%-22s %9ld %10ld %8.1f %8.0f\n", step_name[s], t.count, t.unexpected, t.count ? t.ms_sum / t.count : 0.0,
               t.ms_max);
    }
    for (int i = 0; i < opt.threads; i++)
        other_errors += workers[i].b.errors;
    zcb_print_kinds_merged(workers, sizeof workers[0], opt.threads);
    long unexpected = atomic_load(&total_unexpected) + other_errors;
    printf("RESULT seconds=%.0f rounds=%ld requests=%ld logins=%ld binds=%ld unexpected=%ld 5xx=%ld no_answer=%ld\n",
           elapsed, atomic_load(&total_rounds), atomic_load(&total_requests), atomic_load(&total_logins), binds,
           unexpected, atomic_load(&total_5xx), atomic_load(&total_no_answer));
    for (int i = 0; i < opt.threads; i++) {
        curl_slist_free_all(workers[i].get_hdrs);
        curl_slist_free_all(workers[i].post_hdrs);
        curl_slist_free_all(workers[i].post_no_origin_hdrs);
        curl_easy_cleanup(workers[i].h);
        EVP_PKEY_free(workers[i].bind_key.key);
    }
    curl_global_cleanup();
    return unexpected == 0 && atomic_load(&total_requests) > 0 ? 0 : 1;
}
