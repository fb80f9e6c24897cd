/* sm2file.c - the SM2 key-file backend (sm2file.h). */
#include "sm2file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "log.h"

static X509 *zca_sm2file_cert(const zca_sm2_key_cfg_t *kc)
{
    FILE *f = fopen(kc->cert_file, "r");
    X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
    zca_key_type_t t;

    if (f)
        fclose(f);
    if (x == NULL) {
        ZCA_LOG(0201, "sm2-key %s: cannot read the certificate %s", kc->label, kc->cert_file);
        return NULL;
    }
    if (!zca_key_type_of(x, &t) || t != ZCA_KEY_SM2) {
        ZCA_LOG(0202, "sm2-key %s: %s is not an SM2 certificate", kc->label, kc->cert_file);
        X509_free(x);
        return NULL;
    }
    return x;
}

/* The file parses as an encrypted PKCS#8 structure: without this check, a
 * damaged file would count every PIN as wrong and lock the key. */
static bool zca_sm2file_encrypted(const zca_sm2_key_cfg_t *kc)
{
    FILE *f = fopen(kc->key_file, "r");
    X509_SIG *p8 = f ? PEM_read_PKCS8(f, NULL, NULL, NULL) : NULL;

    if (f)
        fclose(f);
    X509_SIG_free(p8);
    ERR_clear_error();
    if (p8 == NULL)
        ZCA_LOG(0203, "sm2-key %s: %s is not an encrypted PKCS#8 PEM key (-----BEGIN ENCRYPTED PRIVATE KEY-----)",
                kc->label, kc->key_file);
    return p8 != NULL;
}

bool zca_sm2file_load(zca_sm2files_t *fs, const zca_config_t *c)
{
    memset(fs, 0, sizeof *fs);
    if (c->n_sm2_keys == 0)
        return true;
    if ((fs->v = calloc(c->n_sm2_keys, sizeof *fs->v)) == NULL)
        return false;
    for (size_t i = 0; i < c->n_sm2_keys; i++) {
        X509 *x = zca_sm2file_cert(&c->sm2_keys[i]);
        if (x == NULL || !zca_sm2file_encrypted(&c->sm2_keys[i])) {
            X509_free(x);
            zca_sm2file_free(fs);
            return false;
        }
        fs->v[fs->n].cert = x;
        fs->v[fs->n].cfg = &c->sm2_keys[i];
        fs->n++;
    }
    ZCA_LOG(0204, "sm2 key files: %zu", fs->n);
    return true;
}

void zca_sm2file_free(zca_sm2files_t *fs)
{
    for (size_t i = 0; i < fs->n; i++)
        X509_free(fs->v[i].cert);
    free(fs->v);
    memset(fs, 0, sizeof *fs);
}

bool zca_sm2file_list(const zca_sm2files_t *fs, zca_keys_t *ks)
{
    for (size_t i = 0; i < fs->n; i++) {
        zca_key_t k = { .type = ZCA_KEY_SM2, .backend = ZCA_BACKEND_SM2FILE, .file = fs->v[i].cfg };
        snprintf(k.cert_id, sizeof k.cert_id, "sm2:%s", fs->v[i].cfg->label);
        snprintf(k.label, sizeof k.label, "%s", fs->v[i].cfg->label);
        X509_up_ref(fs->v[i].cert);
        k.cert = fs->v[i].cert;
        if (!zca_keys_add(ks, &k))
            return false;
    }
    return true;
}

/* The same public key: compare the SubjectPublicKeyInfo encodings, which do
 * not depend on whether OpenSSL typed either side "SM2" or "EC". */
static bool zca_sm2file_matches(EVP_PKEY *key, X509 *cert)
{
    unsigned char *a = NULL, *b = NULL;
    int na = i2d_PUBKEY(key, &a), nb = i2d_PUBKEY(X509_get0_pubkey(cert), &b);
    bool same = na > 0 && na == nb && memcmp(a, b, (size_t)na) == 0;

    OPENSSL_free(a);
    OPENSSL_free(b);
    return same;
}

zca_unlock_t zca_sm2file_unlock(const zca_key_t *k, const char *pin, zca_unlocked_t *u)
{
    FILE *f = fopen(k->file->key_file, "r");
    EVP_PKEY *key;

    memset(u, 0, sizeof *u);
    if (f == NULL) {
        ZCA_LOG(0205, "sm2-key %s: cannot open %s", k->file->label, k->file->key_file);
        return ZCA_UNLOCK_ERROR;
    }
    /* No callback: OpenSSL takes PIN as the passphrase and wipes its own copy. */
    key = PEM_read_PrivateKey(f, NULL, NULL, (void *)pin);
    fclose(f);
    ERR_clear_error();
    if (key == NULL)
        return ZCA_UNLOCK_WRONG_PIN;
    if (!EVP_PKEY_is_a(key, "SM2") || !zca_sm2file_matches(key, k->cert)) {
        ZCA_LOG(0206, "sm2-key %s: the key in %s does not belong to the certificate", k->file->label,
                k->file->key_file);
        EVP_PKEY_free(key);
        return ZCA_UNLOCK_ERROR;
    }
    u->pkey = key;
    u->backend = ZCA_BACKEND_SM2FILE;
    return ZCA_UNLOCK_OK;
}

void zca_sm2file_lock(zca_unlocked_t *u)
{
    EVP_PKEY_free(u->pkey);    /* OpenSSL clears the private scalar as it frees it */
    memset(u, 0, sizeof *u);
}
