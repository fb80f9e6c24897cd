-- bench/scale-data.sql: a platform-sized zcyca database (issue 15), run by
-- bench/scale-data.  psql variables: accounts (1000000), audit (10000000),
-- sessions (100000), months (24: the audit rows spread over that many
-- months back, one partition each).  Everything it adds is marked: logins
-- 'scale-N', provider 'scale', audit event 'scale', so benches can tell it
-- from their own rows.  Runs in one transaction (psql -1).
\set ON_ERROR_STOP on
\timing on

-- regions: 300 (区划), every one on, each accepting the scale provider
INSERT INTO zcyca.regions (code, name, ca_enabled)
SELECT 'S' || lpad(g::text, 5, '0'), '规模区划 ' || g, true FROM generate_series(1, 300) g
ON CONFLICT DO NOTHING;
INSERT INTO zcyca.region_providers (region_code, provider_id)
SELECT 'S' || lpad(g::text, 5, '0'), 'scale' FROM generate_series(1, 300) g
ON CONFLICT DO NOTHING;

-- accounts: 1 in 50 disabled, organisations of 20
INSERT INTO zcyca.accounts (login, display_name, org_id, region_code, is_org_admin, status)
SELECT 'scale-' || g, '规模用户 ' || g, 100000 + g / 20, 'S' || lpad((1 + g % 300)::text, 5, '0'), g % 20 = 0,
       CASE WHEN g % 50 = 0 THEN 'disabled' ELSE 'active' END
FROM generate_series(1, :accounts) g;

-- one binding per account, key ids shaped as SPKI SHA-256 hex
INSERT INTO zcyca.bindings (account_id, provider_id, key_id, cert_sha256, spki_sha256, issuer_dn, serial, subject_dn,
                            not_before, not_after, bound_by)
SELECT a.id, 'scale', encode(sha256(('key ' || a.id)::bytea), 'hex'), encode(sha256(('cert ' || a.id)::bytea), 'hex'),
       encode(sha256(('key ' || a.id)::bytea), 'hex'), 'CN=规模 CA', to_hex(a.id), 'CN=' || a.login,
       now() - interval '300 days', now() + interval '65 days', a.id
FROM zcyca.accounts a WHERE a.login LIKE 'scale-%';

-- live sessions, opened over the last hour
INSERT INTO zcyca.sessions (token_hash, account_id, method, binding_id, provider_id, key_id, cert_not_after,
                            created_at, last_seen_at, expires_at, ip, user_agent)
SELECT sha256(('session ' || g)::bytea), b.account_id, 'ca', b.id, 'scale', b.key_id, b.not_after,
       now() - (g % 3600) * interval '1 second', now() - (g % 600) * interval '1 second',
       now() + interval '7 hours', '10.0.' || (g % 250) || '.' || (g % 200), 'scale-data'
FROM generate_series(1, :sessions) g
JOIN zcyca.bindings b ON b.key_id = encode(sha256(('key ' || (SELECT min(id) FROM zcyca.accounts WHERE login LIKE 'scale-%') + g % :accounts)::bytea), 'hex')
 AND b.provider_id = 'scale';

-- the audit months, then the rows spread evenly over them (logins, a few failures, binds)
SELECT zcyca.audit_partition_make(date_trunc('month', now(), 'UTC') - make_interval(months => m))
FROM generate_series(0, :months - 1) m;
INSERT INTO zcyca.audit (at, event, outcome, code, actor_id, account_id, provider_id, key_id, cert_serial, ip,
                         user_agent, detail)
SELECT now() - (g::float8 / :audit) * make_interval(days => :months * 30) + interval '1 minute',
       CASE WHEN g % 40 = 0 THEN 'bind' ELSE 'login' END,
       CASE WHEN g % 17 = 0 THEN 'failure' ELSE 'success' END,
       CASE WHEN g % 17 = 0 THEN 'NOT_BOUND' END,
       g % :accounts + 1, g % :accounts + 1, 'scale', encode(sha256(('key ' || g % :accounts)::bytea), 'hex'),
       to_hex(g % :accounts), '10.1.' || (g % 250) || '.' || (g % 200), 'scale-data', NULL
FROM generate_series(1, :audit) g;
