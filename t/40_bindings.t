# Binding management: bind with proof of possession (challenge or TLS),
# the org-admin rule, 201/200/409 settled by the UNIQUE constraint, the list,
# unbind (and the sessions made with it), regions, CSRF, and password login.
use strict;
use warnings FATAL => 'all';
use utf8;
use Apache::Test qw(-withtestmore);
use FindBin ();
use lib "$FindBin::Bin/lib";
use ZcTest;
use JSON::PP ();

plan tests => 59, need_module('zcyca');

my $reg = make_region(uniq('bind'), 1, 'pa', 'pb');
my $off = make_region(uniq('bind-off'), 0, 'pa');
my $org = 100000 + ($$ % 100000);
my $me    = make_account(uniq('me'), region => $reg, org => $org);
my $col   = make_account(uniq('colleague'), region => $reg, org => $org, name => '同事');
my $boss  = make_account(uniq('boss'), region => $reg, org => $org, admin => 1);
my $alien = make_account(uniq('alien'), region => $reg, org => $org + 1);
my $offa  = make_account(uniq('offregion'), region => $off, org => $org);
my ($me_l, $col_l, $boss_l, $alien_l, $off_l) = map { login_of($_) } $me, $col, $boss, $alien, $offa;
add_user($_, "pw-$_") for $me_l, $col_l, $boss_l, $alien_l;

# --- password login through mod_authn_file -----------------------------------
my $r = password_login($me_l, "pw-$me_l");
is($r->{code}, 200, 'password login through authn_file');
is($r->{json}{method}, 'password', '... method password');
my $me_s = $r->{cookie};
$r = password_login($me_l, 'wrong');
is(code_of($r), '401 PASSWORD_INVALID', 'a wrong password → PASSWORD_INVALID');
$r = password_login(uniq('nobody'), 'x');
is(code_of($r), '401 PASSWORD_INVALID', 'an unknown login → PASSWORD_INVALID');
$r = password_login($me_l, "pw-$me_l", origin => undef);
is(code_of($r), '403 CSRF_REJECTED', 'password login without Origin → CSRF_REJECTED');
my ($pw_audit) = db()->selectrow_array(
    "SELECT count(*) FROM zcyca.audit WHERE event = 'password_login' AND code = 'PASSWORD_INVALID'");
cmp_ok($pw_audit, '>=', 2, 'failed password logins are audited');
my ($pw_acct) = db()->selectrow_array("SELECT account_id FROM zcyca.audit WHERE event = 'password_login' AND code = "
    . "'PASSWORD_INVALID' AND detail = ? ORDER BY id DESC LIMIT 1", undef, "password not accepted: $me_l");
is($pw_acct, $me, '... a wrong password for a real account with that account');
my ($pw_anon) = db()->selectrow_array("SELECT count(*) FROM zcyca.audit WHERE event = 'password_login' AND "
    . "account_id IS NOT NULL AND detail LIKE 'password not accepted: nobody%'");
is($pw_anon, 0, '... an unknown login with none');
my ($pw_plain) = db()->selectrow_array("SELECT count(*) FROM zcyca.audit WHERE detail LIKE ?", undef, "%pw-$me_l%");
is($pw_plain, 0, 'no password in the audit trail');
$r = req('GET', tls_url('/ca/session'), cookie => $me_s);
is($r->{json}{method}, 'password', 'the session says password');

# --- Require zcyca-method ca -----------------------------------------------------
$r = req('GET', tls_url('/app/ca-only/'), cookie => $me_s, accept => 'application/json');
is(code_of($r), '403 CA_LOGIN_REQUIRED', 'a password session in a CA-only area → 403 CA_LOGIN_REQUIRED');
$r = req('GET', tls_url('/app/ca-only/'), cookie => $me_s, accept => 'text/html');
like($r->{body}, qr/CA_LOGIN_REQUIRED/, '... and browsers get the page');
$r = req('GET', tls_url('/app/ca-only/'), accept => 'application/json');
is(code_of($r), '401 LOGIN_REQUIRED', 'no session in a CA-only area → 401 LOGIN_REQUIRED');

# --- bind: own account, two keys -----------------------------------------------------
my $k1 = issue_cert(uniq('k1'), ca => 'pa', key => 'ec');
my $k2 = issue_cert(uniq('k2'), ca => 'pb');
$r = bind_key($me_s, $me_l, $k1);
is($r->{code}, 201, 'a user binds a key to their own account') or diag code_of($r);
is($r->{json}{account}{login}, $me_l, '... the binding names the account');
is($r->{json}{provider}{name}, '吉林安信CA', '... and the provider by name');
is($r->{json}{key_id}, spki_sha256($k1), '... key id derived on the server');
like($r->{json}{cert}{not_after}, qr/Z$/, '... certificate expiry');
is($r->{json}{bound_by}{login}, $me_l, '... bound by the user');
my $b1 = $r->{json}{id};
$r = bind_key($me_s, $me_l, $k2, provider => 'pb');
is($r->{code}, 201, '... and a second key') or diag code_of($r);
$r = bind_key($me_s, $me_l, $k1);
is($r->{code}, 200, 'binding the same key to the same account again → 200');
is($r->{json}{id}, $b1, '... the existing binding');

