-- OCSP answers, shared by every child and every node: a good or revoked
-- answer is reused until the responder's nextUpdate (or the configured
-- maximum), so repeated logins do not ask the responder again.  "unknown"
-- and responder errors are never cached.
CREATE TABLE zcyca.ocsp_cache (
    cert_key     text        PRIMARY KEY,   -- provider id, issuer name hash and serial
    status       text        NOT NULL CHECK (status IN ('good', 'revoked')),
    this_update  timestamptz,
    next_update  timestamptz,
    cached_until timestamptz NOT NULL,
    fetched_at   timestamptz NOT NULL DEFAULT now()
);
-- Expired answers are purged by the module when it stores new ones.
CREATE INDEX ocsp_cache_cached_until ON zcyca.ocsp_cache (cached_until);

INSERT INTO zcyca.schema_version (version, description) VALUES (2, 'OCSP answer cache');
