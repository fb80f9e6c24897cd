# Revocation by CRL, without restarts: a revoked key stops logging in (TLS,
# challenge, bind) within the check interval; a CRL that fails to load keeps
# the old one; a stale CRL is 503 unless soft-fail; SM2 CRLs with the GM/T ID.
# The CAs of the chain below its top are checked too (the root's CRL speaks
# for the issuing CA); partitioned CRLs (IssuingDistributionPoint) and base +
# delta CRLs are read together, not newest-file-wins.
use strict;
use warnings FATAL => 'all';
use utf8;
use Apache::Test qw(-withtestmore);
use FindBin ();
use lib "$FindBin::Bin/lib";
use ZcTest;
use POSIX ();

plan tests => 32, need_module('zcyca');

my $top = "$FindBin::Bin/..";
sub crl { system("$top/scripts/mkpki", 'crl', pki(), '--ca', @_) == 0 or die "mkpki crl @_\n" }
sub revoke { system("$top/scripts/mkpki", 'revoke', pki(), @_) == 0 or die "mkpki revoke @_\n" }
sub settle { sleep 2 } # ZcyCACRLCheckInterval 1, plus a margin
sub error_log { do { local $/; open my $l, '<', Apache::Test::config()->{vars}{t_logs} . '/error_log'; <$l> } // '' }
sub hour_ago { POSIX::strftime('%Y%m%d%H%M%SZ', gmtime(time - 3600)) }

my $reg = make_region(uniq('crl'), 1, qw(pv pw px pt pd pi));
my $a = issue_cert(uniq('crl-a'), ca => 'pa', key => 'ec');
my $b = issue_cert(uniq('crl-b'), ca => 'pa', key => 'ec');
my $s = issue_cert(uniq('crl-sm2'), ca => 'ps');
my $acct = make_account(uniq('crl'), region => $reg);
bind_cert($acct, 'pv', $a);
bind_cert(make_account(uniq('crl-b'), region => $reg), 'pv', $b);
bind_cert(make_account(uniq('crl-bw'), region => $reg), 'pw', $b);
bind_cert(make_account(uniq('crl-s'), region => $reg), 'px', $s);
my $crldir = pki() . '/crl';

is(login_tls($a, provider => 'pv')->{code}, 200, 'a key listed in no CRL logs in');

# Revoke A and replace the CRL file: refused within the interval, no restart.
revoke($a, '--ca', 'pa');
crl('pa', '--out', "$crldir/pa/inter.crl");
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
my $crlfile = "$crldir/pa/inter.crl";
open my $fh, '>', "$crldir/pa/.inter.crl.tmp" or die;
print $fh "-----BEGIN X509 CRL-----\nbm90IGEgQ1JM\n-----END X509 CRL-----\n";
close $fh;
rename "$crldir/pa/.inter.crl.tmp", $crlfile or die;
settle();
is(code_of(login_tls($a, provider => 'pv')), '401 CERT_REVOKED', 'a CRL that fails to parse keeps the old one in force');
is(login_tls($b, provider => 'pv')->{code}, 200, '... for good keys too');
like(error_log(), qr/ZCYCA1501: provider pv: the changed CRL/, '... and the error log says why');

# A stale CRL (past nextUpdate): 503 under hard-fail, passes under soft-fail.
crl('pa', '--out', $crlfile, '--seconds', 1);
sleep 3;
my $r = login_tls($b, provider => 'pv');
is(code_of($r), '503 CERT_STATUS_UNKNOWN', 'a stale CRL → 503 CERT_STATUS_UNKNOWN (hard-fail)');
is(login_tls($b, provider => 'pw')->{code}, 200, '... and soft-fail lets the login through');

# SM2: a CRL signed SM2-with-SM3 with the GM/T ID.
is(login_challenge($s, provider => 'px', alg => 'sm2')->{code}, 200, 'SM2 key under an SM2 CRL logs in');
revoke($s, '--ca', 'ps');
crl('ps', '--out', "$crldir/ps/inter.crl");
settle();
is(code_of(login_challenge($s, provider => 'px', alg => 'sm2')), '401 CERT_REVOKED',
   'revoked in an SM2 CRL signed with the GM/T ID → CERT_REVOKED');

crl('pa', '--out', $crlfile);
settle();
is(login_tls($b, provider => 'pv')->{code}, 200, 'a fresh CRL again: good keys log in');

# The issuing CA is checked too, in the root's CRL: without it, unknown.
rename "$crldir/pa/root.crl", "$crldir/pa/.root.crl.off" or die;
settle();
is(code_of(login_tls($b, provider => 'pv')), '503 CERT_STATUS_UNKNOWN',
   'no CRL from the root for the issuing CA → 503 CERT_STATUS_UNKNOWN (hard-fail)');
like(error_log(), qr/CERT_STATUS_UNKNOWN .*CA certificate CN=ZCYCA Provider A Issuing CA.*no CRL from CN=ZCYCA Provider A Root CA/,
     '... and the log names the CA certificate and the missing CRL');
is(login_tls($b, provider => 'pw')->{code}, 200, '... soft-fail lets it through');
rename "$crldir/pa/.root.crl.off", "$crldir/pa/root.crl" or die;
settle();

# A revoked intermediate: pa-inter-rv (in pi's trust file, under pa-root; a
# fresh one each run, see t/TEST.PL) revoked in the root's CRL.
my $rv = issue_cert(uniq('crl-rv'), ca => 'pa-inter-rv', key => 'ec');
bind_cert(make_account(uniq('crl-rv'), region => $reg), 'pi', $rv);
is(login_tls($rv, provider => 'pi')->{code}, 200, 'a key under an intermediate the root has not revoked logs in');
revoke('pa-inter-rv', '--ca', 'pa-root');
crl('pa-root', '--out', "$crldir/pi/root.crl");
settle();
is(code_of(login_tls($rv, provider => 'pi')), '401 CERT_REVOKED',
   'the root revokes the intermediate: TLS login with a key under it → CERT_REVOKED');
is(code_of(login_challenge($rv, provider => 'pi')), '401 CERT_REVOKED', '... challenge login → CERT_REVOKED');

# Partitions: two CRLs of pa-inter, each with an IssuingDistributionPoint.
# Partition 2's is the newer file; the revoked key is listed only in
# partition 1's.
my ($p1, $p2) = ('http://crl.example.cn/pa/p1.crl', 'http://crl.example.cn/pa/p2.crl');
my $p1r = issue_cert(uniq('crl-p1r'), ca => 'pa', key => 'ec', crldp => $p1);
my $p1g = issue_cert(uniq('crl-p1g'), ca => 'pa', key => 'ec', crldp => $p1);
my $p2g = issue_cert(uniq('crl-p2g'), ca => 'pa', key => 'ec', crldp => $p2);
my $nodp = issue_cert(uniq('crl-nodp'), ca => 'pa', key => 'ec');
bind_cert(make_account(uniq($_), region => $reg), 'pt', $_) for $p1r, $p1g, $p2g, $nodp;
crl('pa', '--out', "$crldir/pt/p2.crl", '--idp', "fullname:URI:$p2");
revoke($p1r, '--ca', 'pa');
crl('pa', '--out', "$crldir/pt/p1.crl", '--idp', "fullname:URI:$p1", '--lastupdate', hour_ago());
settle();
is(code_of(login_tls($p1r, provider => 'pt')), '401 CERT_REVOKED',
   'a serial listed only in the older partition → CERT_REVOKED');
is(code_of(login_challenge($p1r, provider => 'pt')), '401 CERT_REVOKED', '... also by signed challenge');
is(login_tls($p1g, provider => 'pt')->{code}, 200, '... the partition\'s good keys log in');
is(login_tls($p2g, provider => 'pt')->{code}, 200, '... and those of the other partition');
is(code_of(login_tls($nodp, provider => 'pt')), '503 CERT_STATUS_UNKNOWN',
   'a key in no partition (no CRLDistributionPoints) → CERT_STATUS_UNKNOWN');

# Base + delta: the delta is the newer file, made before D was revoked; the
# base (older thisUpdate) lists D.
my $dx = issue_cert(uniq('crl-dx'), ca => 'pa', key => 'ec');
my $dg = issue_cert(uniq('crl-dg'), ca => 'pa', key => 'ec');
bind_cert(make_account(uniq($_), region => $reg), 'pd', $_) for $dx, $dg;
my $n = 50000 + 2 * ($$ % 1000);
crl('pa', '--out', "$crldir/pd/delta.crl", '--number', $n + 1, '--delta-of', $n);
revoke($dx, '--ca', 'pa');
crl('pa', '--out', "$crldir/pd/base.crl", '--number', $n, '--lastupdate', hour_ago());
settle();
is(code_of(login_tls($dx, provider => 'pd')), '401 CERT_REVOKED',
   'listed in the base CRL, not in its newer delta → CERT_REVOKED');
is(login_tls($dg, provider => 'pd')->{code}, 200, '... other keys log in with base + delta');
unlink "$crldir/pd/base.crl";
settle();
is(code_of(login_tls($dg, provider => 'pd')), '503 CERT_STATUS_UNKNOWN', 'a delta CRL without its base → CERT_STATUS_UNKNOWN');

# The admin status shows each provider's CRL as the answering child has it.
my $st = req('GET', tls_url('/ca/admin/status'),
             headers => { Authorization => 'Basic ' . MIME::Base64::encode_base64('zcadmin:admin-pass', '') });
my %pv = map { $_->{id} => $_ } @{ $st->{json}{providers} // [] };
is($pv{pv}{crl}{count}, 2, 'admin status: provider pv has two CRLs (issuing CA and root)');
like($pv{pv}{crl}{next_update} // '', qr/Z$/, '... with its nextUpdate');
is($pv{pw}{crl}{on_unknown}, 'soft-fail', '... pw is soft-fail');
ok(exists $pv{pa}{crl} && !defined $pv{pa}{crl}, '... pa has no CRL');
