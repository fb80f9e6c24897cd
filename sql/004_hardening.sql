-- 004: findings of the security review (issue 13).
--
-- zcyca.end_account_sessions() runs as its owner (SECURITY DEFINER) so that a
-- trigger on the platform's account table can end sessions.  PostgreSQL grants
-- EXECUTE on new functions to PUBLIC: any role of the database could end any
-- account's sessions.  Only the owner keeps it; grant it to the platform's
-- role by hand where a view replaces zcyca.accounts (docs/install.md).
REVOKE EXECUTE ON FUNCTION zcyca.end_account_sessions(bigint) FROM PUBLIC;

-- Throttle rows whose window passed long ago are deleted a few at a time by
-- every count (THROTTLE_COUNT in mod_zcyca/sql.def); this index finds them.
CREATE INDEX throttle_window_idx ON zcyca.throttle (window_start);

INSERT INTO zcyca.schema_version (version, description) VALUES (4, 'hardening: function grants, throttle purge');
