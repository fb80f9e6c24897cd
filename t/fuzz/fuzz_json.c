/* Fuzz target: request bodies (json_req.c).  One input is one body, read
 * the way every endpoint reads its own, field by field in the handlers'
 * order with the handlers' limits:
 *   POST /ca/challenge        purpose, provider, account          (h_challenge.c)
 *   POST /ca/login (JSON)     provider + the challenge answer      (h_login.c, proof.c)
 *   POST /ca/login (form)     provider, return                     (h_login.c)
 *   POST /password-login      login, password, return (form) or login, password (JSON)
 *   POST /bindings            account, provider + the answer       (h_bindings.c, proof.c)
 *   PUT  /admin/regions/...   ca_enabled, providers                (h_admin.c)
 * (The answer: challenge_id, nonce, certificate, chain, signature,
 * algorithm; proof.c's zc_proof_read_answer.)  What a reader accepts must
 * hold up: strings within their limit, lists within theirs. */
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>
#include <jansson.h>

#include "fuzz.h"
#include "json_req.h"
#include "cert.h"

/* as in proof.c and admin_query.h / h_admin.c */
#define ZC_FZ_CERT_TEXT_MAX 24576
#define ZC_FZ_AQ_TEXT_MAX 256
#define ZC_FZ_ADMIN_PROVIDERS_MAX 64

ZC_FZ_INITIALIZE_ROOT_ONLY

static zc_err_t zc_fz_string(apr_pool_t *p, json_t *o, const char *name, int required, size_t max)
{
    const char *v = NULL, *detail = NULL;
    zc_err_t e = zc_json_get_string(p, o, name, required, max, &v, &detail);

    if (e == ZC_OK) {
        ZC_FZ_CHECK(v != NULL || !required);
        ZC_FZ_CHECK(v == NULL || strlen(v) <= max);
    }
    else
        ZC_FZ_CHECK(detail != NULL);
    return e;
}

static zc_err_t zc_fz_text(apr_pool_t *p, json_t *o, const char *name, int required, size_t max)
{
    const char *v = NULL, *detail = NULL;
    zc_err_t e = zc_json_get_text(p, o, name, required, max, &v, &detail);

    if (e == ZC_OK)
        ZC_FZ_CHECK(v == NULL ? !required : strlen(v) <= max);
    return e;
}

static zc_err_t zc_fz_list(apr_pool_t *p, json_t *o, const char *name, size_t max_items, size_t max_len)
{
    apr_array_header_t *list = NULL;
    const char *detail = NULL;
    zc_err_t e = zc_json_get_text_list(p, o, name, max_items, max_len, &list, &detail);

    if (e == ZC_OK && list) {
        ZC_FZ_CHECK((size_t)list->nelts <= max_items);
        for (int i = 0; i < list->nelts; i++)
            ZC_FZ_CHECK(strlen(APR_ARRAY_IDX(list, i, const char *)) <= max_len);
    }
    return e;
}

/* proof.c: zc_proof_read_answer */
static void zc_fz_answer(apr_pool_t *p, json_t *o)
{
    const char *id = NULL, *detail = NULL;

    if (zc_json_get_string(p, o, "challenge_id", 0, ZC_FIELD_MAX, &id, &detail) != ZC_OK || id == NULL)
        return;
    if (zc_fz_string(p, o, "nonce", 1, ZC_FIELD_MAX) == ZC_OK &&
        zc_fz_text(p, o, "certificate", 1, ZC_FZ_CERT_TEXT_MAX) == ZC_OK &&
        zc_fz_list(p, o, "chain", ZC_CERT_MAX_CHAIN, ZC_FZ_CERT_TEXT_MAX) == ZC_OK &&
        zc_fz_text(p, o, "signature", 1, 4096) == ZC_OK)
        zc_fz_string(p, o, "algorithm", 0, 32);
}

/* h_admin.c: the region body */
static void zc_fz_admin(apr_pool_t *p, json_t *o)
{
    const char *key;
    json_t *val;

    json_object_foreach(o, key, val) {
        if (strcmp(key, "ca_enabled") != 0 && strcmp(key, "providers") != 0)
            return;
    }
    if (!json_is_boolean(json_object_get(o, "ca_enabled")))
        return;
    val = json_object_get(o, "providers");
    if (!val || json_is_null(val) || !json_is_array(val))
        return;
    zc_fz_list(p, o, "providers", ZC_FZ_ADMIN_PROVIDERS_MAX, ZC_FZ_AQ_TEXT_MAX);
}

static void zc_fz_form(apr_pool_t *p, const char *body, size_t len, const char *name, int required, size_t max)
{
    const char *v = NULL, *detail = NULL;

    if (zc_form_get_string(p, body, len, name, required, max, &v, &detail) == ZC_OK)
        ZC_FZ_CHECK(v == NULL ? !required : strlen(v) <= max);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = zc_fz_begin();
    /* libFuzzer's own buffer, of exactly size bytes and not NUL-terminated
     * (pool memory would hide an over-read from ASan) */
    const char *buf = (const char *)data, *detail = NULL;
    zc_err_t e;
    json_t *o = zc_json_parse_object(p, buf, size, &e, &detail);

    if (o) {
        ZC_FZ_CHECK(e == ZC_OK && json_is_object(o));
        /* challenge */
        if (zc_fz_string(p, o, "purpose", 1, 16) == ZC_OK && zc_fz_string(p, o, "provider", 0, ZC_FIELD_MAX) == ZC_OK)
            zc_fz_string(p, o, "account", 0, ZC_FIELD_MAX);
        /* CA login */
        if (zc_fz_string(p, o, "provider", 0, ZC_FIELD_MAX) == ZC_OK)
            zc_fz_answer(p, o);
        /* password login */
        if (zc_fz_string(p, o, "login", 1, ZC_FIELD_MAX) == ZC_OK)
            zc_fz_string(p, o, "password", 1, 1024);
        /* bind */
        if (zc_fz_string(p, o, "account", 1, ZC_FIELD_MAX) == ZC_OK &&
            zc_fz_string(p, o, "provider", 0, ZC_FIELD_MAX) == ZC_OK)
            zc_fz_answer(p, o);
        zc_fz_admin(p, o);
        zc_json_dump(p, json_incref(o));   /* it takes a reference */
    }
    else
        ZC_FZ_CHECK(e != ZC_OK);
    /* the form bodies (login and password login) */
    zc_fz_form(p, buf, size, "provider", 0, ZC_FIELD_MAX);
    zc_fz_form(p, buf, size, "return", 0, 2048);
    zc_fz_form(p, buf, size, "login", 1, ZC_FIELD_MAX);
    zc_fz_form(p, buf, size, "password", 1, 1024);
    zc_fz_end(p);
    return 0;
}
