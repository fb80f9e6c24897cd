/* sof.c - the SOF functions: one handler per function, found by name in
 * zca_sof_table (protocol: docs/agent.md). */
#include "sof.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "agent.h"
#include "log.h"
#include "reply.h"
#include "sign.h"

#define ZCA_PIN_MAX 256

typedef struct {
    zca_agent_t *a;
    const char *origin;          /* the caller's, in normal form */
    json_t *req;
    zca_code_t code;             /* what the handler answered, for the log */
} zca_call_t;

static json_t *zca_answer(zca_call_t *c, zca_code_t code, json_t *data)
{
    c->code = code;
    return zca_reply(code, data, NULL, NULL);
}

/* A string field of the request, or NULL (absent, not a string, or empty). */
static const char *zca_field(const zca_call_t *c, const char *name, size_t *len)
{
    json_t *v = json_object_get(c->req, name);

    if (!json_is_string(v) || json_string_length(v) == 0)
        return NULL;
    if (len)
        *len = json_string_length(v);
    return json_string_value(v);
}

/* The key named by "cert_id"; NULL with *ERR set to the answer. */
static const zca_key_t *zca_call_key(zca_call_t *c, json_t **err)
{
    const char *id = zca_field(c, "cert_id", NULL);
    const zca_key_t *k = id ? zca_agent_key(c->a, id) : NULL;

    if (id == NULL)
        *err = zca_answer(c, ZCA_E_BAD_REQUEST, NULL);
    else if (k == NULL)
        *err = zca_answer(c, ZCA_E_NO_CERT, NULL);
    return k;
}

static unsigned zca_token_flags(zca_call_t *c, const zca_key_t *k)
{
    return k->backend == ZCA_BACKEND_P11 && c->a->p11 ? zca_p11_token_flags(c->a->p11, k->slot_id) : 0;
}

static json_t *zca_sof_get_version(zca_call_t *c)
{
    return zca_answer(c, ZCA_OK, json_pack("{s:s, s:s}", "version", ZCA_AGENT_VERSION, "agent", "zcyca-agent"));
}

static json_t *zca_sof_get_user_list(zca_call_t *c)
{
    json_t *list = json_array();

    zca_agent_refresh_keys(c->a);
    for (size_t i = 0; list && i < c->a->keys.n; i++)
        if (json_array_append_new(list, zca_key_info(&c->a->keys.v[i])) != 0) {
            json_decref(list);
            return zca_answer(c, ZCA_E_TOKEN, NULL);
        }
    return zca_answer(c, list ? ZCA_OK : ZCA_E_TOKEN, list);
}

static json_t *zca_sof_export_user_cert(zca_call_t *c)
{
    json_t *err = NULL, *b64;
    const zca_key_t *k = zca_call_key(c, &err);

    if (k == NULL)
        return err;
    if ((b64 = zca_key_cert_b64(k)) == NULL)
        return zca_answer(c, ZCA_E_TOKEN, NULL);
    return zca_answer(c, ZCA_OK, json_pack("{s:o}", "certificate", b64));
}

static json_t *zca_sof_get_pin_retry_count(zca_call_t *c)
{
    json_t *err = NULL;
    const zca_key_t *k = zca_call_key(c, &err);

    if (k == NULL)
        return err;
    return zca_answer(c, ZCA_OK,
                      json_pack("{s:i}", "retries_left", (int)zca_pin_left(&c->a->pins, k->cert_id,
                                                                           zca_token_flags(c, k))));
}

static json_t *zca_pin_incorrect(zca_call_t *c, unsigned left)
{
    char msg[96], msg_en[96];

    snprintf(msg, sizeof msg, "PIN码错误，还可以再试%u次", left);
    snprintf(msg_en, sizeof msg_en, "Wrong PIN; %u attempt%s left", left, left == 1 ? "" : "s");
    c->code = ZCA_E_PIN_INCORRECT;
    return zca_reply(ZCA_E_PIN_INCORRECT, json_pack("{s:i}", "retries_left", (int)left), msg, msg_en);
}

static json_t *zca_sof_login(zca_call_t *c)
{
    json_t *err = NULL, *pinv = json_object_get(c->req, "pin");
    const zca_key_t *k = zca_call_key(c, &err);
    zca_unlocked_t u;
    zca_unlock_t r;
    unsigned left;

    if (k == NULL)
        return err;
    if (!json_is_string(pinv) || json_string_length(pinv) == 0 || json_string_length(pinv) > ZCA_PIN_MAX ||
        strlen(json_string_value(pinv)) != json_string_length(pinv))
        return zca_answer(c, ZCA_E_BAD_REQUEST, NULL);
    zca_login_end(c->a, "new login");
    if (zca_pin_left(&c->a->pins, k->cert_id, zca_token_flags(c, k)) == 0)
        return zca_answer(c, ZCA_E_PIN_LOCKED, json_pack("{s:i}", "retries_left", 0));

    r = k->backend == ZCA_BACKEND_P11 ? zca_p11_unlock(c->a->p11, k, json_string_value(pinv), &u)
                                      : zca_sm2file_unlock(k, json_string_value(pinv), &u);
    /* Done with the PIN: wipe it where jansson put it (the request's other
     * copies go when it is freed, see secmem.h). */
    OPENSSL_cleanse((char *)json_string_value(pinv), json_string_length(pinv));

    switch (r) {
    case ZCA_UNLOCK_OK:
        zca_pin_right(&c->a->pins, k->cert_id);
        zca_login_open(c->a, k->cert_id, c->origin, &u);
        return zca_answer(c, ZCA_OK, json_pack("{s:i}", "retries_left", (int)c->a->pins.max));
    case ZCA_UNLOCK_WRONG_PIN:
        left = zca_pin_wrong(&c->a->pins, k->cert_id, zca_token_flags(c, k));
        ZCA_LOG(0501, "%s: wrong PIN from %s, %u attempt(s) left", k->cert_id, c->origin, left);
        if (left == 0)
            return zca_answer(c, ZCA_E_PIN_LOCKED, json_pack("{s:i}", "retries_left", 0));
        return zca_pin_incorrect(c, left);
    case ZCA_UNLOCK_LOCKED:
        zca_pin_lock(&c->a->pins, k->cert_id);
        return zca_answer(c, ZCA_E_PIN_LOCKED, json_pack("{s:i}", "retries_left", 0));
    default:
        return zca_answer(c, ZCA_E_TOKEN, NULL);
    }
}

