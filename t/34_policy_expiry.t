# Certificate policies (ZcyCAProviderPolicy any|all), extended key usage,
# the encryption certificate of a dual pair, and the expiry notice.
use strict;
use warnings FATAL => 'all';
use utf8;
use Apache::Test qw(-withtestmore);
use FindBin ();
use lib "$FindBin::Bin/lib";
use ZcTest;

plan tests => 16, need_module('zcyca');

my ($P1, $P2) = ('1.2.156.112562.2.1.1.1', '1.2.156.112562.2.1.1.2');
my $reg = make_region(uniq('pol'), 1, qw(pa pp pq));
sub bound {
    my ($name, $provider, %o) = @_;
    my $c = issue_cert(uniq($name), ca => 'pa', key => 'ec', %o);
    bind_cert(make_account(uniq($name), region => $reg), $provider, $c);
    return $c;
}

my $both = bound('both', 'pp', policies => "$P1,$P2");
my $one  = bound('one', 'pp', policies => $P1);
my $none = bound('none', 'pp');
my $other = bound('other', 'pp', policies => '1.2.3.4');
is(login_tls($one, provider => 'pp')->{code}, 200, 'policy any: one of the two logs in');
is(login_tls($both, provider => 'pp')->{code}, 200, 'policy any: both log in');
is(code_of(login_tls($none, provider => 'pp')), '401 CERT_POLICY', 'policy any: no policies → CERT_POLICY');
is(code_of(login_tls($other, provider => 'pp')), '401 CERT_POLICY', 'policy any: another policy → CERT_POLICY');
my $both_q = bound('bothq', 'pq', policies => "$P1,$P2");
my $one_q  = bound('oneq', 'pq', policies => $P2);
is(login_tls($both_q, provider => 'pq')->{code}, 200, 'policy all: both log in');
is(code_of(login_tls($one_q, provider => 'pq')), '401 CERT_POLICY', 'policy all: one of two → CERT_POLICY');
my $c = issue_cert(uniq('pol-chal'), ca => 'pa', key => 'ec', policies => $P2);
bind_cert(make_account(uniq('pol-chal'), region => $reg), 'pq', $c);
is(code_of(login_challenge($c, provider => 'pq')), '401 CERT_POLICY', 'the same check for a signed-challenge login');

# Usage: EKU without clientAuth, and the encryption half of a dual-certificate key.
my $server_only = bound('ekuserver', 'pa', eku => 'serverAuth');
my $r = login_challenge($server_only);
is(code_of($r), '401 CERT_USAGE', 'extendedKeyUsage without clientAuth → CERT_USAGE');
my $enc = bound('enc', 'pa', ku => 'keyEncipherment,keyAgreement');
$r = login_challenge($enc, accept => 'application/json');
is(code_of($r), '401 CERT_USAGE', 'the encryption certificate of a dual pair → CERT_USAGE');
like($r->{json}{error}{message}, qr/请使用签名证书/, '... saying to use the signing certificate');

# Expiry notice: within ZcyCAExpiryWarning (default 30) days still logs in, with a warning.
my $soon = bound('soon', 'pa', days => 10);
$r = login_tls($soon);
is($r->{code}, 200, 'a certificate 10 days from expiry still logs in');
is($r->{json}{warnings}[0]{code}, 'CERT_EXPIRING', '... and the login answer warns');
my $cookie = "zcyca_session=$r->{cookies}{zcyca_session}{value}";
$r = req('GET', tls_url('/ca/session'), cookie => $cookie);
is($r->{json}{warnings}[0]{code}, 'CERT_EXPIRING', 'the session info carries the warning');
like($r->{json}{warnings}[0]{message}, qr/天后过期/, '... in Chinese');
$r = req('GET', tls_url('/ca/bindings'), cookie => $cookie);
is($r->{json}{bindings}[0]{warnings}[0]{code}, 'CERT_EXPIRING', 'the binding list carries it too');
my $later = bound('later', 'pa', days => 365);
$r = login_tls($later);
is_deeply($r->{json}{warnings}, [], 'a certificate with a year left has no warning');
