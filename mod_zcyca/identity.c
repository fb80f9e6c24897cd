/* Identity.  Nothing a client sends may pose as the identity we hand on:
 * every request header whose name folds to zcyca_* is removed before any
 * other module runs.  AuthType zcyca turns a live session into r->user and
 * the ZCYCA_* environment. */
#include "identity.h"
#include "config.h"
#include "header_scrub.h"
#include "session_expiry.h"
#include "respond.h"
#include "session.h"
#include "cert.h"
#include "db.h"
#include "http_core.h"
#include "http_protocol.h"
#include "apr_strings.h"
#include "apr_lib.h"

int zc_identity_scrub(request_rec *r)
{
    const apr_array_header_t *names = zc_header_scrub(r->pool, r->headers_in); /* header_scrub.c */
    for (int i = 0; i < names->nelts; i++)
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, ZCLOGNO(0501) "removed incoming identity header %s",
                      ap_escape_logitem(r->pool, APR_ARRAY_IDX(names, i, const char *)));
    return DECLINED;
}

int zc_identity_authn(request_rec *r)
{
    const char *type = ap_auth_type(r);
    if (!type || strcasecmp(type, "zcyca") != 0)
        return DECLINED;
    zc_session_t *s;
    zc_err_t e = zc_session_load(r, &s);
    zc_db_done(r);
    if (e == ZC_OK) {
        r->user = apr_pstrdup(r->pool, s->login);
        r->ap_auth_type = "zcyca";
        return OK;
    }
    if (e != ZC_E_LOGIN_REQUIRED) {
        zc_respond_error(r, e);
        return DONE;
    }
    const char *login_url = zc_dir_cfg(r)->login_url;
    if (login_url && zc_wants_html(r)) {
        /* Browsers go to the login page; it can send them back afterwards. */
        const char *back = ap_escape_urlencoded(r->pool, r->unparsed_uri);
        const char *url = apr_pstrcat(r->pool, login_url, strchr(login_url, '?') ? "&" : "?", "return=", back, NULL);
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, ZCLOGNO(0502) "no session: redirecting to the login page");
        zc_respond_redirect(r, HTTP_MOVED_TEMPORARILY, url);
        return DONE;
    }
    ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, ZCLOGNO(0503) "no session for %s", r->uri);
    apr_table_setn(r->err_headers_out, "WWW-Authenticate", "zcyca");
    zc_respond_error(r, ZC_E_LOGIN_REQUIRED);
    return DONE;
}

/* Does the environment already hold a ZCYCA_* variable (a subrequest's copy
 * of its parent's, or an operator's SetEnv)?  Then each one must replace. */
static int zc_identity_env_has_ours(const apr_table_t *env)
{
    const apr_array_header_t *arr = apr_table_elts(env);
    const apr_table_entry_t *e = (const apr_table_entry_t *)arr->elts;
    for (int i = 0; i < arr->nelts; i++)
        if (e[i].key && (e[i].key[0] == 'Z' || e[i].key[0] == 'z') && zc_header_is_ours(e[i].key))
            return 1;
    return 0;
}

int zc_identity_export(request_rec *r)
{
    zc_req_t *rq = ap_get_module_config(zc_top_request(r)->request_config, &zcyca_module);
    if (!rq || !rq->session || !r->user || !r->ap_auth_type || strcmp(r->ap_auth_type, "zcyca") != 0)
        return DECLINED;
    const zc_session_t *s = rq->session;
    apr_table_t *env = r->subprocess_env;
    /* Usually there is none: then adding is enough, and saves a scan of the
     * table per variable (all eight share apr's 4-character key checksum). */
    void (*put)(apr_table_t *, const char *, const char *) = zc_identity_env_has_ours(env) ? apr_table_setn
                                                                                          : apr_table_addn;
    put(env, "ZCYCA_ACCOUNT", s->login);
    put(env, "ZCYCA_ACCOUNT_NAME", s->display_name);
    put(env, "ZCYCA_REGION", s->region ? s->region : "");
    put(env, "ZCYCA_METHOD", s->method);
    if (s->provider_id)
        put(env, "ZCYCA_PROVIDER", s->provider_id);
    if (s->key_id)
        put(env, "ZCYCA_KEY_ID", s->key_id);
    /* The connection memo brings both texts made; otherwise they are made here. */
    if (s->cert_not_after)
        put(env, "ZCYCA_CERT_NOT_AFTER",
            s->cert_not_after_text ? s->cert_not_after_text : zc_rfc3339(r->pool, s->cert_not_after));
    put(env, "ZCYCA_SESSION_EXPIRES",
        s->expires_text ? s->expires_text : zc_rfc3339(r->pool, zc_session_expiry_end(s)));
    return DECLINED;
}

