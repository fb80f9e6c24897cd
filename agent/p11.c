/* p11.c - the PKCS#11 backend through libp11 (p11.h).
 *
 * libp11 loads the module, walks slots, certificates and keys, and turns a
 * token key into an EVP_PKEY whose RSA/EC methods call C_Sign, so signing is
 * ordinary EVP_DigestSign: OpenSSL hashes and libp11 asks the token for
 * CKM_RSA_PKCS or CKM_ECDSA over the digest (SoftHSM has no CKM_ECDSA_SHA256).
 * Login goes around libp11 (p11_login.h).
 *
 * libp11 frees its certificate and key objects on PKCS11_logout and when
 * the slots are released, so nothing here keeps a PKCS11_* pointer between
 * calls: the key list holds slot ids, CKA_IDs and referenced X509s. */
#include "p11.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libp11.h>
#include <openssl/err.h>
#include <p11-kit/pkcs11.h>

#include "log.h"
#include "p11_login.h"
#include "pin.h"

struct zca_p11 {
    PKCS11_CTX *ctx;
    PKCS11_SLOT *slots;
    unsigned nslots;
    zca_p11_raw_t raw;
    bool logged_in;              /* a key is unlocked: keep the slots as they are */
};

/* The first queued OpenSSL/libp11 error, for the log; clears the queue. */
static const char *zca_p11_err(char *buf, size_t n)
{
    unsigned long e = ERR_peek_error();

    if (e == 0)
        snprintf(buf, n, "no detail");
    else
        ERR_error_string_n(e, buf, n);
    ERR_clear_error();
    return buf;
}

zca_p11_t *zca_p11_open(const char *module)
{
    zca_p11_t *p = calloc(1, sizeof *p);
    char e[256];

    if (p == NULL || (p->ctx = PKCS11_CTX_new()) == NULL) {
        ZCA_LOG(0101, "pkcs11: out of memory");
        free(p);
        return NULL;
    }
    if (PKCS11_CTX_load(p->ctx, module) < 0) {
        ZCA_LOG(0102, "pkcs11 %s: cannot load the module (%s)", module, zca_p11_err(e, sizeof e));
        PKCS11_CTX_free(p->ctx);
        free(p);
        return NULL;
    }
    if (!zca_p11_raw_open(&p->raw, module) || PKCS11_enumerate_slots(p->ctx, &p->slots, &p->nslots) < 0) {
        ZCA_LOG(0103, "pkcs11 %s: cannot use the module's function list or slots (%s)", module,
                zca_p11_err(e, sizeof e));
        zca_p11_close(p);
        return NULL;
    }
    ZCA_LOG(0104, "pkcs11 %s: loaded, %u slot(s)", module, p->nslots);
    return p;
}

void zca_p11_close(zca_p11_t *p)
{
    if (p == NULL)
        return;
    if (p->slots)
        PKCS11_release_all_slots(p->ctx, p->slots, p->nslots);
    zca_p11_raw_close(&p->raw);    /* drops our reference; libp11 still holds its own */
    PKCS11_CTX_unload(p->ctx);
    PKCS11_CTX_free(p->ctx);
    free(p);
}

static PKCS11_SLOT *zca_p11_slot(zca_p11_t *p, unsigned long slot_id)
{
    for (unsigned i = 0; i < p->nslots; i++)
        if (PKCS11_get_slotid_from_slot(&p->slots[i]) == slot_id)
            return &p->slots[i];
    return NULL;
}

static bool zca_p11_has_key(const PKCS11_KEY *keys, unsigned n, const unsigned char *id, size_t id_len)
{
    for (unsigned i = 0; i < n; i++)
        if (keys[i].id_len == id_len && memcmp(keys[i].id, id, id_len) == 0)
            return true;
    return false;
}

/* LABEL into DST as printable UTF-8: a token's bytes are not trusted, and
 * the label goes into JSON and the log. */
