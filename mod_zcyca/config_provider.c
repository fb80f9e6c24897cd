/* Setters of the process-wide provider and revocation directives
 * (ZcyCAProvider*, ZcyCACRLCheckInterval); the command table stays in
 * config_cmds.c. */
#include "config_cmds.h"
#include "config.h"
#include "cert.h"
#include "crl.h"
#include "http_core.h"
#include "apr_strings.h"
#include "apr_file_io.h"

/* ---- providers --------------------------------------------------------- */

const char *zc_cmd_provider(cmd_parms *cmd, void *dc, const char *id, const char *name)
{
    zc_global_t *g = zc_srv_cfg(cmd->server)->g;
    const char *why, *err = zc_cmd_global_only(cmd);
    if (err)
        return err;
    if ((why = zc_parse_provider_id(cmd->pool, id)))
        return zc_cmd_fail(cmd, id, why, "jlca \"吉林安信CA\"");
    if (zc_provider_find(g, id))
        return zc_cmd_fail(cmd, id, "provider defined twice", "jlca \"吉林安信CA\"");
    if (!*name)
        return zc_cmd_fail(cmd, id, "empty display name", "jlca \"吉林安信CA\"");
    zc_provider_t *pv = apr_pcalloc(cmd->pool, sizeof *pv);
    pv->id = id;
    pv->name = name;
    pv->keyid_mode = ZC_KEYID_SPKI_SHA256;
    pv->algorithms = ZC_ALG_ALL;
    pv->defined_at = apr_psprintf(cmd->pool, "%s:%d", cmd->directive->filename, cmd->directive->line_num);
    pv->index = g->providers->nelts;
    APR_ARRAY_PUSH(g->providers, zc_provider_t *) = pv;
    return NULL;
}

/* The provider a ZcyCAProvider* directive names; it must be defined above. */
static zc_provider_t *zc_cmd_provider_arg(cmd_parms *cmd, const char *id, const char **err)
{
    *err = zc_cmd_global_only(cmd);
    if (*err)
        return NULL;
    zc_provider_t *pv = (zc_provider_t *)zc_provider_find(zc_srv_cfg(cmd->server)->g, id);
    if (!pv)
        *err = apr_psprintf(cmd->pool, "%s %s: no provider '%s' is defined above; add ZcyCAProvider %s \"Name\" first",
                            cmd->cmd->name, id, id, id);
    return pv;
}

const char *zc_cmd_provider_trust(cmd_parms *cmd, void *dc, const char *id, const char *path)
{
    const char *err, *why = NULL;
    zc_provider_t *pv = zc_cmd_provider_arg(cmd, id, &err);
    if (!pv)
        return err;
    const char *full = ap_server_root_relative(cmd->pool, path);
    if (!full)
        return zc_cmd_fail(cmd, path, "invalid path", "jlca /etc/zcyca/jlca-ca.pem");
    /* Loaded here, not in post_config, so that apachectl -t reports it. */
    zc_trust_t *t = zc_trust_load(cmd->pool, full, &why);
    if (!t)
        return apr_psprintf(cmd->pool, "%s %s %s: %s (give a readable PEM file or directory of the provider's CA certificates)",
                            cmd->cmd->name, id, full, why ? why : "no certificates");
    pv->trust = t;
    pv->trust_path = full;
    return NULL;
}

const char *zc_cmd_provider_key_id(cmd_parms *cmd, void *dc, const char *id, const char *mode)
{
    const char *err, *why;
    zc_provider_t *pv = zc_cmd_provider_arg(cmd, id, &err);
    if (!pv)
        return err;
    if ((why = zc_parse_keyid_mode(cmd->pool, mode, &pv->keyid_mode, &pv->keyid_oid)))
        return zc_cmd_fail(cmd, apr_pstrcat(cmd->pool, id, " ", mode, NULL), why, "jlca spki-sha256");
    return NULL;
}

const char *zc_cmd_provider_driver_url(cmd_parms *cmd, void *dc, const char *id, const char *url)
{
    const char *err, *why;
    zc_provider_t *pv = zc_cmd_provider_arg(cmd, id, &err);
    if (!pv)
        return err;
    if ((why = zc_parse_url(cmd->pool, url)))
        return zc_cmd_fail(cmd, apr_pstrcat(cmd->pool, id, " ", url, NULL), why, "jlca https://ca.example.cn/driver.exe");
    pv->driver_url = url;
    return NULL;
}