static json_t *zca_sof_sign_data(zca_call_t *c)
{
    json_t *err = NULL, *sig;
    const zca_key_t *k = zca_call_key(c, &err);
    const zca_unlocked_t *u;
    const char *data, *why = NULL;
    size_t len = 0;
    zca_sign_kind_t kind;

    if (k == NULL)
        return err;
    if ((data = zca_field(c, "data", &len)) == NULL)
        return zca_answer(c, ZCA_E_BAD_REQUEST, NULL);
    /* The guard comes first: whatever the login state, the agent never signs
     * anything but this origin's login text. */
    kind = zca_guard_sign(data, len, c->origin, c->a->cfg.allow_nonce, &why);
    if (kind == ZCA_SIGN_REFUSED) {
        ZCA_LOG(0502, "%s: refused to sign for %s: %s", k->cert_id, c->origin, why);
        return zca_answer(c, ZCA_E_REFUSED, NULL);
    }
    if ((u = zca_login_get(c->a, k->cert_id, c->origin)) == NULL)
        return zca_answer(c, ZCA_E_NOT_LOGGED_IN, NULL);
    sig = zca_sign(u, k, (const unsigned char *)data, len);
    if (sig)
        ZCA_LOG(0503, "%s: signed a %s for %s", k->cert_id, kind == ZCA_SIGN_TBS ? "ZCYCA-AUTH-V1 text" : "nonce",
                c->origin);
    zca_login_end(c->a, "one login, one signature");
    if (sig == NULL)
        return zca_answer(c, ZCA_E_TOKEN, NULL);
    return zca_answer(c, ZCA_OK, json_pack("{s:o, s:s}", "signature", sig, "algorithm", zca_key_algorithm(k->type)));
}

static json_t *zca_sof_logout(zca_call_t *c)
{
    const char *id = zca_field(c, "cert_id", NULL);

    if (id == NULL)
        return zca_answer(c, ZCA_E_BAD_REQUEST, NULL);
    /* only the origin that logged in may end its login */
    if (zca_login_get(c->a, id, c->origin))
        zca_login_end(c->a, "SOF_Logout");
    return zca_answer(c, ZCA_OK, NULL);
}

static const struct {
    const char *name;
    json_t *(*fn)(zca_call_t *c);
} zca_sof_table[] = {
    { "SOF_GetVersion", zca_sof_get_version },
    { "SOF_GetUserList", zca_sof_get_user_list },
    { "SOF_ExportUserCert", zca_sof_export_user_cert },
    { "SOF_GetPinRetryCount", zca_sof_get_pin_retry_count },
    { "SOF_Login", zca_sof_login },
    { "SOF_SignData", zca_sof_sign_data },
    { "SOF_Logout", zca_sof_logout },
};

json_t *zca_sof_call(zca_agent_t *a, const char *origin, const char *body, size_t len)
{
    zca_call_t c = { .a = a, .origin = origin, .code = ZCA_E_BAD_REQUEST };
    json_t *out = NULL;
    const char *fn = NULL, *logname = "(no function)";

    zca_login_expire(a);
    c.req = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
    if (json_is_object(c.req))
        fn = json_string_value(json_object_get(c.req, "function"));
    if (fn == NULL)
        out = zca_reply(ZCA_E_BAD_REQUEST, NULL, NULL, NULL);
    else {
        size_t i = 0, n = sizeof zca_sof_table / sizeof *zca_sof_table;
        while (i < n && strcmp(fn, zca_sof_table[i].name) != 0)
            i++;
        if (i < n) {
            logname = zca_sof_table[i].name;    /* never the caller's bytes */
            out = zca_sof_table[i].fn(&c);
        }
        else {
            logname = "(unknown function)";
            c.code = ZCA_E_UNKNOWN_FUNCTION;
            out = zca_reply(ZCA_E_UNKNOWN_FUNCTION, NULL, NULL, NULL);
        }
    }
    ZCA_LOG(0504, "%s from %s: code %d", logname, origin, (int)c.code);
    json_decref(c.req);    /* the PIN's last copies go here (secmem.h) */
    return out;            /* NULL only when out of memory */
}
