/* POST /ca/login (zcyca-login).  The body names the provider; the proof is
 * either a signed challenge (challenge_id, nonce, certificate, signature) or
 * the client certificate of the TLS handshake on the login virtual host.
 * Both continue through the same verification and login_finish.  Every
 * step returns early with its section 7 code. */
#include "handlers.h"
#include "guard.h"
#include "json_req.h"
#include "login.h"
#include "proof.h"
#include "respond.h"
#include "verify.h"
#include "cert.h"
#include "sig.h"
#include "tls.h"
#include "apr_strings.h"
#include "http_protocol.h"
#include "password.h"
#include "throttle.h"
#include "queries.h"
#include "session.h"
#include "audit.h"


typedef struct {
    const char *provider, *return_to;
    zc_challenge_answer_t answer;  /* challenge_id set: a signed-challenge login */
} zc_login_body_t;

static zc_err_t zc_login_read(request_rec *r, int form, zc_login_body_t *b, const char **detail)
{
    const char *buf;
    apr_size_t len;
    zc_err_t e = zc_read_body(r, &buf, &len);
    if (e != ZC_OK) {
        *detail = "request body";
        return e;
    }
    memset(b, 0, sizeof *b);
    if (form) {
        if ((e = zc_form_get_string(r->pool, buf, len, "provider", 0, ZC_FIELD_MAX, &b->provider, detail)) != ZC_OK)
            return e;
        return zc_form_get_string(r->pool, buf, len, "return", 0, 2048, &b->return_to, detail);
    }
    json_t *o = zc_json_parse_object(r->pool, buf, len, &e, detail);
    if (!o)
        return e;
    if ((e = zc_json_get_string(r->pool, o, "provider", 0, ZC_FIELD_MAX, &b->provider, detail)) != ZC_OK)
        return e;
    return zc_proof_read_answer(r, o, &b->answer, detail);
}

int zc_h_login(request_rec *r)
{
    zc_global_t *g = zc_srv_cfg(r->server)->g;
    zc_login_ctx_t ctx = {0};
    zc_login_body_t body;
    const char *detail = NULL;
    zc_err_t e = zc_guard_state_change(r, ZC_GUARD_JSON_OR_FORM, &ctx.form);
    if (e != ZC_OK)
        return zc_login_fail(r, e, NULL, NULL, 0, "content type or origin");
    if ((e = zc_login_read(r, ctx.form, &body, &detail)) != ZC_OK)
        return zc_login_fail(r, e, NULL, NULL, 0, detail);
    if ((e = zc_throttle_begin(r)) != ZC_OK)
        return zc_login_fail(r, e, body.provider, NULL, 0, "too many failed logins from this address");
    ctx.return_to = body.return_to;
    /* No provider named: the certificate tells (DESIGN auto-detection). */
    const zc_provider_t *pv = NULL;
    if (body.provider && !(pv = zc_provider_find(g, body.provider)))
        return zc_login_fail(r, ZC_E_PROVIDER_UNKNOWN, NULL, NULL, 0, body.provider);

    zc_proof_t proof;
    int challenge = body.answer.challenge_id != NULL;
    e = challenge ? zc_proof_challenge(r, &body.answer, "login", &pv, &proof, &detail)
                  : zc_proof_tls(r, &proof, &detail);
    if (e == ZC_OK && !challenge)
        e = zc_proof_provider(r, &proof, &pv, &detail);
    zc_identity_t seen = {0};
    int seen_ok = proof.leaf && zc_cert_info(r->pool, proof.leaf, &seen.cert) == ZC_OK;
    /* Failures count per key (its public key, whatever the provider) only
     * once the client has proven it holds it: by the TLS handshake, or by a
     * signature that verified.  A certificate alone is public. */
    int possession = seen_ok && (challenge ? e == ZC_OK : proof.ssl_verify != NULL);
    if (possession)
        zc_throttle_set_key(r, apr_pstrcat(r->pool, "spki:", seen.cert.spki_sha256, NULL));
    if (e == ZC_OK && (e = zc_throttle_check_key(r)) != ZC_OK)
        detail = "too many failed logins with this key";
    if (e != ZC_OK)
        return zc_login_fail(r, e, pv ? pv->id : NULL, proof.leaf ? &seen : NULL, 0, detail);
    zc_identity_t id = {0};
    e = zc_proof_verify(r, pv, &proof, &id, &detail);
    if (e == ZC_OK && !challenge)
        e = zc_proof_tls_agree(r, &proof);
    /* ZcyCAProviderAlgorithms holds for TLS too: the key must be of a kind
     * the provider allows. */
    if (e == ZC_OK && !challenge && !(zc_sig_algorithms_for(proof.leaf) & pv->algorithms)) {
        e = ZC_E_ALG_UNSUPPORTED;
        detail = "the key type is not among the provider's ZcyCAProviderAlgorithms";
    }
    if (e != ZC_OK && !challenge && zc_tls_tolerated_error(r->connection))
        detail = apr_pstrcat(r->pool, detail ? detail : "", " (TLS handshake: ",
                             zc_tls_tolerated_error(r->connection), ")", NULL);
    if (e != ZC_OK) {
        /* Keep what is known of the certificate for the audit row. */
        if (!id.cert.serial)
            (void)zc_cert_info(r->pool, proof.leaf, &id.cert);
        return zc_login_fail(r, e, pv->id, &id, 0, detail);
    }
    return zc_login_finish(r, &ctx, &id);
}

