/* zcload - load client for mod_zcyca's signed-challenge login (bench/).
 *
 * N threads, one libcurl easy handle each (keep-alive, own cookie jar, so
 * each thread has its own pre-login cookie), loop for S seconds:
 *   POST /ca/challenge {"purpose":"login","provider":P}
 *   sign the returned tbs with the key (RSA PKCS#1 v1.5 SHA-256, ECDSA P-256
 *   SHA-256 DER, or SM2 with SM3 and the GM/T ID 1234567812345678)
 *   POST /ca/login {"provider","certificate","chain"?,"challenge_id","nonce","signature"}
 * and count the pairs answered 200.  Before and after the timed window it
 * reads the CPU time of whole process trees (--cpu NAME=PID: the httpd
 * parent, the postmaster) from /proc, and its own CPU from getrusage.
 *
 *   zcload --url URL --cacert CA.pem --provider ID --cert CERT.pem --key KEY.pem
 *          [--chain FILE] [--label NAME] [--conns 16] [--seconds 5]
 *          [--max-pairs 200000] [--cpu NAME=PID]...
 *
 * The last line of output is machine-readable:
 *   RESULT label=... pairs=... seconds=... pairs_per_s=... p50_ms=... p99_ms=...
 *          errors=... warmup_failures=... connects=... client_cpu_ms=... cpu_NAME_ms=...
 *          machine_busy_ms=... machine_total_ms=...   (all CPUs, from /proc/stat)
 * Exit status: 0 when at least one pair succeeded and none failed, 1 otherwise,
 * 2 on bad usage.  Written for this project; C11 + POSIX threads. */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#define ZCB_PROG "zcload"
#include "zcbench.h"
#include "zcsign.h"

#define MAX_CONNS 256
#define MAX_CPU 4

/* ---- options ------------------------------------------------------------ */

static struct {
    const char *url, *cacert, *provider, *cert, *key, *chain, *label;
    int conns;
    double seconds;
    long max_pairs;
    int ncpu;
    const char *cpu_name[MAX_CPU];
    pid_t cpu_pid[MAX_CPU];
} opt = {.conns = 16, .seconds = 5, .max_pairs = 200000, .label = "run"};

static void usage(void)
{
    fprintf(stderr, "usage: zcload --url URL --cacert CA.pem --provider ID --cert CERT.pem --key KEY.pem\n"
                    "              [--chain FILE] [--label NAME] [--conns N] [--seconds S]\n"
                    "              [--max-pairs N] [--cpu NAME=PID]...\n");
    exit(2);
}

/* ---- CPU time of a process tree (/proc) ---------------------------------- */

/* utime+stime+cutime+cstime (clock ticks) of ROOT and every live descendant.
 * A descendant that exited and was reaped is in its parent's c-times, so it
 * is counted once, whether it died before or during the window. */
