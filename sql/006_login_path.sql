-- 006: the login path in one statement (issue 15).
--
-- 1. zcyca.audit becomes a table partitioned by month (of "at", UTC), so that
--    years of logins stay cheap to write and old months go with one DROP:
--    zcyca.audit_pYYYYMM, plus zcyca.audit_default for rows outside every
--    month made so far (none, while housekeeping runs).  The index on event
--    goes: admin searches page by id and narrow by time, and a six-valued
--    column never made a useful index, only one more to write per login.
--    The index on "at" becomes a BRIN index: rows arrive in time order, so
--    a summary per block range finds a time range as well as a btree did,
--    at almost no cost per insert.  zcyca.sessions loses its index on
--    expires_at: the session look-up goes by token hash, and the sweep
--    (below) and the admin status count scan the table instead, once a
--    minute, rather than every login and every expiry writing the index.
-- 2. zcyca.audit_partitions(keep_months) makes the partitions of this month
--    and the next two, and drops the months older than keep_months (0: keep
--    all).  zcyca.housekeeping(idle_seconds, keep_months, batch) runs it and
--    deletes expired sessions and challenges, batch rows each; one caller at
--    a time (an advisory lock), the others return at once.  httpd calls it
--    every ZcyCAHousekeeping seconds (docs/directives.md); cron can too.
--    Both run as their owner (SECURITY DEFINER): creating and dropping
--    partitions needs ownership of zcyca.audit, which the module's role
--    need not have.  Grant EXECUTE to that role where it is not the owner
--    (docs/install.md).

-- ---- 1. audit, partitioned ------------------------------------------------------------------
ALTER TABLE zcyca.audit RENAME TO audit_unpartitioned;
ALTER INDEX zcyca.audit_pkey RENAME TO audit_unpartitioned_pkey;
DROP INDEX zcyca.audit_at_idx, zcyca.audit_account_id_idx, zcyca.audit_event_idx;

CREATE TABLE zcyca.audit (
    id          bigint      NOT NULL DEFAULT nextval('zcyca.audit_id_seq'),
    at          timestamptz NOT NULL DEFAULT now(),
    event       text        NOT NULL,
    outcome     text        NOT NULL CHECK (outcome IN ('success', 'failure')),
    code        text,
    actor_id    bigint,
    account_id  bigint,
    provider_id text,
    key_id      text,
    cert_serial text,
    ip          text,
    user_agent  text,
    detail      text,
    anonymous   boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (id, at)
) PARTITION BY RANGE (at);
ALTER SEQUENCE zcyca.audit_id_seq OWNED BY zcyca.audit.id;
CREATE INDEX audit_at_idx         ON zcyca.audit USING brin (at);
CREATE INDEX audit_account_id_idx ON zcyca.audit (account_id);
CREATE TABLE zcyca.audit_default PARTITION OF zcyca.audit DEFAULT;

-- The partition of the month that starts at m (UTC), unless it exists.
CREATE FUNCTION zcyca.audit_partition_make(m timestamptz) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    name text := 'audit_p' || to_char(m AT TIME ZONE 'UTC', 'YYYYMM');
BEGIN
    IF to_regclass('zcyca.' || name) IS NOT NULL THEN
        RETURN false;
    END IF;
    EXECUTE format('CREATE TABLE zcyca.%I PARTITION OF zcyca.audit FOR VALUES FROM (%L) TO (%L)',
                   name, m, m + interval '1 month');
    RETURN true;
END $$;

CREATE FUNCTION zcyca.audit_partitions(keep_months integer, OUT made integer, OUT dropped integer)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    this_month timestamptz := date_trunc('month', now(), 'UTC');
    p record;
