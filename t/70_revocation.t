# Revocation by CRL, without restarts: a revoked key stops logging in (TLS,
# challenge, bind) within the check interval; a CRL that fails to load keeps
# the old one; a stale CRL is 503 unless soft-fail; SM2 CRLs with the GM/T ID.
use strict;
use warnings FATAL => 'all';
use utf8;
use Apache::Test qw(-withtestmore);
use FindBin ();
use lib "$FindBin::Bin/lib";
use ZcTest;

plan tests => 18, need_module('zcyca');

my $top = "$FindBin::Bin/..";
sub crl { system("$top/scripts/mkpki", 'crl', pki(), '--ca', @_) == 0 or die "mkpki crl @_\n" }
sub revoke { system("$top/scripts/mkpki", 'revoke', pki(), @_) == 0 or die "mkpki revoke @_\n" }
sub settle { sleep 2 } # ZcyCACRLCheckInterval 1, plus a margin

my $reg = make_region(uniq('crl'), 1, qw(pv pw px));
my $a = issue_cert(uniq('crl-a'), ca => 'pa', key => 'ec');
my $b = issue_cert(uniq('crl-b'), ca => 'pa', key => 'ec');
my $s = issue_cert(uniq('crl-sm2'), ca => 'ps');
my $acct = make_account(uniq('crl'), region => $reg);
bind_cert($acct, 'pv', $a);
bind_cert(make_account(uniq('crl-b'), region => $reg), 'pv', $b);
bind_cert(make_account(uniq('crl-bw'), region => $reg), 'pw', $b);
bind_cert(make_account(uniq('crl-s'), region => $reg), 'px', $s);

is(login_tls($a, provider => 'pv')->{code}, 200, 'a key listed in no CRL logs in');

# Revoke A and replace the CRL file: refused within the interval, no restart.
revoke($a, '--ca', 'pa');
crl('pa', '--out', pki() . '/crl/pa.crl');
settle();
is(code_of(login_tls($a, provider => 'pv')), '401 CERT_REVOKED', 'after the CRL is replaced: TLS login → CERT_REVOKED');
is(code_of(login_challenge($a, provider => 'pv')), '401 CERT_REVOKED', '... challenge login → CERT_REVOKED');
add_user(login_of($acct), 'pw-crl');
my $sess = password_login(login_of($acct), 'pw-crl')->{cookie};
is(code_of(bind_key($sess, login_of($acct), $a, provider => 'pv', tls => 1)), '401 CERT_REVOKED',
   '... and binding it → CERT_REVOKED');
is(login_tls($b, provider => 'pv')->{code}, 200, 'another key of the same CA still logs in');
my ($aud) = db()->selectrow_array("SELECT count(*) FROM zcyca.audit WHERE code = 'CERT_REVOKED'");
cmp_ok($aud, '>=', 2, 'refusals are audited with CERT_REVOKED');

# A broken CRL file: the previous list stays in force.
my $crlfile = pki() . '/crl/pa.crl';
open my $fh, '>', "$crlfile.tmp" or die;
print $fh "-----BEGIN X509 CRL-----\nbm90IGEgQ1JM\n-----END X509 CRL-----\n";
close $fh;
rename "$crlfile.tmp", $crlfile or die;
settle();
is(code_of(login_tls($a, provider => 'pv')), '401 CERT_REVOKED', 'a CRL that fails to parse keeps the old one in force');
is(login_tls($b, provider => 'pv')->{code}, 200, '... for good keys too');
my $log = do { local $/; open my $l, '<', Apache::Test::config()->{vars}{t_logs} . '/error_log'; <$l> } // '';
like($log, qr/ZCYCA1501: provider pv: the changed CRL/, '... and the error log says why');

# A stale CRL (past nextUpdate): 503 under hard-fail, passes under soft-fail.
crl('pa', '--out', $crlfile, '--seconds', 1);
sleep 3;
my $r = login_tls($b, provider => 'pv');
is(code_of($r), '503 CERT_STATUS_UNKNOWN', 'a stale CRL → 503 CERT_STATUS_UNKNOWN (hard-fail)');
is(login_tls($b, provider => 'pw')->{code}, 200, '... and soft-fail lets the login through');

# SM2: a CRL signed SM2-with-SM3 with the GM/T ID.
is(login_challenge($s, provider => 'px', alg => 'sm2')->{code}, 200, 'SM2 key under an SM2 CRL logs in');
revoke($s, '--ca', 'ps');
crl('ps', '--out', pki() . '/crl/ps.crl');
settle();
is(code_of(login_challenge($s, provider => 'px', alg => 'sm2')), '401 CERT_REVOKED',
   'revoked in an SM2 CRL signed with the GM/T ID → CERT_REVOKED');

crl('pa', '--out', $crlfile);
settle();
is(login_tls($b, provider => 'pv')->{code}, 200, 'a fresh CRL again: good keys log in');

# The admin status shows each provider's CRL as the answering child has it.
my $st = req('GET', tls_url('/ca/admin/status'),
             headers => { Authorization => 'Basic ' . MIME::Base64::encode_base64('zcadmin:admin-pass', '') });
my %pv = map { $_->{id} => $_ } @{ $st->{json}{providers} // [] };
is($pv{pv}{crl}{count}, 1, 'admin status: provider pv has one CRL');
like($pv{pv}{crl}{next_update} // '', qr/Z$/, '... with its nextUpdate');
is($pv{pw}{crl}{on_unknown}, 'soft-fail', '... pw is soft-fail');
ok(exists $pv{pa}{crl} && !defined $pv{pa}{crl}, '... pa has no CRL');
