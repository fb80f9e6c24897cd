# Idle expiry (a virtual host with ZcyCASessionIdle 3) and absolute expiry.
use strict;
use warnings FATAL => 'all';
use utf8;
use Apache::Test qw(-withtestmore);
use FindBin ();
use lib "$FindBin::Bin/lib";
use ZcTest;

plan tests => 9, need_module('zcyca');

my $reg = make_region(uniq('idle'), 1, 'pa');
my $cert = issue_cert(uniq('idle'), ca => 'pa', key => 'ec');
my $acct = make_account(uniq('idle'), region => $reg);
bind_cert($acct, 'pa', $cert);

my $r = login_tls($cert, url => idle_url('/ca/login'));
is($r->{code}, 200, 'login on the short-idle host');
my $cookie = "zcyca_session=$r->{cookies}{zcyca_session}{value}";
# Activity within the idle time keeps the session alive past one idle period.
for my $i (1 .. 2) {
    sleep 2;
    $r = req('GET', idle_url('/app/index.html'), cookie => $cookie, accept => 'application/json');
    is($r->{code}, 200, "request $i within the idle time keeps the session");
}
$r = req('GET', idle_url('/ca/session'), cookie => $cookie);
like($r->{json}{idle_expires_at} // '', qr/Z$/, 'session info shows the idle expiry');
sleep 5;
$r = req('GET', idle_url('/app/index.html'), cookie => $cookie, accept => 'application/json');
is($r->{code}, 401, 'after the idle time without requests the session is gone');
is($r->{json}{error}{code}, 'LOGIN_REQUIRED', '... LOGIN_REQUIRED');

# Absolute expiry: the row's expires_at decides, however active the user is.
$r = login_tls($cert);
is($r->{code}, 200, 'login on the main host');
$cookie = "zcyca_session=$r->{cookies}{zcyca_session}{value}";
db()->do("UPDATE zcyca.sessions SET expires_at = now() - interval '1 second'
          WHERE encode(token_hash, 'hex') = ?", undef, Digest::SHA::sha256_hex($r->{cookies}{zcyca_session}{value}));
sleep 3; # a node trusts its cached copy for ZcyCASessionCacheTTL (2 s in the tests)
$r = req('GET', tls_url('/app/index.html'), cookie => $cookie, accept => 'application/json');
is($r->{code}, 401, 'past ZcyCASessionMax the session is refused');
is($r->{json}{error}{code}, 'LOGIN_REQUIRED', '... LOGIN_REQUIRED');
