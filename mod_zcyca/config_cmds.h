/* Directive setters shared between config_cmds.c (the command table) and
 * config_provider.c (provider and revocation directives). */
#ifndef ZC_CONFIG_CMDS_H
#define ZC_CONFIG_CMDS_H

#include "mod_zcyca.h"

/* "<Directive> <arg>: <why> (example: <Directive> <example>)" */
const char *zc_cmd_fail(cmd_parms *cmd, const char *arg, const char *why, const char *example);
/* NULL, or the error for a directive used outside the main server config. */
const char *zc_cmd_global_only(cmd_parms *cmd);

const char *zc_cmd_provider(cmd_parms *cmd, void *dc, const char *id, const char *name);
const char *zc_cmd_provider_trust(cmd_parms *cmd, void *dc, const char *id, const char *path);
const char *zc_cmd_provider_key_id(cmd_parms *cmd, void *dc, const char *id, const char *mode);
const char *zc_cmd_provider_driver_url(cmd_parms *cmd, void *dc, const char *id, const char *url);
const char *zc_cmd_provider_driver(cmd_parms *cmd, void *dc, const char *id, const char *adapter,
                                   const char *url);
const char *zc_cmd_provider_algorithms(cmd_parms *cmd, void *dc, int argc, char *const argv[]);
const char *zc_cmd_provider_signed_data(cmd_parms *cmd, void *dc, const char *id, const char *what);
const char *zc_cmd_provider_policy(cmd_parms *cmd, void *dc, int argc, char *const argv[]);
const char *zc_cmd_provider_crl(cmd_parms *cmd, void *dc, const char *id, const char *path);
const char *zc_cmd_provider_revocation(cmd_parms *cmd, void *dc, int argc, char *const argv[]);
const char *zc_cmd_provider_ocsp(cmd_parms *cmd, void *dc, int argc, char *const argv[]);
const char *zc_cmd_crl_check_interval(cmd_parms *cmd, void *dc, const char *arg);

#endif
