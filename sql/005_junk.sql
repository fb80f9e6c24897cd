-- 005: bounded growth under anonymous junk (issue 13, finding 7).
--
-- A refusal before any account or proven key is known (bad JSON, a wrong
-- Origin, an unknown provider, a throttled address, ...) is junk anyone can
-- send.  It is counted here, one row per hour (UTC), event and code, and only
-- the first ZcyCAAuditSample of each such bucket also get a full zcyca.audit
-- row (marked anonymous).  The events and codes are the module's own, so the
-- number of buckets per hour is fixed whatever is sent.  Rows older than the
-- ZcyCAAuditSample retention (default 180 days) are deleted a few at a time
-- by the statement that counts (AUDIT_JUNK in mod_zcyca/sql.def).
CREATE TABLE zcyca.audit_summary (
    hour     timestamptz NOT NULL,   -- start of the hour, UTC
    event    text        NOT NULL,   -- login, password_login, challenge, bind, ...
    code     text        NOT NULL,   -- the error code
    count    bigint      NOT NULL,   -- refusals in this hour, sampled ones included
    first_at timestamptz NOT NULL,
    last_at  timestamptz NOT NULL,
    last_ip  text,                   -- client address of the latest one
    PRIMARY KEY (hour, event, code)
) WITH (fillfactor = 50);   -- room on the page for HOT updates of the counts

-- The full rows written for a sample of anonymous refusals.  Rows of real
-- accounts, proven keys and actors keep false.  (A constant default: no
-- table rewrite.)
ALTER TABLE zcyca.audit ADD COLUMN anonymous boolean NOT NULL DEFAULT false;

-- Throttle rows: each row carries the time after which it may go (the end
-- of the window it was last counted in, plus an hour), so that counts with
-- different windows (ZcyCAThrottle per virtual host, ZcyCAChallengeLimit)
-- never delete each other's live rows.  Rows from before this migration get
-- the longest window ZcyCAThrottle allows (a day).
ALTER TABLE zcyca.throttle ADD COLUMN purge_after timestamptz;
UPDATE zcyca.throttle SET purge_after = window_start + interval '1 day 1 hour';
ALTER TABLE zcyca.throttle ALTER COLUMN purge_after SET DEFAULT now() + interval '1 day 1 hour',
                           ALTER COLUMN purge_after SET NOT NULL;
DROP INDEX zcyca.throttle_window_idx;
CREATE INDEX throttle_purge_idx ON zcyca.throttle (purge_after);
-- Counts are updated in place (HOT: purge_after changes once per window, the
-- key never): leave room on each page for the new versions.
ALTER TABLE zcyca.throttle SET (fillfactor = 50);

INSERT INTO zcyca.schema_version (version, description)
    VALUES (5, 'junk: audit_summary, audit.anonymous, throttle.purge_after');
