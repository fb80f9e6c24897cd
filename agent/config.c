/* config.c - read the agent's configuration file (config.h). */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ZCA_CONFIG_LINE_MAX 4096
#define ZCA_CONFIG_ARGS_MAX 4

typedef struct {
    const char *path;
    const char *dir;              /* the file's directory, for relative names */
    unsigned line;
    char *err;
    size_t errsz;
    bool listen_set, retries_set, nonce_set;
} zca_cfg_parse_t;

static bool zca_cfg_fail(zca_cfg_parse_t *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool zca_cfg_fail(zca_cfg_parse_t *ps, const char *fmt, ...)
{
    char what[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (ps->line)
        snprintf(ps->err, ps->errsz, "%s:%u: %s", ps->path, ps->line, what);
    else
        snprintf(ps->err, ps->errsz, "%s: %s", ps->path, what);
    return false;
}

/* NAME as written when absolute, else DIR/NAME. */
static char *zca_cfg_path(const zca_cfg_parse_t *ps, const char *name)
{
    size_t n;
    char *p;

    if (name[0] == '/' || ps->dir == NULL)
        return strdup(name);
    n = strlen(ps->dir) + 1 + strlen(name) + 1;
    if ((p = malloc(n)) != NULL)
        snprintf(p, n, "%s/%s", ps->dir, name);
    return p;
}

bool zca_config_listen(const char *arg, char *host, size_t hostsz, unsigned *port)
{
    static const struct { const char *written, *bind; } zca_loopback[] = {
        { "127.0.0.1:", "127.0.0.1" }, { "localhost:", "127.0.0.1" }, { "[::1]:", "::1" },
    };
    for (size_t i = 0; i < sizeof zca_loopback / sizeof *zca_loopback; i++) {
        size_t n = strlen(zca_loopback[i].written);
        if (strncasecmp(arg, zca_loopback[i].written, n) != 0)
            continue;
        const char *p = arg + n;
        char *end;
        errno = 0;
        unsigned long v = strtoul(p, &end, 10);
        if (*p < '1' || *p > '9' || *end != '\0' || errno || v > 65535 || strlen(zca_loopback[i].bind) >= hostsz)
            return false;
        strcpy(host, zca_loopback[i].bind);
        *port = (unsigned)v;
        return true;
    }
    return false;
}

static bool zca_cfg_listen(zca_cfg_parse_t *ps, zca_config_t *c, char **argv, int argc)
{
    if (argc != 1)
        return zca_cfg_fail(ps, "listen takes one HOST:PORT (example: listen 127.0.0.1:18901)");
    if (ps->listen_set)
        return zca_cfg_fail(ps, "listen given twice");
    if (!zca_config_listen(argv[0], c->listen_host, sizeof c->listen_host, &c->port))
        return zca_cfg_fail(ps, "listen %s: only 127.0.0.1:PORT, [::1]:PORT or localhost:PORT (PORT 1-65535); "
                                "the agent signs with the user's key and must not be reachable from the network",
                            argv[0]);
    ps->listen_set = true;
    return true;
}

static bool zca_cfg_origin(zca_cfg_parse_t *ps, zca_config_t *c, char **argv, int argc)
{
    char norm[ZCA_ORIGIN_MAX];
    char **v;

    if (argc != 1)
        return zca_cfg_fail(ps, "origin takes one URL (example: origin https://127.0.0.1:8443)");
    if (!zca_origin_normalize(argv[0], norm, sizeof norm))
        return zca_cfg_fail(ps, "origin %s: not an origin; write scheme://host[:port] (http or https, "
                                "no user name, path, query or fragment)", argv[0]);
    for (size_t i = 0; i < c->n_origins; i++)
        if (strcmp(c->origins[i], norm) == 0)
            return zca_cfg_fail(ps, "origin %s given twice", norm);
    if ((v = realloc(c->origins, (c->n_origins + 1) * sizeof *v)) == NULL)
        return zca_cfg_fail(ps, "out of memory");
    c->origins = v;
    if ((c->origins[c->n_origins] = strdup(norm)) == NULL)
        return zca_cfg_fail(ps, "out of memory");
    c->n_origins++;
    return true;
}

static bool zca_cfg_pkcs11(zca_cfg_parse_t *ps, zca_config_t *c, char **argv, int argc)
{
    if (argc != 1)
        return zca_cfg_fail(ps, "pkcs11 takes the path of one PKCS#11 module");
    if (c->pkcs11_module)
        return zca_cfg_fail(ps, "pkcs11 given twice; the agent loads one module");
    if ((c->pkcs11_module = zca_cfg_path(ps, argv[0])) == NULL)
        return zca_cfg_fail(ps, "out of memory");
    return true;
}

static bool zca_cfg_label_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= ZCA_LABEL_MAX)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_' ||
              *s == '-' || *s == '.'))
            return false;
    return true;
}

