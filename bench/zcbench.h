/* zcbench.h - what bench/zcload.c and bench/zctls.c share: die(), now_s(),
 * error kinds per worker (the first of each kind printed under a lock),
 * latencies per worker, the barrier start / deadline / join runner, the
 * merge and percentiles at the end.  Header-only: every function is static.
 *
 * Define ZCB_PROG (the program name, a string literal: the prefix of every
 * message) and _POSIX_C_SOURCE 200809L before including it.  A program's
 * worker type has a zcb_worker_t as its FIRST member, so that a pointer to
 * the worker is a pointer to it; arrays of workers are passed as base,
 * element size and count.  Written for this project; C11 + POSIX threads. */
#ifndef ZCBENCH_H
#define ZCBENCH_H

#ifndef ZCB_PROG
#error "define ZCB_PROG (the program name) before including zcbench.h"
#endif

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_ERR_KINDS 8

typedef struct {
    char what[160];
    long count;
} err_kind_t;

typedef struct {
    int idx;
    pthread_t th;
    double *lat; /* ms of each counted iteration */
    size_t nlat, latcap;
    long ok, errors;
    int warm_ok;
    err_kind_t kinds[MAX_ERR_KINDS];
    int nkinds;
} zcb_worker_t;

static pthread_barrier_t zcb_ready, zcb_go;
static double zcb_deadline;
static pthread_mutex_t zcb_print_lock = PTHREAD_MUTEX_INITIALIZER;

static inline void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs(ZCB_PROG ": ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static inline double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline zcb_worker_t *zcb_at(void *base, size_t size, int i)
{
    return (zcb_worker_t *)((char *)base + (size_t)i * size);
}

/* Count an error; the first of each kind is printed with DETAIL (a body, a reason). */
static inline void record_error(zcb_worker_t *w, const char *what, const char *detail)
{
    w->errors++;
    for (int i = 0; i < w->nkinds; i++)
        if (strcmp(w->kinds[i].what, what) == 0) {
            w->kinds[i].count++;
            return;
        }
    if (w->nkinds < MAX_ERR_KINDS) {
        err_kind_t *k = &w->kinds[w->nkinds++];
        snprintf(k->what, sizeof k->what, "%.*s", (int)sizeof k->what - 1, what); /* truncated on purpose */
        k->count = 1;
        pthread_mutex_lock(&zcb_print_lock);
        fprintf(stderr, ZCB_PROG "[%d]: %s: %.300s\n", w->idx, what, detail ? detail : "");
        pthread_mutex_unlock(&zcb_print_lock);
    }
}

/* One counted iteration of MS milliseconds. */
static inline void zcb_add_ok(zcb_worker_t *w, double ms)
{
    w->ok++;
    if (w->nlat == w->latcap) {
        size_t cap = w->latcap ? w->latcap * 2 : 1024;
        double *nl = realloc(w->lat, cap * sizeof *nl);
        if (!nl)
            die("out of memory");
        w->lat = nl;
        w->latcap = cap;
    }
    w->lat[w->nlat++] = ms;
}

/* In a worker thread, after its untimed warm-up: wait for the start. */
static inline void zcb_wait_start(void)
{
    pthread_barrier_wait(&zcb_ready);
    pthread_barrier_wait(&zcb_go);
}

/* In a worker thread: 1 while the window is open and fewer than MAX iterations have started. */
static inline int zcb_more(atomic_long *attempts, long max)
{
    return now_s() < zcb_deadline && atomic_fetch_add(attempts, 1) < max;
}

/* Start one thread FN per worker, wait until all are warm, call AT_START(ARG)
 * (may be NULL), open a window of SECONDS, join; the seconds elapsed. */
static inline double zcb_run(void *base, size_t size, int n, void *(*fn)(void *), double seconds,
                             void (*at_start)(void *), void *arg)
{
    pthread_barrier_init(&zcb_ready, NULL, (unsigned)n + 1);
    pthread_barrier_init(&zcb_go, NULL, (unsigned)n + 1);
    for (int i = 0; i < n; i++) {
        zcb_worker_t *w = zcb_at(base, size, i);
        if (pthread_create(&w->th, NULL, fn, w) != 0)
            die("pthread_create failed");
    }
    pthread_barrier_wait(&zcb_ready);
    if (at_start)
        at_start(arg);
    double t0 = now_s();
    zcb_deadline = t0 + seconds;
    pthread_barrier_wait(&zcb_go);
    for (int i = 0; i < n; i++)
        pthread_join(zcb_at(base, size, i)->th, NULL);
    return now_s() - t0;
}

/* An answer's body kept up to ZCB_BODY_MAX - 1 bytes (NUL-terminated by the caller), the rest
 * read and dropped: a libcurl CURLOPT_WRITEFUNCTION with a zcb_body_t as its data. */
#define ZCB_BODY_MAX 16384
typedef struct {
    char data[ZCB_BODY_MAX];
    size_t len;
} zcb_body_t;

static inline size_t zcb_on_body(char *p, size_t size, size_t n, void *arg)
{
    zcb_body_t *b = arg;
    size_t len = size * n, room = ZCB_BODY_MAX - 1 - b->len;
    memcpy(b->data + b->len, p, len < room ? len : room);
    b->len += len < room ? len : room;
    return len;
}

/* Command-line options "--name value", from a table: each names where its value goes and how. */
typedef enum { ZCB_STR, ZCB_INT, ZCB_LONG, ZCB_DOUBLE } zcb_opt_kind_t;
typedef struct {
    const char *name;
    zcb_opt_kind_t kind;
    void *dst;
} zcb_opt_t;

/* Stores v if a is one of the n options; 0 when it is none of them. */
static inline int zcb_opt_set(const zcb_opt_t *opts, size_t n, const char *a, const char *v)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(a, opts[i].name) != 0)
            continue;
        switch (opts[i].kind) {
        case ZCB_STR: *(const char **)opts[i].dst = v; break;
        case ZCB_INT: *(int *)opts[i].dst = atoi(v); break;
        case ZCB_LONG: *(long *)opts[i].dst = atol(v); break;
        case ZCB_DOUBLE: *(double *)opts[i].dst = atof(v); break;
        }
        return 1;
    }
    return 0;
}