# --- the list -------------------------------------------------------------------------
$r = req('GET', tls_url('/ca/bindings'), cookie => $me_s);
is($r->{code}, 200, 'GET /ca/bindings');
is(scalar @{ $r->{json}{bindings} }, 2, 'the user sees their two bindings');
$r = req('GET', tls_url('/ca/bindings?limit=1'), cookie => $me_s);
is(scalar @{ $r->{json}{bindings} }, 1, 'limit=1 gives one');
my $next = $r->{json}{next};
$r = req('GET', tls_url("/ca/bindings?limit=1&after=$next"), cookie => $me_s);
is(scalar @{ $r->{json}{bindings} }, 1, 'after=next gives the other');
isnt($r->{json}{bindings}[0]{id}, $next, '... a different one');
$r = req('GET', tls_url('/ca/bindings?limit=abc'), cookie => $me_s);
is(code_of($r), '400 BAD_REQUEST', 'a bad limit → BAD_REQUEST');
$r = req('GET', tls_url('/ca/bindings'), accept => 'application/json');
is(code_of($r), '401 LOGIN_REQUIRED', 'no session → 401');

# --- who may bind for whom ---------------------------------------------------------------
my $k3 = issue_cert(uniq('k3'), ca => 'pa', key => 'ec');
my $boss_s = password_login($boss_l, "pw-$boss_l")->{cookie};
$r = bind_key($boss_s, $col_l, $k3);
is($r->{code}, 201, "an org admin binds a key to a colleague's account") or diag code_of($r);
is($r->{json}{bound_by}{login}, $boss_l, '... bound_by is the admin');
$r = req('GET', tls_url('/ca/bindings'), cookie => $boss_s);
cmp_ok(scalar @{ $r->{json}{bindings} }, '>=', 3, 'the org admin sees the organisation\'s bindings');

# --- an org admin without an organisation sees only their own (issue 13, finding 8) ---------
my $lone = make_account(uniq('lone-admin'), region => $reg, org => 0, admin => 1);
my $org0 = make_account(uniq('org0-user'), region => $reg, org => 0);
bind_cert($org0, 'pa', issue_cert(uniq('k-org0'), ca => 'pa', key => 'ec'));
add_user(login_of($lone), 'pw-lone');
my $lone_s = password_login(login_of($lone), 'pw-lone')->{cookie};
$r = req('GET', tls_url('/ca/bindings'), cookie => $lone_s);
is_deeply($r->{json}{bindings}, [], 'an org admin with no organisation (org 0) sees no other account\'s bindings');
$r = req('GET', tls_url('/ca/bindings/accounts'), cookie => $lone_s);
is_deeply([map { $_->{login} } @{ $r->{json}{accounts} }], [login_of($lone)], '... and may bind only for themselves');

# --- GET /ca/bindings/accounts: whom the caller may bind keys for (the CA绑定 dialog's 姓名) ---
my $dis = make_account(uniq('disabled'), region => $reg, org => $org, status => 'disabled');
$r = req('GET', tls_url('/ca/bindings/accounts'), cookie => $boss_s);
is($r->{code}, 200, 'GET /ca/bindings/accounts');
my @acc = map { $_->{login} } @{ $r->{json}{accounts} };
is_deeply([sort @acc], [sort $me_l, $col_l, $boss_l, $off_l], "an org admin: the organisation's active accounts")
    or diag explain \@acc;
my ($colrow) = grep { $_->{login} eq $col_l } @{ $r->{json}{accounts} };
is_deeply([$colrow->{id}, $colrow->{name}, $colrow->{region}], [$col, '同事', $reg], '... each with id, name and region');
ok(exists $r->{json}{next} && !defined $r->{json}{next}, '... on one page (next null)');
$r = req('GET', tls_url('/ca/bindings/accounts?limit=2'), cookie => $boss_s);
my @page1 = map { $_->{login} } @{ $r->{json}{accounts} };
my $r2 = req('GET', tls_url("/ca/bindings/accounts?limit=2&after=$r->{json}{next}"), cookie => $boss_s);
is_deeply([sort @page1, map { $_->{login} } @{ $r2->{json}{accounts} }], [sort @acc], '... and in pages (limit, after)');
$r = req('GET', tls_url('/ca/bindings/accounts'), cookie => $me_s);
is_deeply([map { $_->{login} } @{ $r->{json}{accounts} }], [$me_l], 'a plain user: only their own account');
$r = req('GET', tls_url('/ca/bindings/accounts?limit=0'), cookie => $me_s);
is(code_of($r), '400 BAD_REQUEST', 'a bad limit → BAD_REQUEST');
$r = req('GET', tls_url('/ca/bindings/accounts'), accept => 'application/json');
is(code_of($r), '401 LOGIN_REQUIRED', 'no session → LOGIN_REQUIRED');
my $k4 = issue_cert(uniq('k4'), ca => 'pa', key => 'ec');
$r = bind_key($me_s, $col_l, $k4, challenge_account => $me_l);
is(code_of($r), '403 NOT_PERMITTED', "a plain user binding to a colleague's account → NOT_PERMITTED");
$r = bind_key($me_s, $me_l, $k3);
is(code_of($r), '409 KEY_BOUND_ELSEWHERE', 'a key bound to another account → 409');