BEGIN
    made := 0;
    dropped := 0;
    FOR i IN 0 .. 2 LOOP
        BEGIN
            IF zcyca.audit_partition_make(this_month + make_interval(months => i)) THEN
                made := made + 1;
            END IF;
        EXCEPTION WHEN check_violation OR invalid_object_definition THEN
            -- rows of that month already sit in audit_default (housekeeping was off): they stay there
            RAISE WARNING 'zcyca: audit partition for % not made: %', this_month + make_interval(months => i), SQLERRM;
        END;
    END LOOP;
    IF keep_months > 0 THEN
        FOR p IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                  WHERE i.inhparent = 'zcyca.audit'::regclass AND c.relname ~ '^audit_p[0-9]{6}$'
                    AND to_timestamp(substr(c.relname, 8), 'YYYYMM')::timestamp AT TIME ZONE 'UTC'
                        + interval '1 month' <= this_month - make_interval(months => keep_months)
        LOOP
            EXECUTE format('DROP TABLE zcyca.%I', p.relname);
            dropped := dropped + 1;
        END LOOP;
    END IF;
END $$;

-- Every month that holds rows and the next two, then the rows.
DO $$
DECLARE
    m timestamptz;
BEGIN
    FOR m IN SELECT DISTINCT date_trunc('month', at, 'UTC') FROM zcyca.audit_unpartitioned LOOP
        PERFORM zcyca.audit_partition_make(m);
    END LOOP;
    PERFORM zcyca.audit_partitions(0);
END $$;
INSERT INTO zcyca.audit SELECT id, at, event, outcome, code, actor_id, account_id, provider_id, key_id, cert_serial,
                               ip, user_agent, detail, anonymous FROM zcyca.audit_unpartitioned;
DROP TABLE zcyca.audit_unpartitioned;

-- The success row of a CA login, written by the login statement (LOGIN_CA
-- in mod_zcyca/sql.def).  A failed audit write must not fail the login
-- (docs/decisions.md): the error is caught here, in a subtransaction of its
-- own, and false comes back; httpd logs ZCYCA0401.  Runs with the caller's
-- rights, so the grants on zcyca.audit still decide.
CREATE FUNCTION zcyca.audit_login(account bigint, provider text, key text, serial text, ip text, agent text)
    RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO zcyca.audit (event, outcome, actor_id, account_id, provider_id, key_id, cert_serial, ip, user_agent)
    VALUES ('login', 'success', account, account, provider, key, serial, ip, agent);
    RETURN true;
EXCEPTION WHEN OTHERS THEN
    RAISE WARNING 'zcyca: the audit row of a login was not written: %', SQLERRM;
    RETURN false;
END $$;

DROP INDEX zcyca.sessions_expires_at_idx;

-- ---- 2. housekeeping ----------------------------------------------------------------------------
-- Sessions past their end or idle longer than idle_seconds (the longest
-- ZcyCASessionIdle of the node), challenges expired over an hour ago (a
-- late answer still reads as expired), then the audit months.  (No index
-- on last_seen_at: it would cost every session touch its HOT update; the
-- sweep's scan stops at batch rows.)  One row
-- back: what was done; none when another caller holds the lock.
CREATE FUNCTION zcyca.housekeeping(idle_seconds bigint, keep_months integer, batch integer,
                                   OUT sessions bigint, OUT challenges bigint, OUT made integer, OUT dropped integer)
    RETURNS SETOF record
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('zcyca.housekeeping')) THEN
        RETURN;
    END IF;
    WITH gone AS (DELETE FROM zcyca.sessions WHERE token_hash IN (SELECT token_hash FROM zcyca.sessions
                   WHERE expires_at <= now() OR last_seen_at <= now() - make_interval(secs => idle_seconds)
                   LIMIT batch FOR UPDATE SKIP LOCKED) RETURNING 1)
    SELECT count(*) INTO sessions FROM gone;
    WITH gone AS (DELETE FROM zcyca.challenges WHERE id IN (SELECT id FROM zcyca.challenges
                   WHERE expires_at < now() - interval '1 hour' LIMIT batch FOR UPDATE SKIP LOCKED) RETURNING 1)
    SELECT count(*) INTO challenges FROM gone;
    SELECT p.made, p.dropped INTO made, dropped FROM zcyca.audit_partitions(keep_months) p;
    RETURN NEXT;
END $$;

REVOKE EXECUTE ON FUNCTION zcyca.audit_partition_make(timestamptz) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION zcyca.audit_partitions(integer) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION zcyca.housekeeping(bigint, integer, integer) FROM PUBLIC;

INSERT INTO zcyca.schema_version (version, description)
    VALUES (6, 'audit partitioned by month; housekeeping() for sessions, challenges and audit months');