static inline int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static inline double pct(const double *v, size_t n, double p)
{
    if (n == 0)
        return 0;
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return v[i < n ? i : n - 1];
}

typedef struct {
    long ok, errors;
    int warm_fail;
    double *lat; /* all latencies, sorted; free() it */
    size_t nlat;
} zcb_totals_t;

static inline zcb_totals_t zcb_collect(void *base, size_t size, int n)
{
    zcb_totals_t t = {0};
    for (int i = 0; i < n; i++) {
        zcb_worker_t *w = zcb_at(base, size, i);
        t.ok += w->ok;
        t.errors += w->errors;
        t.warm_fail += !w->warm_ok;
        t.nlat += w->nlat;
    }
    t.lat = malloc((t.nlat ? t.nlat : 1) * sizeof *t.lat);
    if (!t.lat)
        die("out of memory");
    size_t k = 0;
    for (int i = 0; i < n; i++) {
        zcb_worker_t *w = zcb_at(base, size, i);
        memcpy(t.lat + k, w->lat, w->nlat * sizeof *t.lat);
        k += w->nlat;
    }
    qsort(t.lat, t.nlat, sizeof *t.lat, cmp_double);
    return t;
}

/* The error kinds of each worker: "PROG[i]: what: count (incl. warm-up)". */
static inline void zcb_print_kinds_each(void *base, size_t size, int n)
{
    for (int i = 0; i < n; i++) {
        zcb_worker_t *w = zcb_at(base, size, i);
        for (int j = 0; j < w->nkinds; j++)
            fprintf(stderr, ZCB_PROG "[%d]: %s: %ld (incl. warm-up)\n", i, w->kinds[j].what, w->kinds[j].count);
    }
}

/* The error kinds over all workers: "PROG: what: count (incl. warm-up)". */
static inline void zcb_print_kinds_merged(void *base, size_t size, int n)
{
    err_kind_t all[MAX_ERR_KINDS * 4];
    int nall = 0;
    for (int i = 0; i < n; i++) {
        zcb_worker_t *w = zcb_at(base, size, i);
        for (int j = 0; j < w->nkinds; j++) {
            int m = 0;
            while (m < nall && strcmp(all[m].what, w->kinds[j].what) != 0)
                m++;
            if (m == nall) {
                if (nall == (int)(sizeof all / sizeof all[0]))
                    continue;
                all[nall] = w->kinds[j];
                all[nall++].count = 0;
            }
            all[m].count += w->kinds[j].count;
        }
    }
    for (int m = 0; m < nall; m++)
        fprintf(stderr, ZCB_PROG ": %s: %ld (incl. warm-up)\n", all[m].what, all[m].count);
}

#endif
