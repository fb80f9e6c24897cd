# OCSP against a real responder (OpenSSL's, behind t/lib/ZcOcsp.pm on 127.0.0.1):
# good logs in, revoked and unknown are refused, answers are cached so
# repeated logins ask the responder nothing more (counted in its log), and a
# responder that is down is 503 under hard-fail and passes under soft-fail.
# The issuing CA is asked about too (the responder also answers for the
# root), and the issuer of each request is the one of the verified chain,
# never a look-alike the client sends.
use strict;
use warnings FATAL => 'all';
use utf8;
use Apache::Test qw(-withtestmore);
use FindBin ();
use lib "$FindBin::Bin/lib";
use ZcTest;
use ZcOcsp ();
use File::Copy ();
use IO::Socket::INET ();
use POSIX ();

plan tests => 17, need_module('zcyca');

my $top = "$FindBin::Bin/..";
my $pki = pki();
my $port = $ENV{ZCYCA_OCSP_PORT} or die "ZCYCA_OCSP_PORT is not set\n";
my $reg = make_region(uniq('ocsp'), 1, qw(po pf pg));
sub bound {
    my ($name, @providers) = @_;
    my $c = issue_cert(uniq($name), ca => 'pa', key => 'ec');
    bind_cert(make_account(uniq($name), region => $reg), $_, $c) for @providers;
    return $c;
}

my $good = bound('ocsp-good', 'po', 'pf', 'pg');
my $rev = bound('ocsp-rev', 'po', 'pg');
system("$top/scripts/mkpki", 'revoke', $pki, $rev, '--ca', 'pa') == 0 or die 'revoke';
# The responder answers from a copy of the CA's index taken now: keys issued
# later are "unknown" to it.
my $dir = File::Temp->newdir;
File::Copy::copy("$pki/ca-pa-inter/index.txt", "$dir/index.txt") or die "copy index: $!";
my $unknown = bound('ocsp-unknown', 'po');
my $late = bound('ocsp-late', 'po', 'pf');

File::Copy::copy("$pki/ca-pa-inter/index.txt.attr", "$dir/index.txt.attr") or die "copy index attr: $!";
my $pid = ZcOcsp::start(port => $port, dir => "$dir",
                        cas => [{ index => "$dir/index.txt", ca => "$pki/pa-inter.crt", key => "$pki/pa-inter.key" },
                                { index => "$pki/ca-pa-root/index.txt", ca => "$pki/pa-root.crt",
                                  key => "$pki/pa-root.key" }]);
END { kill 'TERM', $pid if $pid }
sub log_lines {
    open my $fh, '<', "$dir/responder.log" or return ();
    return grep { /request/ } <$fh>;
}
sub requests { scalar(my @l = log_lines()) }

my $r = login_tls($good, provider => 'po');
is($r->{code}, 200, 'OCSP good → the login goes on') or diag code_of($r);
my $asked = requests();
is($asked, 2, '... after one request for the key and one for its issuing CA');
is(login_tls($good, provider => 'po')->{code}, 200, 'again');
is(login_challenge($good, provider => 'po')->{code}, 200, 'and by signed challenge');
is(requests(), $asked, 'repeated logins use the cached answer: no new responder request');
my ($cached) = db()->selectrow_array("SELECT status FROM zcyca.ocsp_cache WHERE cert_key LIKE 'po:%' AND status = 'good'");
is($cached, 'good', 'the answer sits in zcyca.ocsp_cache, shared by children and nodes');

is(code_of(login_tls($rev, provider => 'po')), '401 CERT_REVOKED', 'OCSP revoked → CERT_REVOKED');
is(code_of(login_tls($unknown, provider => 'po')), '503 CERT_STATUS_UNKNOWN', 'OCSP unknown is not good → CERT_STATUS_UNKNOWN');
is(code_of(login_tls($unknown, provider => 'po')), '503 CERT_STATUS_UNKNOWN', '... and unknown is not cached');

# A look-alike of the issuing CA (same subject, a key of its own) sent
# before the real one, to a provider that trusts only the root and is
# soft-fail: the request names the real issuer, so the revoked key is
# refused, not let through on an "unknown".
my $look = uniq('lookalike');
{
    open my $cnf, '>', "$dir/look.cnf" or die;
    print $cnf "[req]\ndistinguished_name = dn\nx509_extensions = v3\nprompt = no\n[dn]\n[v3]\n"
             . "basicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = hash\n";
    close $cnf;
    my $subj = `openssl x509 -in '$pki/pa-inter.crt' -noout -subject -nameopt compat`;
    $subj =~ s/^subject=//;
    chomp $subj;
    system("openssl req -x509 -config '$dir/look.cnf' -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
         . "-keyout '$pki/$look.key' -out '$pki/$look.crt' -days 30 -utf8 -subj '$subj' 2>/dev/null") == 0
        or die "look-alike CA\n";
}
my ($real_hash, $look_hash) = map { ZcOcsp::key_hash("$pki/$_.crt") } 'pa-inter', $look;
my ($serial) = `openssl x509 -in '$pki/$rev.crt' -noout -serial` =~ /serial=([0-9A-F]+)/i;
is(login_challenge($good, provider => 'pg', chain => ['pa-inter'])->{code}, 200,
   'root-only provider, intermediate sent by the client: a good key logs in');
my $before = requests();
$r = login_challenge($rev, provider => 'pg', chain => [$look, 'pa-inter']);
is(code_of($r), '401 CERT_REVOKED', 'a look-alike issuer sent first: the revoked key is still refused (soft-fail)');
my @new = (log_lines())[$before .. requests() - 1];
ok((grep { /issuerKeyHash=$real_hash serial=0*\Q$serial\E\b/i } @new),
   '... the OCSP request named the real issuer\'s key') or diag @new;
ok(!(grep { /issuerKeyHash=$look_hash/ } log_lines()), '... and never the look-alike\'s') or diag log_lines();

# The responder goes away.
kill 'TERM', $pid;
waitpid $pid, 0;
$pid = 0;
$r = login_tls($late, provider => 'po');
is(code_of($r), '503 CERT_STATUS_UNKNOWN', 'responder down → 503 CERT_STATUS_UNKNOWN (hard-fail)');
ok($r->{headers}{'retry-after'}, '... with Retry-After');
is(login_tls($late, provider => 'pf')->{code}, 200, 'responder down → passes under soft-fail');
is(login_tls($good, provider => 'po')->{code}, 200, 'a cached good answer still logs in while the responder is down');
