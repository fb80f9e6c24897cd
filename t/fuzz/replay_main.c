/* A main() for the fuzz targets without libFuzzer: feeds every file named
 * on the command line (a directory: every file in it, sorted) to
 * LLVMFuzzerTestOneInput.  Without arguments it replays
 * t/fuzz/corpus/<ZC_FUZZ_TARGET>/, which is what `make check` runs, under
 * valgrind in scripts/check.  A crash, a sanitizer report or a valgrind
 * error fails the run; the target itself never returns non-zero. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <apr_strings.h>
#include <apr_tables.h>

#include "fuzz.h"

#ifndef ZC_FUZZ_TARGET
#error "ZC_FUZZ_TARGET (the corpus name) must be defined"
#endif

/* One input, in a buffer of exactly its size (so an over-read shows). */
static int zc_replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    long n;
    uint8_t *buf;

    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fprintf(stderr, "replay: cannot read %s\n", path);
        if (f)
            fclose(f);
        return 0;
    }
    buf = malloc(n ? (size_t)n : 1);
    if (buf == NULL || (n && fread(buf, 1, (size_t)n, f) != (size_t)n)) {
        fprintf(stderr, "replay: cannot read %s\n", path);
        free(buf);
        fclose(f);
        return 0;
    }
    fclose(f);
    LLVMFuzzerTestOneInput(buf, (size_t)n);
    free(buf);
    return 1;
}

static int zc_replay_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of dir, sorted; returns the count replayed or -1. */
static int zc_replay_dir(apr_pool_t *p, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    apr_array_header_t *names = apr_array_make(p, 64, sizeof(char *));
    int n = 0;

    if (d == NULL) {
        fprintf(stderr, "replay: cannot open %s\n", dir);
        return -1;
    }
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            APR_ARRAY_PUSH(names, char *) = apr_pstrcat(p, dir, "/", e->d_name, NULL);
    closedir(d);
    qsort(names->elts, (size_t)names->nelts, sizeof(char *), zc_replay_cmp);
    for (int i = 0; i < names->nelts; i++) {
        struct stat st;
        const char *path = APR_ARRAY_IDX(names, i, char *);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            if (!zc_replay_file(path))
                return -1;
            n++;
        }
    }
    return n;
}

int main(int argc, char **argv)
{
    apr_pool_t *p = zc_fz_begin();
    int total = 0, n;

    LLVMFuzzerInitialize(&argc, &argv);
    if (argc < 2) {
        const char *dir = zc_fz_path(p, "corpus/" ZC_FUZZ_TARGET);
        if ((n = zc_replay_dir(p, dir)) <= 0) {
            fprintf(stderr, "replay " ZC_FUZZ_TARGET ": no inputs in %s\n", dir);
            return 1;
        }
        total = n;
    }
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
            n = zc_replay_dir(p, argv[i]);
        else
            n = zc_replay_file(argv[i]) ? 1 : -1;
        if (n < 0)
            return 1;
        total += n;
    }
    zc_fz_end(p);
    printf("replay " ZC_FUZZ_TARGET ": %d inputs, no crash\n", total);
    return 0;
}
