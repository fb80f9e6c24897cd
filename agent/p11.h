/* p11.h - the PKCS#11 backend (libp11): the certificates on the tokens that
 * have a key beside them (same CKA_ID), token login for one key, and that
 * key as an EVP_PKEY whose operations run on the token. */
#ifndef ZCA_P11_H
#define ZCA_P11_H

#include <stdbool.h>

#include "keys.h"

typedef struct zca_p11 zca_p11_t;

/* Load MODULE (e.g. /usr/lib/softhsm/libsofthsm2.so); NULL after logging why. */
zca_p11_t *zca_p11_open(const char *module);
void zca_p11_close(zca_p11_t *p);

/* Add the keys of every token present now (tokens come and go) to KS. */
bool zca_p11_list(zca_p11_t *p, zca_keys_t *ks);

/* ZCA_TOKEN_FINAL_TRY / ZCA_TOKEN_LOCKED (pin.h) as the token reports them now. */
unsigned zca_p11_token_flags(zca_p11_t *p, unsigned long slot_id);

/* Log in to K's token with PIN and take K's private key.  The PIN is used by
 * C_Login only; nothing here keeps it. */
zca_unlock_t zca_p11_unlock(zca_p11_t *p, const zca_key_t *k, const char *pin, zca_unlocked_t *u);
/* Drop the key and log the token out. */
void zca_p11_lock(zca_p11_t *p, zca_unlocked_t *u);

#endif
