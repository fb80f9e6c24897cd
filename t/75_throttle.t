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
use File::Temp ();
use POSIX ();

plan tests => 18, need_module('zcyca');

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
# The certificates first: issuing takes seconds on a busy machine, longer than the window.
my @strangers = map { issue_cert(uniq("thr-x$_"), ca => 'pa', key => 'ec') } 1 .. 3;
for my $i (1 .. 3) {
    is(code_of(tls($strangers[$i - 1], from => $ip)), '401 NOT_BOUND', "failure $i from one address");
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

# --- a victim's public certificate cannot lock the victim out (issue 13, finding 1) ---------
# Certificates are public (they sit in signed bid documents).  Bad signatures made "with" a
# victim's certificate prove nothing about the key, so they count against the sender's
# address only: the victim still logs in from anywhere else.
my $victim = issue_cert(uniq('thr-victim'), ca => 'pa', key => 'ec');
bind_cert(make_account(uniq('thr-victim'), region => $reg), 'pa', $victim);
my $evil = from();
my @forged;
for (1 .. 4) {
    my $c = challenge(url => throttle_url('/ca/challenge'));
    push @forged, code_of(req('POST', $url, origin => 1, cookie => $c->{pre}, from => $evil,
                              json => { provider => 'pa', challenge_id => $c->{json}{challenge_id},
                                        nonce => $c->{json}{nonce}, certificate => cert_text($victim),
                                        signature => 'MEUCIQDr' . ('A' x 60) }));
}
is_deeply(\@forged, [('401 SIGNATURE_INVALID') x 3, '429 THROTTLED'],
          'bad signatures with a victim\'s certificate: the sender\'s address is throttled');
is(tls($victim, from => from())->{code}, 200, '... and the victim still logs in with the key from another address');
my $c = challenge(url => throttle_url('/ca/challenge'));
is(req('POST', $url, origin => 1, cookie => $c->{pre}, from => from(),
       json => { provider => 'pa', challenge_id => $c->{json}{challenge_id}, nonce => $c->{json}{nonce},
                 certificate => cert_text($victim), signature => sign_text($victim, $c->{json}{tbs}) })->{code},
   200, '... also by signed challenge');

# --- counting is atomic: parallel failures get at most the limit (finding 2) ----------------
# A slow password check (bcrypt cost 12) holds every attempt open while the others start: a
# check made before counting would let all of them through.
my $slow = make_account(uniq('thr-slow'), region => $reg);
my $slow_l = login_of($slow);
my $htpasswd = Apache::Test::config()->{vars}{t_conf} . '/users.htpasswd';
system("htpasswd -bB -C 12 '$htpasswd' '$slow_l' right >/dev/null 2>&1") == 0 or die "htpasswd\n";
my @kids;
my $dir = File::Temp->newdir;
for my $i (1 .. 10) {
    my $src = from();
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        my $r = req('POST', throttle_url('/ca/password-login'), json => { login => $slow_l, password => "wrong$i" },
                    origin => 1, from => $src);
        open my $fh, '>', "$dir/$i" or die; print $fh code_of($r); close $fh;
        POSIX::_exit(0);
    }
    push @kids, $pid;
}
waitpid $_, 0 for @kids;
my %seen;
$seen{ do { local (@ARGV, $/) = ("$dir/$_"); <> } }++ for 1 .. 10;
is($seen{'401 PASSWORD_INVALID'} // 0, 3, '10 parallel wrong passwords for one login: exactly the limit (3) are tried')
    or diag explain \%seen;
is($seen{'429 THROTTLED'} // 0, 7, '... and the other 7 get THROTTLED');
my ($left) = db()->selectrow_array("SELECT failures FROM zcyca.throttle WHERE scope = 'key' AND key = ?", undef,
                                   "login:$slow_l");
cmp_ok($left, '>=', 3, '... the login\'s count holds the failures');

# --- password logins ---------------------------------------------------------------------
my $acct = make_account(uniq('thr-pw'), region => $reg);
my $login = login_of($acct);
add_user($login, 'right');
my $pw = sub { req('POST', throttle_url('/ca/password-login'), json => { login => $login, password => $_[0] },
                   origin => 'https://127.0.0.1:' . ($url =~ /:(\d+)\//)[0], from => from()) };
$pw->('wrong') for 1 .. 3;
is(code_of($pw->('right')), '429 THROTTLED', 'three wrong passwords for one login → THROTTLED, even with the right one');
