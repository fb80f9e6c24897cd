/* GET /ca/providers (zcyca-providers): the providers a caller may choose.
 * With ?region=<code> (or a session), only those the region accepts. */
#include "handlers.h"
#include "config.h"
#include "json_req.h"
#include "refusal.h"
#include "respond.h"
#include "session.h"
#include "http_protocol.h"
#include "util_script.h"
#include "apr_strings.h"
#include "apr_lib.h"

static int zc_in(const apr_array_header_t *ids, const char *id)
{
    for (int i = 0; i < ids->nelts; i++)
        if (strcmp(APR_ARRAY_IDX(ids, i, const char *), id) == 0)
            return 1;
    return 0;
}

/* Region codes are short ASCII identifiers (区划代码 such as 330100). */
static int zc_region_code_ok(const char *c)
{
    size_t n = strlen(c);
    if (n == 0 || n > 32)
        return 0;
    for (; *c; c++)
        if (!apr_isalnum(*c) && *c != '-' && *c != '_')
            return 0;
    return 1;
}

static const char *zc_query_arg(request_rec *r, const char *name)
{
    apr_table_t *args;
    ap_args_to_table(r, &args);
    return apr_table_get(args, name);
}

int zc_h_providers(request_rec *r)
{
    zc_global_t *g = zc_srv_cfg(r->server)->g;
    const char *region = zc_query_arg(r, "region");
    if (region && !zc_region_code_ok(region))
        return ZC_REFUSE(r, ZCLOGNO(0903), .code = ZC_E_BAD_REQUEST, .event = "providers", .detail = "malformed region code");
    zc_session_t *s;
    zc_err_t e;
    if (!region && zc_request_cookie_token(r, zc_srv_cfg(r->server)->cookie_name)) {
        e = zc_session_load(r, &s);
        if (e == ZC_OK)
            region = s->region;
        else if (e != ZC_E_LOGIN_REQUIRED)
            return ZC_REFUSE(r, ZCLOGNO(0901), .code = e, .event = "providers", .detail = "session look-up failed");
    }
    apr_array_header_t *accepted = NULL;
    if (region && (e = zc_q_region_providers(r, region, &accepted)) != ZC_OK)
        return ZC_REFUSE(r, ZCLOGNO(0902), .code = e, .event = "providers", .detail = "region look-up failed");

    json_t *list = json_array();
    for (int i = 0; i < g->providers->nelts; i++) {
        const zc_provider_t *pv = APR_ARRAY_IDX(g->providers, i, zc_provider_t *);
        if (accepted && !zc_in(accepted, pv->id))
            continue;
        json_t *algs = json_array();
        apr_array_header_t *names = zc_algorithm_names(r->pool, pv->algorithms);
        for (int j = 0; j < names->nelts; j++)
            json_array_append_new(algs, json_string(APR_ARRAY_IDX(names, j, const char *)));
        /* Every provider can sign a challenge; mutual TLS needs RSA or ECDSA
         * (stock OpenSSL has no SM2 in TLS). */
        json_t *methods = json_array();
        json_array_append_new(methods, json_string("challenge"));
        if (pv->algorithms & (ZC_ALG_RSA_SHA256 | ZC_ALG_RSA_PSS_SHA256 | ZC_ALG_ECDSA_SHA256))
            json_array_append_new(methods, json_string("tls"));
        json_t *o = json_pack("{s:s, s:s, s:o, s:o}", "id", pv->id, "name", pv->name, "methods", methods,
                              "algorithms", algs);
        json_object_set_new(o, "driver_url", pv->driver_url ? json_string(pv->driver_url) : json_null());
        /* What the pages' driver bridge needs: which adapter talks to the
         * provider's local signing service, where, and what it signs. */
        json_object_set_new(o, "driver", pv->driver_adapter ? json_pack("{s:s, s:s}", "adapter", pv->driver_adapter,
                                                                        "url", pv->driver_endpoint)
                                                            : json_null());
        json_object_set_new(o, "signed_data", json_string(pv->signs_nonce ? "nonce" : "tbs"));
        json_array_append_new(list, o);
    }
    const char *tls_login = zc_dir_cfg(r)->tls_login_url;
    json_t *out = json_pack("{s:o, s:o}", "providers", list, "tls_login_url",
                            tls_login ? json_string(tls_login) : json_null());
    if (region)
        json_object_set_new(out, "region", json_string(region));
    return zc_respond_json(r, HTTP_OK, zc_json_dump(r->pool, out));
}
