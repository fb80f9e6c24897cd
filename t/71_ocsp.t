# OCSP against a real responder (OpenSSL's, behind t/lib/ZcOcsp.pm on 127.0.0.1):
# good logs in, revoked and unknown are refused, answers are cached so
# repeated logins ask the responder nothing more (counted in its log), and a
# responder that is down is 503 under hard-fail and passes under soft-fail.
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

plan tests => 13, need_module('zcyca');

my $top = "$FindBin::Bin/..";
my $pki = pki();
my $port = $ENV{ZCYCA_OCSP_PORT} or die "ZCYCA_OCSP_PORT is not set\n";
my $reg = make_region(uniq('ocsp'), 1, qw(po pf));
sub bound {
    my ($name, @providers) = @_;
    my $c = issue_cert(uniq($name), ca => 'pa', key => 'ec');
    bind_cert(make_account(uniq($name), region => $reg), $_, $c) for @providers;
    return $c;
}

my $good = bound('ocsp-good', 'po', 'pf');
my $rev = bound('ocsp-rev', 'po');
system("$top/scripts/mkpki", 'revoke', $pki, $rev, '--ca', 'pa') == 0 or die 'revoke';
# The responder answers from a copy of the CA's index taken now: keys issued
# later are "unknown" to it.
my $dir = File::Temp->newdir;
File::Copy::copy("$pki/ca-pa-inter/index.txt", "$dir/index.txt") or die "copy index: $!";
my $unknown = bound('ocsp-unknown', 'po');
my $late = bound('ocsp-late', 'po', 'pf');

File::Copy::copy("$pki/ca-pa-inter/index.txt.attr", "$dir/index.txt.attr") or die "copy index attr: $!";
my $pid = ZcOcsp::start(port => $port, dir => "$dir", index => "$dir/index.txt", ca => "$pki/pa-inter.crt",
                        key => "$pki/pa-inter.key");
END { kill 'TERM', $pid if $pid }
sub requests {
    open my $fh, '<', "$dir/responder.log" or return 0;
    my $n = grep { /request/ } <$fh>;
    return $n;
}

my $r = login_tls($good, provider => 'po');
is($r->{code}, 200, 'OCSP good → the login goes on') or diag code_of($r);
my $asked = requests();
is($asked, 1, '... after one request to the responder');
is(login_tls($good, provider => 'po')->{code}, 200, 'again');
is(login_challenge($good, provider => 'po')->{code}, 200, 'and by signed challenge');
is(requests(), $asked, 'repeated logins use the cached answer: no new responder request');
my ($cached) = db()->selectrow_array("SELECT status FROM zcyca.ocsp_cache WHERE cert_key LIKE 'po:%' AND status = 'good'");
is($cached, 'good', 'the answer sits in zcyca.ocsp_cache, shared by children and nodes');

is(code_of(login_tls($rev, provider => 'po')), '401 CERT_REVOKED', 'OCSP revoked → CERT_REVOKED');
is(code_of(login_tls($unknown, provider => 'po')), '503 CERT_STATUS_UNKNOWN', 'OCSP unknown is not good → CERT_STATUS_UNKNOWN');
is(code_of(login_tls($unknown, provider => 'po')), '503 CERT_STATUS_UNKNOWN', '... and unknown is not cached');

# The responder goes away.
kill 'TERM', $pid;
waitpid $pid, 0;
$pid = 0;
$r = login_tls($late, provider => 'po');
is(code_of($r), '503 CERT_STATUS_UNKNOWN', 'responder down → 503 CERT_STATUS_UNKNOWN (hard-fail)');
ok($r->{headers}{'retry-after'}, '... with Retry-After');
is(login_tls($late, provider => 'pf')->{code}, 200, 'responder down → passes under soft-fail');
is(login_tls($good, provider => 'po')->{code}, 200, 'a cached good answer still logs in while the responder is down');
