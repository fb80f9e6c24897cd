# ZcyCAThrottle 3 4 (its own virtual host): failed logins per client address
# and per key, 429 THROTTLED with Retry-After, released after the window, a
# success resets the key's count; password logins too.  Different client
# addresses come from 127.0.0.x source addresses (all loopback).
use strict;
use warnings FATAL => 'all';
use utf8;
use Apache::Test qw(-withtestmore);
use FindBin ();
use lib "$FindBin::Bin/lib";
use ZcTest;

plan tests => 12, need_module('zcyca');

my $reg = make_region(uniq('thr'), 1, 'pa', 'pb');
my $url = throttle_url('/ca/login');
my $base = 20 + ($$ % 200);   # a fresh set of source addresses for each run
my $n = 0;
sub from { '127.0.' . $base . '.' . (++$n) }
sub tls { my ($cert, %o) = @_; login_tls($cert, url => $url, origin => 'https://127.0.0.1:' . ($url =~ /:(\d+)\//)[0], %o) }

# --- per client address ---------------------------------------------------------
my $ip = from();
my $ok = issue_cert(uniq('thr-ok'), ca => 'pa', key => 'ec');
bind_cert(make_account(uniq('thr-ok'), region => $reg), 'pa', $ok);
for my $i (1 .. 3) {
    my $stranger = issue_cert(uniq("thr-x$i"), ca => 'pa', key => 'ec');
    is(code_of(tls($stranger, from => $ip)), '401 NOT_BOUND', "failure $i from one address");
}
my $r = tls($ok, from => $ip);
is(code_of($r), '429 THROTTLED', 'the 4th attempt from that address → 429 THROTTLED, even with a good key');
my ($wait) = @{ $r->{headers}{'retry-after'} // [0] };
ok($wait >= 1 && $wait <= 4, "... with Retry-After ($wait s)");
is(tls($ok, from => from())->{code}, 200, 'another address is not affected');
my ($aud) = db()->selectrow_array("SELECT count(*) FROM zcyca.audit WHERE code = 'THROTTLED'");
cmp_ok($aud, '>=', 1, 'THROTTLED is audited');
sleep $wait + 1;
is(tls($ok, from => $ip)->{code}, 200, 'after the window the address may try again');

# --- per key ---------------------------------------------------------------------------
my $k = issue_cert(uniq('thr-key'), ca => 'pa', key => 'ec');
bind_cert(make_account(uniq('thr-key'), region => $reg), 'pa', $k);
tls($k, provider => 'pb', from => from()) for 1 .. 3;   # PROVIDER_MISMATCH, each from a new address
is(code_of(tls($k, from => from())), '429 THROTTLED', 'three failures with one key from three addresses → THROTTLED for the key');
sleep 5;
tls($k, provider => 'pb', from => from()) for 1 .. 2;
is(tls($k, from => from())->{code}, 200, 'two failures, then a success');
tls($k, provider => 'pb', from => from()) for 1 .. 2;
is(tls($k, from => from())->{code}, 200, '... which reset the key\'s count: two more failures do not block it');

# --- password logins ---------------------------------------------------------------------
my $acct = make_account(uniq('thr-pw'), region => $reg);
my $login = login_of($acct);
add_user($login, 'right');
my $pw = sub { req('POST', throttle_url('/ca/password-login'), json => { login => $login, password => $_[0] },
                   origin => 'https://127.0.0.1:' . ($url =~ /:(\d+)\//)[0], from => from()) };
$pw->('wrong') for 1 .. 3;
is(code_of($pw->('right')), '429 THROTTLED', 'three wrong passwords for one login → THROTTLED, even with the right one');