static bool zca_cfg_sm2_key(zca_cfg_parse_t *ps, zca_config_t *c, char **argv, int argc)
{
    zca_sm2_key_cfg_t *v, *k;

    if (argc != 3)
        return zca_cfg_fail(ps, "sm2-key takes LABEL KEYFILE CERTFILE");
    if (!zca_cfg_label_ok(argv[0]))
        return zca_cfg_fail(ps, "sm2-key label %s: use 1-64 of A-Z a-z 0-9 _ . -", argv[0]);
    for (size_t i = 0; i < c->n_sm2_keys; i++)
        if (strcmp(c->sm2_keys[i].label, argv[0]) == 0)
            return zca_cfg_fail(ps, "sm2-key label %s given twice", argv[0]);
    if ((v = realloc(c->sm2_keys, (c->n_sm2_keys + 1) * sizeof *v)) == NULL)
        return zca_cfg_fail(ps, "out of memory");
    c->sm2_keys = v;
    k = &c->sm2_keys[c->n_sm2_keys];
    memset(k, 0, sizeof *k);
    strcpy(k->label, argv[0]);
    k->key_file = zca_cfg_path(ps, argv[1]);
    k->cert_file = zca_cfg_path(ps, argv[2]);
    c->n_sm2_keys++;    /* counted now, so zca_config_free frees a half-made entry */
    if (k->key_file == NULL || k->cert_file == NULL)
        return zca_cfg_fail(ps, "out of memory");
    return true;
}

static bool zca_cfg_allow_nonce(zca_cfg_parse_t *ps, zca_config_t *c, char **argv, int argc)
{
    if (argc != 1 || (strcmp(argv[0], "on") != 0 && strcmp(argv[0], "off") != 0))
        return zca_cfg_fail(ps, "allow-nonce takes on or off");
    if (ps->nonce_set)
        return zca_cfg_fail(ps, "allow-nonce given twice");
    c->allow_nonce = strcmp(argv[0], "on") == 0;
    ps->nonce_set = true;
    return true;
}

static bool zca_cfg_pin_retries(zca_cfg_parse_t *ps, zca_config_t *c, char **argv, int argc)
{
    char *end;
    unsigned long v;

    if (argc != 1)
        return zca_cfg_fail(ps, "pin-retries takes a number");
    errno = 0;
    v = strtoul(argv[0], &end, 10);
    if (argv[0][0] < '0' || argv[0][0] > '9' || *end || errno || v < 1 || v > ZCA_PIN_RETRIES_MAX)
        return zca_cfg_fail(ps, "pin-retries %s: give 1 to %d", argv[0], ZCA_PIN_RETRIES_MAX);
    if (ps->retries_set)
        return zca_cfg_fail(ps, "pin-retries given twice");
    c->pin_retries = (unsigned)v;
    ps->retries_set = true;
    return true;
}

static const struct {
    const char *name;
    bool (*set)(zca_cfg_parse_t *ps, zca_config_t *c, char **argv, int argc);
} zca_cfg_directives[] = {
    { "listen", zca_cfg_listen },
    { "origin", zca_cfg_origin },
    { "pkcs11", zca_cfg_pkcs11 },
    { "sm2-key", zca_cfg_sm2_key },
    { "allow-nonce", zca_cfg_allow_nonce },
    { "pin-retries", zca_cfg_pin_retries },
};