/* ---- Require zcyca-method ca ------------------------------------------- */

#define ZC_RENDER_NOTE "zcyca-render-error"

static const char *zc_method_parse(cmd_parms *cmd, const char *require_line, const void **parsed)
{
    const char *w, *line = require_line;
    int n = 0;
    while (*(w = ap_getword_conf(cmd->temp_pool, &line))) {
        if (strcmp(w, "ca") != 0 && strcmp(w, "password") != 0)
            return apr_psprintf(cmd->pool, "Require zcyca-method %s: the methods are ca and password "
                                "(example: Require zcyca-method ca)", w);
        n++;
    }
    if (n == 0)
        return "Require zcyca-method: name a method (example: Require zcyca-method ca)";
    *parsed = apr_pstrdup(cmd->pool, require_line);
    return NULL;
}

static authz_status zc_method_check(request_rec *r, const char *require_line, const void *parsed)
{
    zc_req_t *rq = ap_get_module_config(zc_top_request(r)->request_config, &zcyca_module);
    const zc_session_t *s = rq ? rq->session : NULL;
    if (!r->user || !s)
        return AUTHZ_DENIED_NO_USER;
    const char *w, *line = parsed;
    while (*(w = ap_getword_conf(r->pool, &line)))
        if (strcmp(w, s->method) == 0)
            return AUTHZ_GRANTED;
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, ZCLOGNO(0504) "%s logged in by %s may not enter %s (Require zcyca-method %s)",
                  r->user, s->method, r->uri, (const char *)parsed);
    apr_table_setn(r->notes, ZC_RENDER_NOTE, "CA_LOGIN_REQUIRED");
    return AUTHZ_DENIED;
}

const authz_provider zc_identity_method_authz = {&zc_method_check, &zc_method_parse};

void zc_identity_insert_error_filter(request_rec *r)
{
    if (apr_table_get(r->notes, ZC_RENDER_NOTE))
        ap_add_output_filter(ZC_ERROR_FILTER, NULL, r, r->connection);
}

/* Drop httpd's error page and send ours (JSON or HTML, DESIGN section 7). */
apr_status_t zc_identity_error_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    request_rec *r = f->r;
    apr_brigade_cleanup(bb); /* httpd's page, in however many pieces: none of it goes out */
    if (f->ctx)
        return APR_SUCCESS;
    f->ctx = f; /* ours went out with the first piece, with its own EOS */
    zc_err_t e = zc_err_by_code(apr_table_get(r->notes, ZC_RENDER_NOTE));
    if (e == ZC_OK)
        e = ZC_E_NOT_PERMITTED;
    /* mod_authz_core answers 401 for a known user who is denied (so Basic
     * users may retry); a session of the wrong method is a 403. */
    r->status = zc_err_info(e)->status;
    const char *body = zc_wants_html(r) ? zc_error_page(r, e) : zc_err_json(r->pool, e);
    ap_set_content_type(r, zc_wants_html(r) ? "text/html; charset=utf-8" : "application/json; charset=utf-8");
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    apr_table_setn(r->notes, "zcyca-error", zc_err_info(e)->code);
    ap_set_content_length(r, (apr_off_t)strlen(body));
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_pool_create(body, strlen(body), r->pool, r->connection->bucket_alloc));
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(r->connection->bucket_alloc));
    return ap_pass_brigade(f->next, bb);
}

/* httpd asks the AuthType's module to add its challenge on a 401. */
int zc_identity_note_auth_failure(request_rec *r, const char *auth_type)
{
    if (strcasecmp(auth_type, "zcyca") != 0)
        return DECLINED;
    apr_table_setn(r->err_headers_out, "WWW-Authenticate", "zcyca");
    return OK;
}