/* POST /ca/password-login (zcyca-password-login): {"login","password"} or
 * the same HTML form.  The session it opens has method "password". */
int zc_h_password_login(request_rec *r)
{
    zc_login_ctx_t ctx = {0};
    const char *buf, *login = NULL, *password = NULL, *detail = NULL;
    apr_size_t len;
    zc_err_t e = zc_guard_state_change(r, ZC_GUARD_JSON_OR_FORM, &ctx.form);
    if (e == ZC_OK && (e = zc_read_body(r, &buf, &len)) == ZC_OK) {
        if (ctx.form) {
            if ((e = zc_form_get_string(r->pool, buf, len, "login", 1, ZC_FIELD_MAX, &login, &detail)) == ZC_OK
                && (e = zc_form_get_string(r->pool, buf, len, "password", 1, 1024, &password, &detail)) == ZC_OK)
                e = zc_form_get_string(r->pool, buf, len, "return", 0, 2048, &ctx.return_to, &detail);
        }
        else {
            json_t *o = zc_json_parse_object(r->pool, buf, len, &e, &detail);
            if (o && (e = zc_json_get_string(r->pool, o, "login", 1, ZC_FIELD_MAX, &login, &detail)) == ZC_OK)
                e = zc_json_get_string(r->pool, o, "password", 1, 1024, &password, &detail);
        }
    }
    if (e != ZC_OK)
        return zc_login_fail_as(r, "password_login", e, NULL, NULL, 0, detail);
    zc_throttle_set_key(r, apr_pstrcat(r->pool, "login:", login, NULL));
    if ((e = zc_throttle_begin(r)) != ZC_OK)
        return zc_login_fail_as(r, "password_login", e, NULL, NULL, 0, "too many failed logins");
    if ((e = zc_password_check(r, login, password)) != ZC_OK)
        return zc_login_fail_as(r, "password_login", e, NULL, NULL, 0, "password not accepted");
    zc_account_t a;
    if ((e = zc_q_account_by_login(r, login, &a)) != ZC_OK)
        return zc_login_fail_as(r, "password_login", e == ZC_E_NOT_FOUND ? ZC_E_PASSWORD_INVALID : e, NULL, NULL, 0,
                                "the password is right but no zcyca account has this login");
    if (strcmp(a.status, "active") != 0)
        return zc_login_fail_as(r, "password_login", ZC_E_ACCOUNT_DISABLED, NULL, NULL, a.id, a.login);
    return zc_login_open_session(r, &ctx, &a, "password", NULL, 0);
}