static long long tree_ticks(pid_t root)
{
    enum { MAXP = 8192 };
    static pid_t pid[MAXP], ppid[MAXP];
    static long long ticks[MAXP];
    static char in[MAXP];
    int n = 0;
    DIR *d = opendir("/proc");
    struct dirent *de;
    if (!d)
        return -1;
    while ((de = readdir(d)) && n < MAXP) {
        if (!isdigit((unsigned char)de->d_name[0]))
            continue;
        char path[300], buf[1024];
        snprintf(path, sizeof path, "/proc/%s/stat", de->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue; /* gone meanwhile */
        size_t len = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[len] = '\0';
        /* the command name may hold spaces and ')': fields start after the last ')' */
        char *p = strrchr(buf, ')');
        if (!p)
            continue;
        char state;
        int pp;
        unsigned long long ut, st;
        long long cut, cst;
        /* fields 3..17: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime */
        if (sscanf(p + 1, " %c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %lld %lld", &state, &pp, &ut, &st,
                   &cut, &cst) != 6)
            continue;
        pid[n] = (pid_t)atoi(de->d_name);
        ppid[n] = (pid_t)pp;
        ticks[n] = (long long)(ut + st) + cut + cst;
        in[n] = pid[n] == root;
        n++;
    }
    closedir(d);
    /* mark descendants: repeat until nothing changes (trees are shallow) */
    for (int changed = 1; changed;) {
        changed = 0;
        for (int i = 0; i < n; i++) {
            if (in[i])
                continue;
            for (int j = 0; j < n; j++)
                if (in[j] && pid[j] == ppid[i]) {
                    in[i] = 1;
                    changed = 1;
                    break;
                }
        }
    }
    long long sum = 0;
    int found = 0;
    for (int i = 0; i < n; i++)
        if (in[i]) {
            sum += ticks[i];
            found += pid[i] == root;
        }
    return found ? sum : -1;
}

/* Busy and total jiffies of the whole machine (/proc/stat "cpu" line). */
static void machine_ticks(long long *busy, long long *total)
{
    unsigned long long v[8] = {0};
    FILE *f = fopen("/proc/stat", "r");
    *busy = *total = 0;
    if (!f)
        return;
    /* user nice system idle iowait irq softirq steal */
    if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
               &v[7]) == 8) {
        *busy = (long long)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]);
        *total = *busy + (long long)(v[3] + v[4]);
    }
    fclose(f);
}

static double self_cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* ---- shared state ------------------------------------------------------- */

static atomic_long attempts; /* pairs started, bounded by --max-pairs */
static char *login_prefix;   /* {"provider":..,"certificate":..,"chain":[..], */
static char *challenge_body;
static char origin[512];

typedef struct {
    zcb_worker_t b; /* first: pairs (b.ok), latencies, error kinds */
    CURL *h;
    struct curl_slist *hdrs;
    EVP_PKEY *key;
    int sm2;
    char *buf;
    size_t len, cap;
    long connects;
} worker_t;

static worker_t workers[MAX_CONNS];
/* ---- HTTP --------------------------------------------------------------- */

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