static void zca_p11_label(char *dst, size_t n, const char *label)
{
    size_t i = 0;
    json_t *t;

    for (; label && label[i] && i + 1 < n; i++)
        dst[i] = (unsigned char)label[i] < 0x20 || label[i] == 0x7f ? '?' : label[i];
    dst[i] = '\0';
    if ((t = json_string(dst)) != NULL) {
        json_decref(t);
        return;
    }
    for (size_t j = 0; j < i; j++)    /* not UTF-8, or cut inside a character: keep the ASCII */
        if ((unsigned char)dst[j] >= 0x80)
            dst[j] = '?';
}

/* The certificates of one token that have a key with the same CKA_ID.  Before
 * login only public objects show: a private key is usually CKA_PRIVATE, so a
 * public key object with the id counts too (as pkcs11-tool makes them). */
static void zca_p11_list_token(zca_p11_t *p, PKCS11_SLOT *slot, zca_keys_t *ks)
{
    PKCS11_TOKEN *tok = slot->token;
    PKCS11_CERT *certs;
    PKCS11_KEY *pub = NULL, *prv = NULL;
    unsigned nc, npub = 0, nprv = 0;
    char e[256], tlabel[64];

    zca_p11_label(tlabel, sizeof tlabel, tok->label);
    if (PKCS11_enumerate_certs(tok, &certs, &nc) < 0) {
        ZCA_LOG(0105, "pkcs11 token %s: cannot list certificates (%s)", tlabel, zca_p11_err(e, sizeof e));
        return;
    }
    if (PKCS11_enumerate_public_keys(tok, &pub, &npub) < 0)
        npub = 0;
    if (PKCS11_enumerate_keys(tok, &prv, &nprv) < 0)
        nprv = 0;
    ERR_clear_error();
    for (unsigned i = 0; i < nc; i++) {
        PKCS11_CERT *c = &certs[i];
        zca_key_t k = { .backend = ZCA_BACKEND_P11, .slot_id = PKCS11_get_slotid_from_slot(slot) };
        size_t off;

        if (c->x509 == NULL || c->id_len == 0 || c->id_len > ZCA_CKA_ID_MAX ||
            !(zca_p11_has_key(pub, npub, c->id, c->id_len) || zca_p11_has_key(prv, nprv, c->id, c->id_len)))
            continue;    /* a CA certificate, or a certificate without its key */
        /* SM2 on a token needs the vendor's own mechanisms (SoftHSM has none) */
        if (!zca_key_type_of(c->x509, &k.type) || k.type == ZCA_KEY_SM2)
            continue;
        off = (size_t)snprintf(k.cert_id, sizeof k.cert_id, "p11:%s:", tlabel);
        if (off + 2 * c->id_len >= sizeof k.cert_id)
            continue;
        for (size_t j = 0; j < c->id_len; j++)
            snprintf(k.cert_id + off + 2 * j, 3, "%02x", c->id[j]);
        zca_p11_label(k.label, sizeof k.label, c->label && *c->label ? c->label : tlabel);
        memcpy(k.ck_id, c->id, c->id_len);
        k.ck_id_len = c->id_len;
        X509_up_ref(c->x509);
        k.cert = c->x509;
        if (zca_keys_find(ks, k.cert_id)) {    /* two tokens with one label: keep the first */
            X509_free(k.cert);
            continue;
        }
        zca_keys_add(ks, &k);
    }
}

/* Look at the slots again, for keys plugged in or pulled out.  Not with
 * PKCS11_update_slots: libp11 0.4.12 (Debian 12) reads past its argument when
 * there is more than one slot (fixed in 0.4.13).  Releasing and enumerating
 * closes every session, which would end a login, so not while one is held. */
