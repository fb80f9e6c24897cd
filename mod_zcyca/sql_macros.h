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

/* One more in the window of (scope, key) of zcyca.throttle, for a window of
 * w seconds: a new window when the old one has passed.  Returns the count
 * ("failures") and the seconds left in the window ("wait").  cond is a
 * WHERE on the inserted row ("" for none): no row, no count.  purge_after
 * keeps the row an hour past the end of the latest window it counts in
 * (sql/005); within one window it does not change, so the update of the
 * count stays a HOT update (no new index entries, no bloat under a flood).
 * s and k are typed SQL expressions. */
#define ZC_THROTTLE_LIVE(w) "t.window_start > now() - make_interval(secs => " w ")"
#define ZC_THROTTLE_UPSERT(s, k, w, cond)                                                               \
    "INSERT INTO zcyca.throttle AS t (scope, key, window_start, failures, purge_after)"                 \
    " SELECT " s ", " k ", now(), 1, now() + make_interval(secs => " w ") + interval '1 hour'" cond     \
    " ON CONFLICT (scope, key) DO UPDATE SET"                                                           \
    " failures = CASE WHEN " ZC_THROTTLE_LIVE(w) " THEN t.failures + 1 ELSE 1 END,"                    \
    " window_start = CASE WHEN " ZC_THROTTLE_LIVE(w) " THEN t.window_start ELSE now() END,"            \
    " purge_after = greatest(t.purge_after, CASE WHEN " ZC_THROTTLE_LIVE(w) " THEN t.window_start"     \
    " ELSE now() END + make_interval(secs => " w ") + interval '1 hour')"                              \
    " RETURNING failures, greatest(ceil(extract(epoch from window_start + make_interval(secs => " w     \
    ") - now())), 1)::bigint AS wait"

/* Delete up to 8 throttle rows that are past their purge_after, except the
 * row (s, k) this statement counts (it resets that one itself).  SKIP
 * LOCKED: parallel counts each take other rows instead of queueing on the
 * same ones, so the purge keeps up with any number of them. */
#define ZC_THROTTLE_PURGE(s, k)                                                                         \
    "DELETE FROM zcyca.throttle WHERE (scope, key) IN (SELECT scope, key FROM zcyca.throttle"          \
    " WHERE purge_after < now() AND NOT (scope = " s " AND key = " k ")"                               \
    " ORDER BY purge_after LIMIT 8 FOR UPDATE SKIP LOCKED)"

#endif