const char *zc_cmd_provider_driver(cmd_parms *cmd, void *dc, const char *id, const char *adapter,
                                   const char *url)
{
    const char *err, *why, *ex = "jlca sof-json http://127.0.0.1:18901";
    zc_provider_t *pv = zc_cmd_provider_arg(cmd, id, &err);
    if (!pv)
        return err;
    const char *all = apr_pstrcat(cmd->pool, id, " ", adapter, " ", url ? url : "", NULL);
    if (!url)
        return zc_cmd_fail(cmd, all, "takes a provider id, an adapter name and the local service URL", ex);
    if ((why = zc_parse_adapter_name(adapter)) || (why = zc_parse_local_url(cmd->pool, url)))
        return zc_cmd_fail(cmd, all, why, ex);
    pv->driver_adapter = adapter;
    pv->driver_endpoint = url;
    return NULL;
}

const char *zc_cmd_provider_algorithms(cmd_parms *cmd, void *dc, int argc, char *const argv[])
{
    const char *err, *why, *ex = "jlca sm2-sm3 rsa-sha256";
    if (argc < 2)
        return zc_cmd_fail(cmd, argc ? argv[0] : "", "takes a provider id and at least one algorithm", ex);
    zc_provider_t *pv = zc_cmd_provider_arg(cmd, argv[0], &err);
    if (!pv)
        return err;
    unsigned bits = 0, bit;
    for (int i = 1; i < argc; i++) {
        if ((why = zc_parse_algorithm(cmd->pool, argv[i], &bit)))
            return zc_cmd_fail(cmd, apr_pstrcat(cmd->pool, argv[0], " ", argv[i], NULL), why, ex);
        bits |= bit;
    }
    pv->algorithms = bits;
    return NULL;
}

const char *zc_cmd_provider_signed_data(cmd_parms *cmd, void *dc, const char *id, const char *what)
{
    const char *err;
    zc_provider_t *pv = zc_cmd_provider_arg(cmd, id, &err);
    if (!pv)
        return err;
    if (strcasecmp(what, "tbs") == 0)
        pv->signs_nonce = 0;
    else if (strcasecmp(what, "nonce") == 0)
        pv->signs_nonce = 1;
    else
        return zc_cmd_fail(cmd, apr_pstrcat(cmd->pool, id, " ", what, NULL), "must be tbs or nonce", "jlca tbs");
    return NULL;
}

const char *zc_cmd_provider_policy(cmd_parms *cmd, void *dc, int argc, char *const argv[])
{
    const char *err, *why, *ex = "jlca any 1.2.156.112562.2.1.1.1";
    if (argc < 3 || (strcasecmp(argv[1], "any") != 0 && strcasecmp(argv[1], "all") != 0))
        return zc_cmd_fail(cmd, argc ? argv[0] : "", "takes a provider id, any or all, and one or more policy OIDs", ex);
    zc_provider_t *pv = zc_cmd_provider_arg(cmd, argv[0], &err);
    if (!pv)
        return err;
    pv->policy_all = strcasecmp(argv[1], "all") == 0;
    pv->policies = apr_array_make(cmd->pool, argc - 2, sizeof(const char *));
    for (int i = 2; i < argc; i++) {
        if ((why = zc_parse_oid(argv[i])))
            return zc_cmd_fail(cmd, apr_pstrcat(cmd->pool, argv[0], " ", argv[1], " ", argv[i], NULL), why, ex);
        APR_ARRAY_PUSH(pv->policies, const char *) = argv[i];
    }
    return NULL;
}

const char *zc_cmd_provider_crl(cmd_parms *cmd, void *dc, const char *id, const char *path)
{
    const char *err, *why = NULL;
    zc_provider_t *pv = zc_cmd_provider_arg(cmd, id, &err);
    if (!pv)
        return err;
    if (!pv->trust)
        return apr_psprintf(cmd->pool, "%s %s: put ZcyCAProviderTrust %s before it (CRLs are checked against the "
                            "provider's CA certificates)", cmd->cmd->name, id, id);
    const char *full = ap_server_root_relative(cmd->pool, path);
    /* Loaded now, so apachectl -t reports a broken or forged CRL. */
    struct zc_crlset_t *set = full ? zc_crl_load(cmd->pool, full, pv->trust, &why) : NULL;
    if (!set)
        return apr_psprintf(cmd->pool, "%s %s %s: %s", cmd->cmd->name, id, path, why ? why : "invalid path");
    pv->crl_path = full;
    pv->crl = set;
    return NULL;
}