/* POST body to url; 0 and *status on a completed exchange, -1 on a transport error. */
static int post(worker_t *w, const char *url, const char *body, long *status, char *err, size_t errlen)
{
    char ebuf[CURL_ERROR_SIZE] = "";
    w->len = 0;
    if (w->buf)
        w->buf[0] = '\0';
    curl_easy_setopt(w->h, CURLOPT_URL, url);
    curl_easy_setopt(w->h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(w->h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    curl_easy_setopt(w->h, CURLOPT_ERRORBUFFER, ebuf);
    CURLcode rc = curl_easy_perform(w->h);
    long nc = 0;
    curl_easy_getinfo(w->h, CURLINFO_NUM_CONNECTS, &nc);
    w->connects += nc;
    if (rc != CURLE_OK) {
        snprintf(err, errlen, "curl: %s", ebuf[0] ? ebuf : curl_easy_strerror(rc));
        return -1;
    }
    curl_easy_getinfo(w->h, CURLINFO_RESPONSE_CODE, status);
    return 0;
}

/* The error code of a §7 error body, or "-". */
static void error_code(const char *body, char *out, size_t outlen)
{
    json_t *o = json_loads(body ? body : "", 0, NULL);
    const char *c = json_string_value(json_object_get(json_object_get(o, "error"), "code"));
    snprintf(out, outlen, "%s", c ? c : "-");
    json_decref(o);
}

/* ---- one challenge + login pair ----------------------------------------- */

/* 1 on a 200 login, 0 on an error (recorded). */
static int one_pair(worker_t *w, char *url_ch, char *url_login)
{
    char err[256], code[64];
    long st = 0;
    if (post(w, url_ch, challenge_body, &st, err, sizeof err) != 0) {
        record_error(&w->b, err, NULL);
        return 0;
    }
    if (st != 200) {
        error_code(w->buf, code, sizeof code);
        snprintf(err, sizeof err, "challenge HTTP %ld %s", st, code);
        record_error(&w->b, err, w->buf);
        return 0;
    }
    json_error_t je;
    json_t *c = json_loads(w->buf, 0, &je);
    const char *id = json_string_value(json_object_get(c, "challenge_id"));
    const char *nonce = json_string_value(json_object_get(c, "nonce"));
    const char *tbs = json_string_value(json_object_get(c, "tbs"));
    if (!id || !nonce || !tbs || !safe_token(id) || !safe_token(nonce)) {
        record_error(&w->b, "challenge answer without challenge_id/nonce/tbs", w->buf);
        json_decref(c);
        return 0;
    }
    char *sig = sign_b64(w->key, w->sm2, tbs, strlen(tbs));
    if (!sig) {
        record_error(&w->b, "signing failed", ERR_reason_error_string(ERR_get_error()));
        json_decref(c);
        return 0;
    }
    size_t blen = strlen(login_prefix) + strlen(id) + strlen(nonce) + strlen(sig) + 64;
    char *body = malloc(blen);
    if (!body)
        die("out of memory");
    snprintf(body, blen, "%s\"challenge_id\":\"%s\",\"nonce\":\"%s\",\"signature\":\"%s\"}", login_prefix, id, nonce,
             sig);
    json_decref(c);
    free(sig);
    int rc = post(w, url_login, body, &st, err, sizeof err);
    free(body);
    if (rc != 0) {
        record_error(&w->b, err, NULL);
        return 0;
    }
    if (st != 200) {
        error_code(w->buf, code, sizeof code);
        snprintf(err, sizeof err, "login HTTP %ld %s", st, code);
        record_error(&w->b, err, w->buf);
        return 0;
    }
    json_t *l = json_loads(w->buf, 0, &je);
    const char *login = json_string_value(json_object_get(json_object_get(l, "account"), "login"));
    const char *method = json_string_value(json_object_get(l, "method"));
    int ok = login && method && strcmp(method, "ca") == 0;
    json_decref(l);
    if (!ok) {
        record_error(&w->b, "login 200 without account.login / method ca", w->buf);
        return 0;
    }
    return 1;
}

static void *worker_main(void *arg)
{
    worker_t *w = arg;
    char url_ch[1024], url_login[1024];
    snprintf(url_ch, sizeof url_ch, "%s/ca/challenge", opt.url);
    snprintf(url_login, sizeof url_login, "%s/ca/login", opt.url);

    /* warm-up, not timed: TLS handshake, pre-login cookie, a first session */
    w->b.warm_ok = one_pair(w, url_ch, url_login);
    w->b.errors = 0; /* warm-up failures are reported through warm_ok; their kinds stay listed */
    zcb_wait_start(); /* main has sampled the CPU counters and set the deadline */
    w->connects = 0;

    while (zcb_more(&attempts, opt.max_pairs)) {
        double t0 = now_s();
        if (!one_pair(w, url_ch, url_login))
            continue;
        zcb_add_ok(&w->b, (now_s() - t0) * 1000.0);
    }
    return NULL;
}

/* ---- setup -------------------------------------------------------------- */

static void build_bodies(void)
{
    char *prov = json_quoted(opt.provider);
    char *cert = json_quoted(read_file(opt.cert));
    char *chain = opt.chain ? json_quoted(read_file(opt.chain)) : NULL;
    size_t n = strlen(prov) + strlen(cert) + (chain ? strlen(chain) : 0) + 64;
    login_prefix = malloc(n);
    challenge_body = malloc(strlen(prov) + 64);
    if (!login_prefix || !challenge_body)
        die("out of memory");
    snprintf(login_prefix, n, "{\"provider\":%s,\"certificate\":%s,%s%s%s", prov, cert, chain ? "\"chain\":[" : "",
             chain ? chain : "", chain ? "]," : "");
    snprintf(challenge_body, strlen(prov) + 64, "{\"purpose\":\"login\",\"provider\":%s}", prov);
}

static void setup_worker(worker_t *w, int idx)
{
    w->b.idx = idx;
    w->key = load_key(opt.key, &w->sm2);
    if (!(w->h = curl_easy_init()))
        die("curl_easy_init failed");
    char hdr[600];
    snprintf(hdr, sizeof hdr, "Origin: %s", origin);
    w->hdrs = curl_slist_append(w->hdrs, hdr);
    w->hdrs = curl_slist_append(w->hdrs, "Content-Type: application/json");
    w->hdrs = curl_slist_append(w->hdrs, "Accept: application/json");
    w->hdrs = curl_slist_append(w->hdrs, "Expect:"); /* no 100-continue round trip for the ~2 KB login body */
    curl_easy_setopt(w->h, CURLOPT_HTTPHEADER, w->hdrs);
    curl_easy_setopt(w->h, CURLOPT_CAINFO, opt.cacert);
    curl_easy_setopt(w->h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(w->h, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(w->h, CURLOPT_COOKIEFILE, ""); /* in-memory jar: pre-login + session cookie */
    curl_easy_setopt(w->h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(w->h, CURLOPT_WRITEDATA, w);
    curl_easy_setopt(w->h, CURLOPT_USERAGENT, "zcload/1");
    curl_easy_setopt(w->h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(w->h, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(w->h, CURLOPT_CONNECTTIMEOUT, 5L);
    curl_easy_setopt(w->h, CURLOPT_TCP_NODELAY, 1L);
}

/* The counters before the window: run in main once all threads are warm. */
struct cpu_sample {
    long long cpu[MAX_CPU];
    double self;
    long long busy, total;
};

static void sample_cpu(void *arg)
{
    struct cpu_sample *s = arg;
    for (int i = 0; i < opt.ncpu; i++)
        if ((s->cpu[i] = tree_ticks(opt.cpu_pid[i])) < 0)
            die("no process %d (%s)", (int)opt.cpu_pid[i], opt.cpu_name[i]);
    s->self = self_cpu_s();
    machine_ticks(&s->busy, &s->total);
}

int main(int argc, char **argv)
{
    const zcb_opt_t opts[] = {
        {"--url", ZCB_STR, &opt.url},         {"--cacert", ZCB_STR, &opt.cacert},
        {"--provider", ZCB_STR, &opt.provider}, {"--cert", ZCB_STR, &opt.cert},
        {"--key", ZCB_STR, &opt.key},         {"--chain", ZCB_STR, &opt.chain},
        {"--label", ZCB_STR, &opt.label},     {"--conns", ZCB_INT, &opt.conns},
        {"--seconds", ZCB_DOUBLE, &opt.seconds}, {"--max-pairs", ZCB_LONG, &opt.max_pairs},
    };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v)
            usage();
        if (zcb_opt_set(opts, sizeof opts / sizeof opts[0], a, v))
            ;
        else if (!strcmp(a, "--cpu")) {
            const char *eq = strchr(v, '=');
            if (!eq || opt.ncpu == MAX_CPU || atoi(eq + 1) <= 0)
                usage();
            opt.cpu_name[opt.ncpu] = strndup(v, (size_t)(eq - v));
            opt.cpu_pid[opt.ncpu++] = (pid_t)atoi(eq + 1);
        }
        else
            usage();
        i++;
    }
    if (!opt.url || !opt.cacert || !opt.provider || !opt.cert || !opt.key)
        usage();
    /* bounded load: a few seconds, a bounded number of connections and pairs */
    if (opt.conns < 1 || opt.conns > MAX_CONNS || opt.seconds <= 0 || opt.seconds > 60 || opt.max_pairs < 1)
        die("--conns 1..%d, --seconds (0, 60], --max-pairs >= 1", MAX_CONNS);
    if (strncmp(opt.url, "https://127.0.0.1:", 18) != 0 && strncmp(opt.url, "https://localhost:", 18) != 0)
        die("the load goes to https://127.0.0.1:PORT (or localhost) only, not %s", opt.url);
    /* Origin = scheme://host:port of the URL, which is what ZcyCAOrigin lists */
    const char *slash = strchr(opt.url + 8, '/');
    snprintf(origin, sizeof origin, "%.*s", slash ? (int)(slash - opt.url) : (int)strlen(opt.url), opt.url);

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        die("curl_global_init failed");
    build_bodies();
    for (int i = 0; i < opt.conns; i++)
        setup_worker(&workers[i], i);
    struct cpu_sample s0;
    double elapsed = zcb_run(workers, sizeof workers[0], opt.conns, worker_main, opt.seconds, sample_cpu, &s0);
    long long *cpu0 = s0.cpu;
    double self0 = s0.self;
    long long busy0 = s0.busy, total0 = s0.total, busy1, total1;
    double self1 = self_cpu_s();
    machine_ticks(&busy1, &total1);
    long long cpu1[MAX_CPU];
    for (int i = 0; i < opt.ncpu; i++)
        cpu1[i] = tree_ticks(opt.cpu_pid[i]);

    zcb_totals_t t = zcb_collect(workers, sizeof workers[0], opt.conns);
    long pairs = t.ok, errors = t.errors, connects = 0;
    int warm_fail = t.warm_fail;
    double *lat = t.lat;
    size_t nlat = t.nlat;
    for (int i = 0; i < opt.conns; i++)
        connects += workers[i].connects;

    /* the error kinds over all threads */
    zcb_print_kinds_merged(workers, sizeof workers[0], opt.conns);

    long tck = sysconf(_SC_CLK_TCK);
    printf("%s: %d connections, %.2f s: %ld pairs (%.1f/s), p50 %.2f ms, p99 %.2f ms, max %.2f ms, %ld errors, "
           "%d warm-up failures, %ld new connections; client CPU %.0f ms",
           opt.label, opt.conns, elapsed, pairs, pairs / elapsed, pct(lat, nlat, 0.50), pct(lat, nlat, 0.99),
           nlat ? lat[nlat - 1] : 0.0, errors, warm_fail, connects, (self1 - self0) * 1000);
    for (int i = 0; i < opt.ncpu; i++)
        printf(", %s CPU %.0f ms", opt.cpu_name[i], (double)(cpu1[i] - cpu0[i]) * 1000.0 / (double)tck);
    printf("\nRESULT label=%s conns=%d pairs=%ld seconds=%.3f pairs_per_s=%.1f p50_ms=%.2f p99_ms=%.2f errors=%ld "
           "warmup_failures=%d connects=%ld client_cpu_ms=%.0f",
           opt.label, opt.conns, pairs, elapsed, pairs / elapsed, pct(lat, nlat, 0.50), pct(lat, nlat, 0.99), errors,
           warm_fail, connects, (self1 - self0) * 1000);
    for (int i = 0; i < opt.ncpu; i++)
        printf(" cpu_%s_ms=%.0f", opt.cpu_name[i],
               cpu1[i] < 0 ? -1.0 : (double)(cpu1[i] - cpu0[i]) * 1000.0 / (double)tck);
    printf(" machine_busy_ms=%.0f machine_total_ms=%.0f\n", (double)(busy1 - busy0) * 1000.0 / (double)tck,
           (double)(total1 - total0) * 1000.0 / (double)tck);

    for (int i = 0; i < opt.conns; i++) {
        curl_easy_cleanup(workers[i].h);
        curl_slist_free_all(workers[i].hdrs);
        EVP_PKEY_free(workers[i].key);
        free(workers[i].buf);
        free(workers[i].b.lat);
    }
    free(lat);
    curl_global_cleanup();
    return pairs > 0 && errors == 0 && warm_fail == 0 ? 0 : 1;
}