/* Split LINE in place into words; '#' at the start of a word starts a
 * comment (so a file name may hold '#', but not spaces). */
static int zca_cfg_split(char *line, char **words, int max)
{
    int n = 0;
    char *s = line;

    for (;;) {
        while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
            s++;
        if (*s == '\0' || *s == '#')
            return n;
        if (n == max)
            return -1;
        words[n++] = s;
        while (*s && *s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
            s++;
        if (*s)
            *s++ = '\0';
    }
}

static bool zca_cfg_line(zca_cfg_parse_t *ps, zca_config_t *c, char *line)
{
    char *w[1 + ZCA_CONFIG_ARGS_MAX];
    int n = zca_cfg_split(line, w, 1 + ZCA_CONFIG_ARGS_MAX);

    if (n == 0)
        return true;
    if (n < 0)
        return zca_cfg_fail(ps, "too many words");
    for (size_t i = 0; i < sizeof zca_cfg_directives / sizeof *zca_cfg_directives; i++)
        if (strcmp(w[0], zca_cfg_directives[i].name) == 0)
            return zca_cfg_directives[i].set(ps, c, w + 1, n - 1);
    return zca_cfg_fail(ps, "unknown directive %s (listen, origin, pkcs11, sm2-key, allow-nonce, pin-retries)",
                        w[0]);
}

static bool zca_cfg_read(zca_cfg_parse_t *ps, FILE *f, zca_config_t *c)
{
    char line[ZCA_CONFIG_LINE_MAX];

    while (fgets(line, sizeof line, f)) {
        ps->line++;
        if (strchr(line, '\n') == NULL && !feof(f))
            return zca_cfg_fail(ps, "line longer than %d bytes", ZCA_CONFIG_LINE_MAX - 1);
        if (!zca_cfg_line(ps, c, line))
            return false;
    }
    if (ferror(f))
        return zca_cfg_fail(ps, "read error");
    ps->line = 0;
    if (!ps->listen_set)
        return zca_cfg_fail(ps, "no listen directive (example: listen 127.0.0.1:18901)");
    if (c->n_origins == 0)
        return zca_cfg_fail(ps, "no origin directive: name the pages that may use the agent");
    if (c->pkcs11_module == NULL && c->n_sm2_keys == 0)
        return zca_cfg_fail(ps, "no keys: give pkcs11 MODULE or sm2-key LABEL KEYFILE CERTFILE");
    return true;
}

bool zca_config_load(const char *path, zca_config_t *c, char *err, size_t errsz)
{
    zca_cfg_parse_t ps = { .path = path, .err = err, .errsz = errsz };
    char *dir = NULL, *slash;
    FILE *f;
    bool ok;

    memset(c, 0, sizeof *c);
    c->pin_retries = ZCA_PIN_RETRIES_DEFAULT;
    if ((f = fopen(path, "r")) == NULL) {
        snprintf(err, errsz, "%s: %s", path, strerror(errno));
        return false;
    }
    if ((slash = strrchr(path, '/')) != NULL && (dir = strndup(path, (size_t)(slash - path) + (slash == path))))
        ps.dir = dir;
    ok = zca_cfg_read(&ps, f, c);
    fclose(f);
    free(dir);
    if (!ok)
        zca_config_free(c);
    return ok;
}

void zca_config_free(zca_config_t *c)
{
    for (size_t i = 0; i < c->n_origins; i++)
        free(c->origins[i]);
    free(c->origins);
    for (size_t i = 0; i < c->n_sm2_keys; i++) {
        free(c->sm2_keys[i].key_file);
        free(c->sm2_keys[i].cert_file);
    }
    free(c->sm2_keys);
    free(c->pkcs11_module);
    memset(c, 0, sizeof *c);
}