const char *zc_cmd_provider_revocation(cmd_parms *cmd, void *dc, int argc, char *const argv[])
{
    const char *err, *ex = "jlca ocsp crl soft-fail";
    if (argc < 2)
        return zc_cmd_fail(cmd, argc ? argv[0] : "", "takes a provider id, crl and/or ocsp in order, and "
                           "hard-fail or soft-fail", ex);
    zc_provider_t *pv = zc_cmd_provider_arg(cmd, argv[0], &err);
    if (!pv)
        return err;
    int n = 0;
    pv->revocation_order[0] = pv->revocation_order[1] = 0;
    for (int i = 1; i < argc; i++) {
        int m = strcasecmp(argv[i], "crl") == 0 ? ZC_REV_CRL : strcasecmp(argv[i], "ocsp") == 0 ? ZC_REV_OCSP : 0;
        if (m) {
            if (n == 2 || (n == 1 && pv->revocation_order[0] == m))
                return zc_cmd_fail(cmd, apr_pstrcat(cmd->pool, argv[0], " ", argv[i], NULL), "name each method once", ex);
            pv->revocation_order[n++] = m;
        }
        else if (strcasecmp(argv[i], "soft-fail") == 0)
            pv->revocation_soft = 1;
        else if (strcasecmp(argv[i], "hard-fail") == 0)
            pv->revocation_soft = 0;
        else
            return zc_cmd_fail(cmd, apr_pstrcat(cmd->pool, argv[0], " ", argv[i], NULL),
                               "the words are crl, ocsp, hard-fail and soft-fail", ex);
    }
    return NULL;
}

const char *zc_cmd_provider_ocsp(cmd_parms *cmd, void *dc, int argc, char *const argv[])
{
    const char *err, *why, *ex = "jlca http://ocsp.example.cn/ timeout=3 max-age=3600";
    if (argc < 2)
        return zc_cmd_fail(cmd, argc ? argv[0] : "", "takes a provider id and a responder URL or aia", ex);
    zc_provider_t *pv = zc_cmd_provider_arg(cmd, argv[0], &err);
    if (!pv)
        return err;
    if (strcasecmp(argv[1], "aia") != 0 && (strncasecmp(argv[1], "http://", 7) != 0 || zc_parse_url(cmd->pool, argv[1])))
        return zc_cmd_fail(cmd, apr_pstrcat(cmd->pool, argv[0], " ", argv[1], NULL),
                           "the responder is an http:// URL, or aia for the certificate's own", ex);
    pv->ocsp_url = strcasecmp(argv[1], "aia") == 0 ? "aia" : argv[1];
    pv->ocsp_timeout = 3;
    pv->ocsp_max_age = 3600;
    for (int i = 2; i < argc; i++) {
        long v;
        if (strncmp(argv[i], "timeout=", 8) == 0 && !(why = zc_parse_seconds(cmd->pool, argv[i] + 8, 1, 30, &v)))
            pv->ocsp_timeout = (int)v;
        else if (strncmp(argv[i], "max-age=", 8) == 0 && !(why = zc_parse_seconds(cmd->pool, argv[i] + 8, 0, 604800, &v)))
            pv->ocsp_max_age = v;
        else if (strncmp(argv[i], "responder=", 10) == 0) {
            const char *file = ap_server_root_relative(cmd->pool, argv[i] + 10);
            STACK_OF(X509) *sk = NULL;
            apr_file_t *f;
            apr_finfo_t fi;
            char *buf;
            apr_size_t got;
            zc_err_t e;
            if (!file || apr_file_open(&f, file, APR_FOPEN_READ, 0, cmd->temp_pool) != APR_SUCCESS
                || apr_file_info_get(&fi, APR_FINFO_SIZE, f) != APR_SUCCESS || fi.size > 65536
                || !(buf = apr_palloc(cmd->temp_pool, (apr_size_t)fi.size + 1))
                || apr_file_read_full(f, buf, (apr_size_t)fi.size, &got) != APR_SUCCESS
                || !(sk = zc_cert_parse_chain(cmd->pool, buf, got, &e)) || sk_X509_num(sk) != 1)
                return zc_cmd_fail(cmd, apr_pstrcat(cmd->pool, argv[0], " ", argv[i], NULL),
                                   "cannot read one PEM certificate from that file", ex);
            pv->ocsp_responder = sk_X509_value(sk, 0);
        }
        else
            return zc_cmd_fail(cmd, apr_pstrcat(cmd->pool, argv[0], " ", argv[i], NULL),
                               "options are timeout=<1..30 s>, max-age=<s> and responder=<certificate file>", ex);
    }
    return NULL;
}

const char *zc_cmd_crl_check_interval(cmd_parms *cmd, void *dc, const char *arg)
{
    const char *why, *err = zc_cmd_global_only(cmd);
    if (err)
        return err;
    if ((why = zc_parse_seconds(cmd->pool, arg, 1, 86400, &zc_srv_cfg(cmd->server)->g->crl_check_interval)))
        return zc_cmd_fail(cmd, arg, why, "60");
    return NULL;
}
