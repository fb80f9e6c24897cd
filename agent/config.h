/* config.h - the agent's configuration file (docs/agent.md, "Configuration").
 *
 *   listen 127.0.0.1:18901          loopback only; anything else is refused
 *   origin https://127.0.0.1:8443   repeatable
 *   pkcs11 /usr/lib/softhsm/libsofthsm2.so
 *   sm2-key LABEL KEYFILE CERTFILE  repeatable
 *   allow-nonce off
 *   pin-retries 6
 *
 * Pure (libc and guard.c), so it can be tested without a server. */
#ifndef ZCA_CONFIG_H
#define ZCA_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "guard.h"

#define ZCA_LABEL_MAX 65          /* sm2-key labels: [A-Za-z0-9_.-]{1,64} */
#define ZCA_PIN_RETRIES_DEFAULT 6
#define ZCA_PIN_RETRIES_MAX 15

typedef struct {
    char label[ZCA_LABEL_MAX];
    char *key_file;               /* encrypted PKCS#8 PEM; the PIN is its passphrase */
    char *cert_file;              /* the key's certificate, PEM */
} zca_sm2_key_cfg_t;

typedef struct {
    char listen_host[16];         /* "127.0.0.1" or "::1" (localhost binds 127.0.0.1) */
    unsigned port;
    char **origins;               /* normal form (guard.h) */
    size_t n_origins;
    char *pkcs11_module;          /* NULL: no PKCS#11 backend */
    zca_sm2_key_cfg_t *sm2_keys;
    size_t n_sm2_keys;
    bool allow_nonce;
    unsigned pin_retries;
} zca_config_t;

/* Read PATH into *C (zeroed first).  Relative file names in the file are
 * taken from the file's own directory.  On error returns false, writes
 * "PATH:LINE: what is wrong" to ERR and leaves *C empty. */
bool zca_config_load(const char *path, zca_config_t *c, char *err, size_t errsz);

/* Parse "HOST:PORT" of a listen directive: HOST is 127.0.0.1, localhost or
 * [::1].  Writes the address to bind and the port. */
bool zca_config_listen(const char *arg, char *host, size_t hostsz, unsigned *port);

void zca_config_free(zca_config_t *c);

#endif
