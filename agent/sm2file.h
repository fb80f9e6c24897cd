/* sm2file.h - the SM2 key-file backend: a key kept as an encrypted PKCS#8
 * PEM whose passphrase is the PIN, beside its certificate.  (SoftHSM2 has no
 * SM2, so this stands in for an SM2 USB key.) */
#ifndef ZCA_SM2FILE_H
#define ZCA_SM2FILE_H

#include <stdbool.h>

#include "config.h"
#include "keys.h"

typedef struct {
    X509 *cert;
    const zca_sm2_key_cfg_t *cfg;
} zca_sm2file_key_t;

typedef struct {
    zca_sm2file_key_t *v;
    size_t n;
} zca_sm2files_t;

/* At start: every sm2-key of C has an SM2 certificate and an encrypted
 * PKCS#8 key file (checked without the PIN).  False after logging why. */
bool zca_sm2file_load(zca_sm2files_t *fs, const zca_config_t *c);
void zca_sm2file_free(zca_sm2files_t *fs);

bool zca_sm2file_list(const zca_sm2files_t *fs, zca_keys_t *ks);

/* Decrypt K's key file with PIN (the passphrase) into U.  A file that does
 * not decrypt means a wrong PIN; a key that does not match the certificate
 * is an error. */
zca_unlock_t zca_sm2file_unlock(const zca_key_t *k, const char *pin, zca_unlocked_t *u);
void zca_sm2file_lock(zca_unlocked_t *u);

#endif