static bool zca_p11_rescan(zca_p11_t *p)
{
    char e[256];

    if (p->logged_in)
        return true;
    PKCS11_release_all_slots(p->ctx, p->slots, p->nslots);
    p->slots = NULL;
    p->nslots = 0;
    if (PKCS11_enumerate_slots(p->ctx, &p->slots, &p->nslots) < 0) {
        ZCA_LOG(0106, "pkcs11: cannot list slots (%s)", zca_p11_err(e, sizeof e));
        p->slots = NULL;
        p->nslots = 0;
        return false;
    }
    return true;
}

bool zca_p11_list(zca_p11_t *p, zca_keys_t *ks)
{
    if (!zca_p11_rescan(p))
        return false;
    for (unsigned i = 0; i < p->nslots; i++)
        if (p->slots[i].token && p->slots[i].token->initialized)
            zca_p11_list_token(p, &p->slots[i], ks);
    return true;
}

unsigned zca_p11_token_flags(zca_p11_t *p, unsigned long slot_id)
{
    unsigned long f = zca_p11_raw_token_flags(&p->raw, slot_id);

    return ((f & CKF_USER_PIN_FINAL_TRY) ? ZCA_TOKEN_FINAL_TRY : 0u) |
           ((f & CKF_USER_PIN_LOCKED) ? ZCA_TOKEN_LOCKED : 0u);
}

/* K's private key, visible now that the token is logged in. */
static EVP_PKEY *zca_p11_private_key(zca_p11_t *p, const zca_key_t *k)
{
    PKCS11_SLOT *slot = zca_p11_slot(p, k->slot_id);
    PKCS11_KEY *keys;
    unsigned n;

    if (slot == NULL || slot->token == NULL || PKCS11_enumerate_keys(slot->token, &keys, &n) < 0)
        return NULL;
    for (unsigned i = 0; i < n; i++)
        if (keys[i].isPrivate && keys[i].id_len == k->ck_id_len && memcmp(keys[i].id, k->ck_id, k->ck_id_len) == 0)
            return PKCS11_get_private_key(&keys[i]);
    return NULL;
}

zca_unlock_t zca_p11_unlock(zca_p11_t *p, const zca_key_t *k, const char *pin, zca_unlocked_t *u)
{
    unsigned long session = 0, rv;
    char e[256];

    memset(u, 0, sizeof *u);
    rv = zca_p11_raw_login(&p->raw, k->slot_id, pin, &session);
    switch (rv) {
    case CKR_OK:
        break;
    case CKR_PIN_INCORRECT:
    case CKR_PIN_LEN_RANGE:    /* a PIN too short or long for the token is still a wrong PIN */
        return ZCA_UNLOCK_WRONG_PIN;
    case CKR_PIN_LOCKED:
        return ZCA_UNLOCK_LOCKED;
    default:
        ZCA_LOG(0107, "pkcs11 %s: C_Login failed, CK_RV 0x%lx", k->cert_id, rv);
        return ZCA_UNLOCK_ERROR;
    }
    u->backend = ZCA_BACKEND_P11;
    u->slot_id = k->slot_id;
    u->session = session;
    p->logged_in = true;
    if ((u->pkey = zca_p11_private_key(p, k)) == NULL) {
        ZCA_LOG(0108, "pkcs11 %s: logged in, but no private key with the certificate's CKA_ID (%s)", k->cert_id,
                zca_p11_err(e, sizeof e));
        zca_p11_lock(p, u);
        return ZCA_UNLOCK_ERROR;
    }
    return ZCA_UNLOCK_OK;
}

void zca_p11_lock(zca_p11_t *p, zca_unlocked_t *u)
{
    PKCS11_SLOT *slot = zca_p11_slot(p, u->slot_id);

    EVP_PKEY_free(u->pkey);
    /* libp11 thinks it never logged in: this only drops its cached key
     * objects (and their EVP_PKEYs) before the token forgets the login. */
    if (slot)
        PKCS11_logout(slot);
    zca_p11_raw_logout(&p->raw, u->session);
    p->logged_in = false;
    ERR_clear_error();
    memset(u, 0, sizeof *u);
}
