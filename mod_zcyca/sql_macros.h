/* Pieces shared by the statements of sql.def and sql_admin.def. */
#ifndef ZC_SQL_MACROS_H
#define ZC_SQL_MACROS_H

/* Times travel as microseconds since the epoch (apr_time_t): C never parses dates. */
#define ZC_US(col) "(extract(epoch from " col ") * 1000000)::bigint"
#define ZC_TS(n) "to_timestamp($" #n "::bigint / 1000000.0)"

/* A binding as the lists show it; zc_binding_from_row (binding.c) reads
 * these columns in this order. */
#define ZC_BINDING_SELECT                                                                              \
    "SELECT b.id, coalesce(a.login, ''), coalesce(a.display_name, a.login, ''), b.provider_id, b.key_id, b.subject_dn,"  \
    " b.issuer_dn, b.serial, " ZC_US("b.not_before") ", " ZC_US("b.not_after") ","                     \
    " coalesce(bb.login, ''), coalesce(bb.display_name, bb.login, ''), " ZC_US("b.bound_at") ","      \
    " b.account_id, coalesce(a.org_id, 0)"                                                             \
    " FROM zcyca.bindings b LEFT JOIN zcyca.accounts a ON a.id = b.account_id"                         \
    " LEFT JOIN zcyca.accounts bb ON bb.id = b.bound_by"

#endif
