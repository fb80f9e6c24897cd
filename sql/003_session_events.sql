-- Session events.  Every session that ends, however it ends (logout on any
-- node, replacement at login, the cascade from an unbind, an admin force-
-- unbind, an account disabled or deleted, a purge of expired rows), is a
-- NOTIFY on channel zcyca_session_gone with the base64 of its token hash.
-- Each httpd child LISTENs and drops that session from its node's cache at
-- once, so a per-node cache (shmcb) stays as fresh as a shared one.
CREATE FUNCTION zcyca.session_gone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('zcyca_session_gone', encode(OLD.token_hash, 'base64'));
    RETURN NULL;
END $$;

CREATE TRIGGER sessions_gone AFTER DELETE ON zcyca.sessions
    FOR EACH ROW EXECUTE FUNCTION zcyca.session_gone();

-- Ending an account's sessions (DESIGN §6: "deleted ... when the account is
-- disabled").  SECURITY DEFINER, so the platform's role needs only EXECUTE on
-- it, not DELETE on zcyca.sessions.  A platform that replaced zcyca.accounts
-- by a view over its own user table (docs/install.md) calls
--   SELECT zcyca.end_account_sessions(id)
-- when it disables or deletes a user, or from a trigger on its own table.
CREATE FUNCTION zcyca.end_account_sessions(account bigint) RETURNS bigint
    LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    WITH gone AS (DELETE FROM zcyca.sessions WHERE account_id = account RETURNING 1)
    SELECT count(*) FROM gone
$$;

CREATE FUNCTION zcyca.account_ended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM zcyca.end_account_sessions(OLD.id);
    RETURN NULL;
END $$;

-- Only where zcyca.accounts is still our table: a view has no row triggers.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = 'zcyca' AND c.relname = 'accounts' AND c.relkind IN ('r', 'p')) THEN
        CREATE TRIGGER accounts_disabled AFTER UPDATE OF status ON zcyca.accounts
            FOR EACH ROW WHEN (NEW.status IS DISTINCT FROM 'active' AND OLD.status = 'active')
            EXECUTE FUNCTION zcyca.account_ended();
        CREATE TRIGGER accounts_deleted AFTER DELETE ON zcyca.accounts
            FOR EACH ROW EXECUTE FUNCTION zcyca.account_ended();
    END IF;
END $$;

INSERT INTO zcyca.schema_version (version, description) VALUES (3, 'session events; sessions end with their account');
