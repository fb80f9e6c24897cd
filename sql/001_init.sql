-- 001_init.sql - mod_zcyca schema, version 1 (DESIGN.md §5).
-- Apply with scripts/migrate (psql --single-transaction): no BEGIN/COMMIT here, so the
-- whole file, including its schema_version row, commits or rolls back as one.

-- IF NOT EXISTS: an operator may pre-create the schema to choose its owner and grants.
CREATE SCHEMA IF NOT EXISTS zcyca;

-- One row per applied migration; scripts/migrate and /ca/admin status read max(version).
CREATE TABLE zcyca.schema_version (
    version     int         PRIMARY KEY,
    applied_at  timestamptz NOT NULL DEFAULT now(),
    description text        NOT NULL
);

-- Regions (区划): CA login and binding are offered only where ca_enabled, and only for
-- the providers the region accepts (互认).  Off by default: enabling is an admin decision.
CREATE TABLE zcyca.regions (
    code       text    PRIMARY KEY,
    name       text    NOT NULL,
    ca_enabled boolean NOT NULL DEFAULT false
);

-- provider_id is the ZcyCAProvider id from httpd config, not a row here: providers and
-- their trust anchors live in config, so there is nothing to reference.
CREATE TABLE zcyca.region_providers (
    region_code text NOT NULL REFERENCES zcyca.regions(code) ON DELETE CASCADE,
    provider_id text NOT NULL,
    PRIMARY KEY (region_code, provider_id)
);

-- Accounts belong to the platform.  Operators may DROP this table and put a view of the
-- same name and columns over their own user table, so NO foreign key anywhere points at
-- zcyca.accounts (account_id, bound_by, actor_id are plain bigints), and org_id /
-- region_code are not constrained either (org ids and region codes come from the platform).
CREATE TABLE zcyca.accounts (
    id           bigserial PRIMARY KEY,
    login        text    NOT NULL UNIQUE,
    display_name text    NOT NULL,
    org_id       bigint,
    region_code  text,
    is_org_admin boolean NOT NULL DEFAULT false,
    status       text    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled'))
);

-- One key binds to at most one account: UNIQUE(provider_id, key_id) settles concurrent
-- binds of the same key (the loser gets a unique violation -> KEY_BOUND_ELSEWHERE or 200),
-- while one account may hold several rows (several keys).  key_id is derived on the server
-- (ZcyCAProviderKeyId, default spki-sha256) so a renewed certificate on the same key keeps
-- its binding; the cert_* / dates describe the certificate last seen, for display.
CREATE TABLE zcyca.bindings (
    id          bigserial   PRIMARY KEY,
    account_id  bigint      NOT NULL,
    provider_id text        NOT NULL,
    key_id      text        NOT NULL,
    cert_sha256 text        NOT NULL,
    spki_sha256 text        NOT NULL,
    issuer_dn   text        NOT NULL,
    serial      text        NOT NULL,
    subject_dn  text        NOT NULL,
    entity_id   text,
    not_before  timestamptz NOT NULL,
    not_after   timestamptz NOT NULL,
    bound_by    bigint,
    bound_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (provider_id, key_id)
);
-- "my bindings" / organisation lists and login-by-account look-ups
CREATE INDEX bindings_account_id_idx ON zcyca.bindings (account_id);

-- Only a hash of the cookie value is stored, so a leaked table cannot be replayed as cookies.
-- binding_id cascades: unbinding a key ends the sessions that were opened with it (§6).
-- provider_id / key_id / cert_not_after are copied in so the per-request session check
-- (and the ZCYCA_* variables) needs no join.
CREATE TABLE zcyca.sessions (
    token_hash     bytea       PRIMARY KEY,
    account_id     bigint      NOT NULL,
    method         text        NOT NULL CHECK (method IN ('ca', 'password')),
    binding_id     bigint      REFERENCES zcyca.bindings(id) ON DELETE CASCADE,
    provider_id    text,
    key_id         text,
    cert_not_after timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    last_seen_at   timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,
    ip             text,
    user_agent     text
);
-- delete on account disable / admin actions; the cascade from bindings; expiry sweeps
CREATE INDEX sessions_account_id_idx ON zcyca.sessions (account_id);
CREATE INDEX sessions_binding_id_idx ON zcyca.sessions (binding_id);
CREATE INDEX sessions_expires_at_idx ON zcyca.sessions (expires_at);

-- Challenges are consumed with one UPDATE ... WHERE consumed_at IS NULL ... RETURNING before
-- the signature is checked, so two racing requests cannot both use one.  Only the nonce's
-- hash is kept (the nonce is a bearer secret until consumed).  account_id is set for
-- purpose 'bind' (the target account).
CREATE TABLE zcyca.challenges (
    id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    nonce_hash      bytea       NOT NULL,
    purpose         text        NOT NULL CHECK (purpose IN ('login', 'bind')),
    provider_id     text        NOT NULL,
    presession_hash bytea       NOT NULL,
    account_id      bigint,
    origin          text        NOT NULL,
    issued_at       timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    consumed_at     timestamptz
);
-- partial: only open challenges of a pre-login cookie are ever looked up by it
CREATE INDEX challenges_presession_open_idx ON zcyca.challenges (presession_hash)
    WHERE consumed_at IS NULL;
CREATE INDEX challenges_expires_at_idx ON zcyca.challenges (expires_at);

-- Append-only trail of binds, unbinds, logins, logouts and admin changes (§6).  No foreign
-- keys: audit rows must outlive the accounts and bindings they mention.
CREATE TABLE zcyca.audit (
    id          bigserial   PRIMARY KEY,
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
    detail      text
);
-- admin audit queries: by time range, by account, by event type
CREATE INDEX audit_at_idx         ON zcyca.audit (at);
CREATE INDEX audit_account_id_idx ON zcyca.audit (account_id);
CREATE INDEX audit_event_idx      ON zcyca.audit (event);

-- Failed-login counters (THROTTLED), shared by all httpd nodes; scope is e.g. 'ip' or
-- 'key', key the address or key id.  Filled in by a later issue.
CREATE TABLE zcyca.throttle (
    scope        text        NOT NULL,
    key          text        NOT NULL,
    window_start timestamptz NOT NULL,
    failures     int         NOT NULL DEFAULT 0,
    PRIMARY KEY (scope, key)
);

INSERT INTO zcyca.schema_version (version, description) VALUES (1, 'initial schema');
