/* keys.h - the keys the agent offers: one entry per certificate with a
 * private key, from the PKCS#11 token(s) and the SM2 key files. */
#ifndef ZCA_KEYS_H
#define ZCA_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>
#include <openssl/x509.h>

#include "config.h"

#define ZCA_CERT_ID_MAX 200      /* "p11:<token label, 32>:<hex CKA_ID>" or "sm2:<label>" */
#define ZCA_CKA_ID_MAX 64

typedef enum { ZCA_KEY_RSA, ZCA_KEY_EC, ZCA_KEY_SM2 } zca_key_type_t;
typedef enum { ZCA_BACKEND_P11, ZCA_BACKEND_SM2FILE } zca_backend_t;

typedef struct {
    char cert_id[ZCA_CERT_ID_MAX];
    char label[128];
    X509 *cert;                      /* owned by the entry */
    zca_key_type_t type;
    zca_backend_t backend;
    unsigned long slot_id;           /* p11: the token's slot */
    unsigned char ck_id[ZCA_CKA_ID_MAX];    /* p11: CKA_ID shared by the certificate and its key */
    size_t ck_id_len;
    const zca_sm2_key_cfg_t *file;   /* sm2file: the configured key file */
} zca_key_t;

typedef struct {
    zca_key_t *v;
    size_t n;
} zca_keys_t;

/* A key unlocked by SOF_Login, ready for one signature. */
typedef struct {
    EVP_PKEY *pkey;
    zca_backend_t backend;
    unsigned long slot_id;           /* p11 */
    unsigned long session;           /* p11: the session holding the token login */
} zca_unlocked_t;

typedef enum { ZCA_UNLOCK_OK, ZCA_UNLOCK_WRONG_PIN, ZCA_UNLOCK_LOCKED, ZCA_UNLOCK_ERROR } zca_unlock_t;

/* The key type of a certificate's public key; false for anything but RSA,
 * EC (not on the SM2 curve) and SM2. */
bool zca_key_type_of(X509 *cert, zca_key_type_t *type);
const char *zca_key_type_name(zca_key_type_t type);        /* "rsa", "ec", "sm2" */
const char *zca_key_algorithm(zca_key_type_t type);        /* "rsa-sha256", "ecdsa-sha256", "sm2-sm3" */

/* Append a copy of *K; the list takes over K->cert.  False when out of memory
 * (then K->cert is freed). */
bool zca_keys_add(zca_keys_t *ks, zca_key_t *k);
/* By cert_id: a stable order for the certificate list. */
void zca_keys_sort(zca_keys_t *ks);
const zca_key_t *zca_keys_find(const zca_keys_t *ks, const char *cert_id);
void zca_keys_clear(zca_keys_t *ks);

/* The SOF_GetUserList entry: cert_id, label, subject, issuer, serial, not_after, key_type. */
json_t *zca_key_info(const zca_key_t *k);
/* The certificate as base64 DER (jansson-owned string), for SOF_ExportUserCert. */
json_t *zca_key_cert_b64(const zca_key_t *k);

#endif