# --- proofs ----------------------------------------------------------------------------------
$r = bind_key($me_s, $me_l, $k4, no_proof => 1);
is(code_of($r), '400 BAD_REQUEST', 'bind without a proof → BAD_REQUEST');
$r = bind_key($boss_s, $me_l, $k4, challenge_account => $col_l);
is(code_of($r), '401 CHALLENGE_INVALID', 'a proof made for another account → CHALLENGE_INVALID');
$r = bind_key($me_s, $me_l, $k4, purpose => 'login');
is(code_of($r), '401 CHALLENGE_INVALID', 'a login-purpose challenge → CHALLENGE_INVALID');
$r = bind_key($me_s, $me_l, $k4, tls => 1);
is($r->{code}, 201, 'the client certificate on the login host is a proof too') or diag code_of($r);

# --- regions ----------------------------------------------------------------------------------
my $k5 = issue_cert(uniq('k5'), ca => 'pa', key => 'ec');
$r = bind_key($boss_s, $off_l, $k5);
is(code_of($r), '403 REGION_DISABLED', 'binding in a region without CA service → REGION_DISABLED');
my $k6 = issue_cert(uniq('k6'), ca => 'pb');
db()->do('DELETE FROM zcyca.region_providers WHERE region_code = ? AND provider_id = ?', undef, $reg, 'pb');
$r = bind_key($me_s, $me_l, $k6, provider => 'pb');
is(code_of($r), '403 PROVIDER_NOT_ACCEPTED', 'a provider the region does not accept → PROVIDER_NOT_ACCEPTED');
make_region($reg, 1, 'pb');

# --- CSRF ------------------------------------------------------------------------------------------
$r = bind_key($me_s, $me_l, $k5, origin => undef);
is(code_of($r), '403 CSRF_REJECTED', 'POST without Origin → CSRF_REJECTED');
$r = bind_key($me_s, $me_l, $k5, origin => 'https://evil.example');
is(code_of($r), '403 CSRF_REJECTED', 'POST with a foreign Origin → CSRF_REJECTED');

# --- unbind -----------------------------------------------------------------------------------------
$r = login_tls($k1);
is($r->{code}, 200, 'CA login with the bound key');
my $ca_s = "zcyca_session=$r->{cookies}{zcyca_session}{value}";
$r = req('DELETE', tls_url("/ca/bindings/$b1"), cookie => $alien_l ? password_login($alien_l, "pw-$alien_l")->{cookie} : '',
         origin => 1, headers => { 'Content-Type' => 'application/json' });
is(code_of($r), '404 NOT_FOUND', 'a binding the caller may not see → 404');
$r = req('DELETE', tls_url("/ca/bindings/$b1"), cookie => $me_s, origin => 1, headers => { 'Content-Type' => 'application/json' });
is($r->{code}, 204, 'unbind → 204');
$r = login_tls($k1);
is(code_of($r), '401 NOT_BOUND', 'after unbind, CA login with that key → NOT_BOUND');
$r = req('GET', tls_url('/app/index.html'), cookie => $ca_s, accept => 'application/json');
is($r->{code}, 401, '... and the session made with it is gone');
my ($audits) = db()->selectrow_array(
    "SELECT count(*) FROM zcyca.audit WHERE event IN ('bind', 'unbind') AND outcome = 'success' AND actor_id = ?", undef, $me);
cmp_ok($audits, '>=', 3, 'binds and unbinds are audited with the actor');

# --- eight parallel binds of one key to eight accounts: exactly one 201 -------------------------------
my $k8 = issue_cert(uniq('k8'), ca => 'pa', key => 'ec');
my @targets = map { login_of(make_account(uniq("race$_"), region => $reg, org => $org)) } 1 .. 8;
my @bodies = map { [ $_, bind_key($boss_s, $_, $k8, body_only => 1) ] } @targets;
my $dir = File::Temp->newdir;
my @pids;
for my $i (0 .. 7) {
    my $pid = fork // die "fork: $!";
    unless ($pid) {
        my $res = req('POST', tls_url('/ca/bindings'), json => $bodies[$i][1]{body}, cookie => "$boss_s; $bodies[$i][1]{pre}",
                      origin => 1);
        open my $fh, '>', "$dir/$i" or exit 1;
        print $fh code_of($res);
        close $fh;
        exit 0;
    }
    push @pids, $pid;
}
waitpid($_, 0) for @pids;
my %codes;
for my $i (0 .. 7) { open my $fh, '<', "$dir/$i" or next; my $c = <$fh>; $codes{$c // 'none'}++ }
is_deeply(\%codes, { '201 (no code)' => 1, '409 KEY_BOUND_ELSEWHERE' => 7 }, 'eight parallel binds: exactly one 201')
    or diag explain \%codes;
