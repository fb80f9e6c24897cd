# The admin endpoints (/ca/admin/..., zcyca-admin) behind httpd's own
# Basic auth + Require: search bindings, force unbind, regions on/off and
# their providers, audit query, status; the audit row of every call; CSRF;
# bad filters; 404/405.
use strict;
use warnings FATAL => 'all';
use utf8;
use Apache::Test qw(-withtestmore);
use FindBin ();
use lib "$FindBin::Bin/lib";
use ZcTest;
use MIME::Base64 ();

plan tests => 149, need_module('zcyca');

sub basic { 'Basic ' . MIME::Base64::encode_base64($_[0], '') }
my $ADMIN = basic('zcadmin:admin-pass');

# admin(METHOD, PATH, req options...): a call as zcadmin.
sub admin {
    my ($method, $path, %o) = @_;
    my %h = (Authorization => $ADMIN, %{ delete $o{headers} // {} });
    return req($method, tls_url("/ca/admin$path"), headers => \%h, %o);
}
# A change: JSON content type and our Origin, as the guard wants.
sub change {
    my ($method, $path, %o) = @_;
    $o{headers} = { 'Content-Type' => 'application/json', %{ $o{headers} // {} } } unless exists $o{json};
    return admin($method, $path, origin => 1, %o);
}
sub err_of { my $r = shift; $r->{json} && $r->{json}{error} ? $r->{json}{error}{code} : "(status $r->{code}: $r->{body})" }
sub status_err { my $r = shift; "$r->{code} " . err_of($r) }
# The newest audit row of an event whose detail matches a LIKE pattern.
sub audit_row {
    my ($event, $like) = @_;
    return db()->selectrow_hashref('SELECT * FROM zcyca.audit WHERE event = ? AND detail LIKE ? ORDER BY id DESC LIMIT 1',
                                   undef, $event, $like) // {};
}
sub ids { [ map { $_->{id} } @{ $_[0] } ] }
sub providers_of {
    join ',', @{ db()->selectcol_arrayref('SELECT provider_id FROM zcyca.region_providers WHERE region_code = ?
                                           ORDER BY provider_id', undef, $_[0]) };
}

# The admin user is also a platform account here, so its rows name it as the actor.
db()->do("INSERT INTO zcyca.accounts (login, display_name) VALUES ('zcadmin', '平台管理员') ON CONFLICT (login) DO NOTHING");
my ($admin_id) = db()->selectrow_array("SELECT id FROM zcyca.accounts WHERE login = 'zcadmin'");

# --- who may call: httpd decides -----------------------------------------------
my $r = req('GET', tls_url('/ca/admin/status'));
is($r->{code}, 401, 'no credentials → 401 from httpd');
like(($r->{headers}{'www-authenticate'} // [''])->[0], qr/^Basic realm="zcyca admin"/, '... with the Basic challenge');
$r = req('GET', tls_url('/ca/admin/status'), headers => { Authorization => basic('zcadmin:wrong') });
is($r->{code}, 401, 'wrong password → 401');
$r = req('GET', tls_url('/ca/admin/status?who=plain'), headers => { Authorization => basic('plain:plain-pass') });
# The test config sets AuthzSendForbiddenOnFailure On (httpd's default would be 401).
is($r->{code}, 403, 'a valid user that Require does not name is refused with 403');

# --- data ------------------------------------------------------------------------
ok(!audit_row('admin_query', '% by plain')->{id}, '... before the handler: nothing is audited for it');

my $R = make_region(uniq('adm'), 1, 'pa', 'pb');
my $alice = make_account(uniq('alice'), region => $R, name => '张三');
my $bob = make_account(uniq('bob'), region => $R);
my ($al, $bl) = (login_of($alice), login_of($bob));
my %c = map { $_ => issue_cert(uniq("adm-$_"), ca => $_ eq 'c3' ? 'pb' : 'pa', key => 'ec') } qw(c1 c2 c3 c4);
my %b = (c1 => bind_cert($alice, 'pa', $c{c1}), c2 => bind_cert($alice, 'pa', $c{c2}),
         c3 => bind_cert($alice, 'pb', $c{c3}), c4 => bind_cert($bob, 'pa', $c{c4}));
db()->do("UPDATE zcyca.bindings SET not_after = CASE WHEN id = ? THEN timestamptz '2030-01-01T00:00:00Z'
          ELSE timestamptz '2040-01-01T00:00:00Z' END WHERE account_id = ?", undef, $b{c2}, $alice);

# --- status ------------------------------------------------------------------------
$r = admin('GET', '/status');
is($r->{code}, 200, 'GET status → 200');
my $st = $r->{json} // {};
is($st->{database}, 'ok', 'database ok');
is($st->{schema_version}, $st->{expected_schema_version}, 'schema_version is the one this build expects');
cmp_ok($st->{expected_schema_version}, '>=', 2, 'expected_schema_version (2: with the OCSP cache)');
my ($nb) = db()->selectrow_array('SELECT count(*) FROM zcyca.bindings');
is($st->{bindings}, $nb, 'bindings = the rows in zcyca.bindings');
my ($ns) = db()->selectrow_array('SELECT count(*) FROM zcyca.sessions WHERE expires_at > now()');
is($st->{sessions}, $ns, 'sessions = the unexpired rows');
my ($nc) = db()->selectrow_array('SELECT count(*) FROM zcyca.challenges WHERE consumed_at IS NULL AND expires_at > now()');
is($st->{challenges_pending}, $nc, 'challenges_pending = the open unexpired challenges');
ok(defined $st->{logins_24h}{success} && $st->{logins_24h}{success} =~ /^\d+$/, 'logins_24h.success is a count');
ok(defined $st->{logins_24h}{failure} && $st->{logins_24h}{failure} =~ /^\d+$/, 'logins_24h.failure is a count');
is_deeply($r->{headers}{'cache-control'}, ['no-store'], 'admin answers are not cached');
my $au = audit_row('admin_query', 'GET status by zcadmin');
is($au->{outcome}, 'success', 'the status call wrote an admin_query audit row');
is($au->{actor_id}, $admin_id, '... whose actor is the account named like r->user');

# --- search bindings --------------------------------------------------------------
$r = admin('GET', "/bindings?account=$al");
is($r->{code}, 200, 'search by account → 200');
is_deeply(ids($r->{json}{bindings}), [ @b{qw(c1 c2 c3)} ], '... the three bindings of that account, by id');
my ($one) = grep { $_->{id} == $b{c1} } @{ $r->{json}{bindings} };
is($one->{account}{login}, $al, 'a binding names its account');
is($one->{account}{name}, '张三', '... with its display name');
is($one->{provider}{id}, 'pa', '... its provider');
is($one->{key_id}, spki_sha256($c{c1}), '... its key id');
like($one->{cert}{not_after} // '', qr/Z$/, '... and its certificate dates in RFC 3339');
ok(!defined $r->{json}{next}, 'one page: next is null');
$au = audit_row('admin_query', "GET bindings?account=$al by zcadmin");
is($au->{outcome}, 'success', 'the search wrote an audit row naming what was asked');

$r = admin('GET', "/bindings?account=$al&provider=pb");
is_deeply(ids($r->{json}{bindings}), [ $b{c3} ], 'provider narrows the search');
$r = admin('GET', '/bindings?key_id=' . spki_sha256($c{c4}));
is_deeply(ids($r->{json}{bindings}), [ $b{c4} ], 'key_id finds the one binding of a key');
is($r->{json}{bindings}[0]{account}{login}, $bl, '... on its account');
$r = admin('GET', "/bindings?account=$al&expires_before=2031-01-01");
is_deeply(ids($r->{json}{bindings}), [ $b{c2} ], 'expires_before (date) narrows the search');
$r = admin('GET', "/bindings?account=$al&expires_before=2029-12-31T23:59:59Z");
is_deeply(ids($r->{json}{bindings}), [], 'expires_before is strict (RFC 3339, Z)');
$r = admin('GET', "/bindings?account=$al&expires_before=2030-01-01T08:00:01%2B08:00");
is_deeply(ids($r->{json}{bindings}), [ $b{c2} ], 'expires_before honours the offset');
$r = admin('GET', '/bindings?account=' . uniq('nobody'));
is_deeply(ids($r->{json}{bindings}), [], 'an unknown account finds nothing');
$r = admin('GET', "/bindings?account=$al&key_id=&provider=");
is(scalar @{ $r->{json}{bindings} // [] }, 3, 'empty filter fields count as absent (HTML forms)');

# pagination
$r = admin('GET', "/bindings?account=$al&limit=2");
is_deeply(ids($r->{json}{bindings}), [ @b{qw(c1 c2)} ], 'limit=2 → the first two');
is($r->{json}{next}, $b{c2}, '... and next is the last id');
$r = admin('GET', "/bindings?account=$al&limit=2&after=$r->{json}{next}");
is_deeply(ids($r->{json}{bindings}), [ $b{c3} ], 'after=next → the rest');
ok(!defined $r->{json}{next}, '... and next is null');

# bad filters
for my $q ('limit=0', 'limit=101', 'limit=abc', 'after=-1', 'expires_before=2024-13-01', 'expires_before=2023-02-29',
           'expires_before=yesterday', 'expires_before=2024-01-01T00:00:00', 'provider=Bad%20Id', 'colour=red',
           'key_id=a%01b', 'account=' . ('x' x 300)) {
    $r = admin('GET', "/bindings?$q");
    is(status_err($r), '400 BAD_REQUEST', "bindings?" . substr($q, 0, 40) . ' → 400 BAD_REQUEST');
}
$au = audit_row('admin_query', 'GET bindings?colour=red%');
is("$au->{outcome} " . ($au->{code} // ''), 'failure BAD_REQUEST', 'a refused search is audited as a failure with its code');

# --- force unbind -------------------------------------------------------------------
$r = login_tls($c{c1});
is($r->{code}, 200, 'the key of binding c1 logs in');
my $cookie = 'zcyca_session=' . ($r->{cookies}{zcyca_session}{value} // '');
is(req('GET', tls_url('/ca/session'), cookie => $cookie)->{code}, 200, '... and its session is live');
my ($serial1) = db()->selectrow_array('SELECT serial FROM zcyca.bindings WHERE id = ?', undef, $b{c1});

$r = admin('DELETE', "/bindings/$b{c1}", origin => 1);
is(status_err($r), '403 CSRF_REJECTED', 'DELETE without the JSON content type → CSRF_REJECTED');
$r = admin('DELETE', "/bindings/$b{c1}", headers => { 'Content-Type' => 'application/json' });
is(status_err($r), '403 CSRF_REJECTED', 'DELETE without Origin → CSRF_REJECTED');
$r = change('DELETE', "/bindings/$b{c1}", origin => 'https://evil.example');
is(status_err($r), '403 CSRF_REJECTED', 'DELETE with a foreign Origin → CSRF_REJECTED');
my ($still) = db()->selectrow_array('SELECT count(*) FROM zcyca.bindings WHERE id = ?', undef, $b{c1});
is($still, 1, '... and the binding is still there');

$r = change('DELETE', "/bindings/$b{c1}");
is($r->{code}, 204, 'force unbind → 204');
my ($gone) = db()->selectrow_array('SELECT count(*) FROM zcyca.bindings WHERE id = ?', undef, $b{c1});
is($gone, 0, 'the binding is gone');
my ($sess) = db()->selectrow_array('SELECT count(*) FROM zcyca.sessions WHERE binding_id = ?', undef, $b{c1});
is($sess, 0, 'the sessions made with it are gone');
is(req('GET', tls_url('/ca/session'), cookie => $cookie)->{code}, 401, 'the cookie of that login now gets 401');
$au = audit_row('force_unbind', "force unbind of binding $b{c1} %by zcadmin");
is($au->{outcome}, 'success', 'force unbind is audited');
is($au->{account_id}, $alice, '... with the account');
is($au->{provider_id}, 'pa', '... the provider');
is($au->{key_id}, spki_sha256($c{c1}), '... the key id');
is($au->{cert_serial}, $serial1, '... and the certificate serial');
is($au->{actor_id}, $admin_id, '... by the admin');

$r = change('DELETE', "/bindings/$b{c1}");
is(status_err($r), '404 NOT_FOUND', 'force unbind of a binding that is gone → 404 NOT_FOUND');
$r = change('DELETE', '/bindings/abc');
is(status_err($r), '404 NOT_FOUND', 'a binding id that is not a number → 404');
$au = audit_row('force_unbind', "force unbind of binding $b{c1} by zcadmin");
is("$au->{outcome} " . ($au->{code} // ''), 'failure NOT_FOUND', 'the failed unbind is audited too');

# --- regions -------------------------------------------------------------------------
$r = admin('GET', '/regions');
is($r->{code}, 200, 'GET regions → 200');
my ($reg) = grep { $_->{code} eq $R } @{ $r->{json}{regions} // [] };
my ($rname) = db()->selectrow_array('SELECT name FROM zcyca.regions WHERE code = ?', undef, $R);
utf8::decode($rname) unless utf8::is_utf8($rname);
is_deeply($reg, { code => $R, name => $rname, ca_enabled => JSON::PP::true(), providers => [ 'pa', 'pb' ] },
          'a region with its name, switch and providers');
ok(audit_row('admin_query', 'GET regions by zcadmin')->{id}, 'the list is audited');
$r = admin('GET', "/regions/$R");
is($r->{json}{code}, $R, 'GET regions/{code} → that region');
is(status_err(admin('GET', '/regions/' . uniq('none'))), '404 NOT_FOUND', 'GET of an unknown region → 404');

$r = admin('PUT', "/regions/$R", json => { ca_enabled => JSON::PP::false() });
is(status_err($r), '403 CSRF_REJECTED', 'PUT without Origin → CSRF_REJECTED');
$r = admin('PUT', "/regions/$R", body => '{"ca_enabled":false}', origin => 1, headers => { 'Content-Type' => 'text/plain' });
is(status_err($r), '403 CSRF_REJECTED', 'PUT as text/plain → CSRF_REJECTED');
my ($on) = db()->selectrow_array('SELECT ca_enabled FROM zcyca.regions WHERE code = ?', undef, $R);
ok($on, '... and the region is still on');

$r = change('PUT', "/regions/$R", json => { ca_enabled => JSON::PP::false() });
is($r->{code}, 200, 'region off → 200');
ok(defined $r->{json}{ca_enabled} && !$r->{json}{ca_enabled}, '... answers the region, now off');
is_deeply($r->{json}{providers}, [ 'pa', 'pb' ], '... with its providers unchanged');
($on) = db()->selectrow_array('SELECT ca_enabled FROM zcyca.regions WHERE code = ?', undef, $R);
ok(!$on, 'zcyca.regions says off');
$r = login_tls($c{c2});
is(status_err($r), '403 REGION_DISABLED', 'a login in that region → REGION_DISABLED');
$au = audit_row('admin_region', "region $R: ca_enabled true -> false; providers unchanged by zcadmin");
is($au->{outcome}, 'success', 'the switch is audited with the change');
is($au->{actor_id}, $admin_id, '... by the admin');

$r = change('PUT', "/regions/$R", json => { ca_enabled => JSON::PP::true(), providers => [ 'pc', 'pb', 'pc' ] });
is($r->{code}, 200, 'region on with providers pb, pc → 200');
is_deeply($r->{json}{providers}, [ 'pb', 'pc' ], '... the answer lists the new set');
is(providers_of($R), 'pb,pc', 'zcyca.region_providers holds exactly the new set');
$au = audit_row('admin_region', "region $R: ca_enabled false -> true; providers set to [pc,pb], removed pa, added pc by zcadmin");
is($au->{outcome}, 'success', 'the audit detail lists what was removed and added');
$r = login_tls($c{c2});
is(status_err($r), '403 PROVIDER_NOT_ACCEPTED', 'a login with provider pa there → PROVIDER_NOT_ACCEPTED');

$r = change('PUT', "/regions/$R", json => { ca_enabled => JSON::PP::true(), providers => [] });
is_deeply($r->{json}{providers}, [], 'an empty list removes every provider');
is(providers_of($R), '', '... in the database too');
$r = change('PUT', "/regions/$R", json => { ca_enabled => JSON::PP::true(), providers => [ 'pa' ] });
is(providers_of($R), 'pa', 'providers [pa] → exactly pa');
$r = login_tls($c{c2});
is($r->{code}, 200, 'and provider pa logs in there again');

$r = change('PUT', "/regions/$R", json => { ca_enabled => JSON::PP::true(), providers => [ 'pa', 'zz' ] });
is(status_err($r), '400 PROVIDER_UNKNOWN', 'a provider that is not configured → PROVIDER_UNKNOWN');
is(providers_of($R), 'pa', '... and nothing changed');
$r = change('PUT', '/regions/' . uniq('none'), json => { ca_enabled => JSON::PP::true() });
is(status_err($r), '404 NOT_FOUND', 'PUT of an unknown region → NOT_FOUND');
$r = change('PUT', '/regions/' . ('x' x 33), json => { ca_enabled => JSON::PP::true() });
is(status_err($r), '400 BAD_REQUEST', 'a region code of 33 characters → BAD_REQUEST');
$r = change('PUT', '/regions/a.b', json => { ca_enabled => JSON::PP::true() });
is(status_err($r), '400 BAD_REQUEST', 'a region code with a dot → BAD_REQUEST');
for my $body ('{"ca_enabled":"yes"}', '{}', '{"ca_enabled":true,"provider":["pa"]}', '{"ca_enabled":true,"providers":"pa"}',
              '{"ca_enabled":true,"providers":[1]}', '[true]', '{"ca_enabled":true') {
    $r = change('PUT', "/regions/$R", json => $body);
    is(status_err($r), '400 BAD_REQUEST', "PUT $body → BAD_REQUEST");
}
is(providers_of($R), 'pa', 'none of them changed anything');

# --- audit query ---------------------------------------------------------------------
my $aud = make_account(uniq('aud'));
my $audl = login_of($aud);
my @rows = (['2021-01-10T00:00:00Z', 'login', 'success', undef], ['2021-03-10T00:00:00Z', 'login', 'failure', 'CERT_EXPIRED'],
            ['2021-06-10T00:00:00Z', 'bind', 'success', undef], ['2021-09-10T00:00:00Z', 'login', 'failure', 'NOT_BOUND'],
            ['2021-12-10T00:00:00Z', 'unbind', 'success', undef]);
my @aid = map {
    db()->selectrow_array("INSERT INTO zcyca.audit (at, event, outcome, code, actor_id, account_id, provider_id, key_id,
                           cert_serial, ip, user_agent, detail) VALUES (?, ?, ?, ?, ?, ?, 'pa', 'k1', '0A', '192.0.2.1', 'ua', 'seed')
                           RETURNING id", undef, @$_, $aud, $aud)
} @rows;

$r = admin('GET', "/audit?account=$audl");
is($r->{code}, 200, 'GET audit → 200');
is_deeply(ids($r->{json}{audit}), [ reverse @aid ], 'an account\'s rows, newest first');
my $row = $r->{json}{audit}[0] // {};
is_deeply([ sort keys %$row ], [ sort qw(id at event outcome code actor account provider key_id cert_serial ip user_agent detail anonymous) ],
          'a row has every field');
is_deeply([ @$row{qw(at event outcome actor account provider key_id cert_serial ip user_agent detail)} ],
          [ '2021-12-10T00:00:00Z', 'unbind', 'success', $audl, $audl, 'pa', 'k1', '0A', '192.0.2.1', 'ua', 'seed' ],
          '... with its values (at in RFC 3339, actor and account as logins)');
is_deeply(ids(admin('GET', "/audit?account=$audl&event=login")->{json}{audit}), [ @aid[3, 1, 0] ], 'event narrows');
is_deeply(ids(admin('GET', "/audit?account=$audl&outcome=failure")->{json}{audit}), [ @aid[3, 1] ], 'outcome narrows');
is_deeply(ids(admin('GET', "/audit?account=$audl&code=NOT_BOUND")->{json}{audit}), [ $aid[3] ], 'code narrows');
is_deeply(ids(admin('GET', "/audit?account=$audl&since=2021-03-10&until=2021-09-10")->{json}{audit}), [ @aid[2, 1] ],
          'since (inclusive) and until (exclusive) narrow');
is_deeply(ids(admin('GET', "/audit?account=$audl&since=2021-06-10T08:00:00%2B08:00")->{json}{audit}), [ @aid[4, 3, 2] ],
          'since honours the offset');
$r = admin('GET', "/audit?account=$audl&limit=2");
is_deeply(ids($r->{json}{audit}), [ @aid[4, 3] ], 'limit=2 → the newest two');
is($r->{json}{next}, $aid[3], '... next is the last id');
$r = admin('GET', "/audit?account=$audl&limit=2&after=$r->{json}{next}");
is_deeply(ids($r->{json}{audit}), [ @aid[2, 1] ], 'after=next continues below it');
$r = admin('GET', "/audit?account=$audl&limit=2&after=$r->{json}{next}");
is_deeply(ids($r->{json}{audit}), [ $aid[0] ], 'the last page');
ok(!defined $r->{json}{next}, '... with next null');
ok(audit_row('admin_query', "GET audit?account=$audl&limit=2&after=% by zcadmin")->{id}, 'audit queries are audited too');

$r = admin('GET', "/audit?event=force_unbind&account=$al");
is(scalar @{ $r->{json}{audit} // [] }, 1, 'the force unbind shows in the audit query');
is($r->{json}{audit}[0]{actor}, 'zcadmin', '... with the admin as actor');
is($r->{json}{audit}[0]{key_id}, spki_sha256($c{c1}), '... and the key id');

for my $q ('outcome=maybe', 'code=NOPE', 'since=2024-02-30', 'until=2024-01-01T25:00:00Z', 'event=a%20b', 'limit=x', 'who=me') {
    is(status_err(admin('GET', "/audit?$q")), '400 BAD_REQUEST', "audit?$q → 400 BAD_REQUEST");
}

# --- status again: the logins above count ---------------------------------------------
$r = admin('GET', '/status');
cmp_ok($r->{json}{logins_24h}{success}, '>=', $st->{logins_24h}{success} + 2, 'logins_24h.success counts the logins above');
cmp_ok($r->{json}{logins_24h}{failure}, '>=', $st->{logins_24h}{failure} + 2, 'logins_24h.failure counts the refusals above');
is($r->{json}{bindings}, $st->{bindings} - 1, 'bindings counts the force unbind');
is(status_err(admin('GET', '/status?verbose=1')), '400 BAD_REQUEST', 'status takes no parameters');

# --- routing ---------------------------------------------------------------------------
is(status_err(admin('GET', '/nope')), '404 NOT_FOUND', 'unknown sub-path → 404 NOT_FOUND');
is(status_err(admin('GET', '')), '404 NOT_FOUND', 'the bare admin prefix → 404');
is(status_err(admin('GET', '/bindings/1/x')), '404 NOT_FOUND', 'too many segments → 404');
is(status_err(admin('GET', '/bindings/')), '404 NOT_FOUND', 'an empty id → 404');
ok(audit_row('admin_query', 'GET nope: no such admin endpoint by zcadmin')->{id}, 'an unknown sub-path is audited');
$r = change('POST', '/status', json => {});
is($r->{code}, 405, 'POST status → 405');
like(join(',', @{ $r->{headers}{allow} // [] }), qr/\bGET\b/, '... Allow lists GET');
$r = change('PUT', '/bindings', json => {});
is($r->{code}, 405, 'PUT bindings → 405');
$r = change('DELETE', "/regions/$R");
is($r->{code}, 405, 'DELETE regions/{code} → 405');
like(join(',', @{ $r->{headers}{allow} // [] }), qr/\bPUT\b/, '... Allow lists PUT');
($on) = db()->selectrow_array('SELECT ca_enabled FROM zcyca.regions WHERE code = ?', undef, $R);
ok($on, '... and the region is untouched');

# --- database down: status says so with 503 ---------------------------------------------
db()->disconnect;
my $pg = "$ENV{ZCYCA_TOP}/scripts/lib/pg.sh";
system('bash', '-c', ". '$pg' && zc_pg_stop '$ENV{ZCYCA_PG_DIR}'") == 0 or die "cannot stop PostgreSQL";
my $down = eval { admin('GET', '/status') } // { code => 0, body => $@ };
system('bash', '-c', ". '$pg' && zc_pg_resume '$ENV{ZCYCA_PG_DIR}'") == 0 or die "cannot start PostgreSQL";
is(status_err($down), '503 SERVICE_UNAVAILABLE', 'status with PostgreSQL stopped → 503 SERVICE_UNAVAILABLE');
is(admin('GET', '/status')->{code}, 200, 'and 200 again once it is back');
