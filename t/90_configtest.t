# Bad configuration fails apachectl -t with a message naming the directive.
use strict;
use warnings FATAL => 'all';
use utf8;
use Apache::Test qw(-withtestmore);
use FindBin ();
use lib "$FindBin::Bin/lib";
use ZcTest;
use File::Temp ();

my @cases = (
    [ 'unreadable trust file', 'ZcyCAProviderTrust pa /nonexistent/ca.pem',
      qr/ZcyCAProviderTrust pa \/nonexistent\/ca\.pem: .*(cannot|No such|not)/i ],
    [ 'trust file with no certificates', "ZcyCAProviderTrust pa __EMPTY__", qr/ZcyCAProviderTrust pa .*empty\.pem/ ],
    [ 'trust file holding a leaf', "ZcyCAProviderTrust pa __LEAF__", qr/ZcyCAProviderTrust pa .*(CA|leaf)/ ],
    [ 'provider without trust', '', qr/ZcyCAProvider pa .*no trust anchors.*ZcyCAProviderTrust pa/ ],
    [ 'trust for an undefined provider', "ZcyCAProviderTrust zz __GOOD__", qr/ZcyCAProviderTrust zz: no provider 'zz'/ ],
    [ 'bad key id mode', "ZcyCAProviderTrust pa __GOOD__\nZcyCAProviderKeyId pa md5", qr/ZcyCAProviderKeyId pa md5:/ ],
    [ 'bad seconds', "ZcyCAProviderTrust pa __GOOD__\nZcyCASessionIdle 10x", qr/ZcyCASessionIdle 10x: .*example: ZcyCASessionIdle/ ],
    [ 'challenge TTL over 300', "ZcyCAProviderTrust pa __GOOD__\nZcyCAChallengeTTL 301", qr/ZcyCAChallengeTTL 301:/ ],
    [ 'http origin', "ZcyCAProviderTrust pa __GOOD__\nZcyCAOrigin http://example.org", qr/ZcyCAOrigin http:\/\/example\.org:/ ],
    [ 'idle longer than max', "ZcyCAProviderTrust pa __GOOD__\nZcyCASessionIdle 600\nZcyCASessionMax 60",
      qr/ZcyCASessionIdle 600 is longer than ZcyCASessionMax 60/ ],
    [ 'unknown algorithm', "ZcyCAProviderTrust pa __GOOD__\nZcyCAProviderAlgorithms pa md5-rsa", qr/ZcyCAProviderAlgorithms pa md5-rsa:/ ],
    [ 'database in a virtual host', "ZcyCAProviderTrust pa __GOOD__\n<VirtualHost 127.0.0.1:9>\nZcyCADatabase x\n</VirtualHost>",
      qr/ZcyCADatabase.*(not allowed|cannot occur)/ ],
    [ 'bad cookie attribute', "ZcyCAProviderTrust pa __GOOD__\nZcyCACookie s Max-Age=5", qr/ZcyCACookie Max-Age=5:/ ],
    [ 'unknown login method', "ZcyCAProviderTrust pa __GOOD__\n<Location /x>\nAuthType zcyca\nRequire zcyca-method pin\n</Location>",
      qr/zcyca-method pin: the methods are ca and password/ ],
    [ 'password provider not loaded', "ZcyCAProviderTrust pa __GOOD__\n<Location /x>\nZcyCAPasswordProvider nope\n</Location>",
      qr/ZcyCAPasswordProvider nope: no authentication provider 'nope'/ ],
    [ 'CRL before trust', "ZcyCAProviderCRL pa __GOODCRL__\nZcyCAProviderTrust pa __GOOD__",
      qr/ZcyCAProviderCRL pa: put ZcyCAProviderTrust pa before it/ ],
    [ 'broken CRL file', "ZcyCAProviderTrust pa __GOOD__\nZcyCAProviderCRL pa __EMPTY__", qr/ZcyCAProviderCRL pa .*empty\.pem/ ],
    [ 'CRL of another CA', "ZcyCAProviderTrust pa __GOOD__\nZcyCAProviderCRL pa __PSCRL__",
      qr/ZcyCAProviderCRL pa .*ps\/inter\.crl.*not one of the provider's CA/ ],
    [ 'indirect CRL', "ZcyCAProviderTrust pa __GOOD__\nZcyCAProviderCRL pa __INDIRECT__",
      qr/ZcyCAProviderCRL pa .*indirect\.crl.*indirect CRL .* is not supported/ ],
    [ 'ocsp without a responder', "ZcyCAProviderTrust pa __GOOD__\nZcyCAProviderRevocation pa ocsp",
      qr/ZcyCAProviderRevocation pa names ocsp but the provider has no ZcyCAProviderOCSP/ ],
    [ 'https responder', "ZcyCAProviderTrust pa __GOOD__\nZcyCAProviderOCSP pa https://ocsp.example.cn/",
      qr/ZcyCAProviderOCSP pa https:\/\/ocsp\.example\.cn\/: the responder is an http:\/\/ URL/ ],
    [ 'driver service on a LAN address', "ZcyCAProviderTrust pa __GOOD__\nZcyCAProviderDriver pa sof-json http://192.168.1.9:18901",
      qr/ZcyCAProviderDriver pa sof-json http:\/\/192\.168\.1\.9:18901: the host must be 127\.0\.0\.1, localhost or \[::1\].*example: ZcyCAProviderDriver jlca sof-json/ ],
    [ 'bad driver adapter name', "ZcyCAProviderTrust pa __GOOD__\nZcyCAProviderDriver pa Sof/Json http://127.0.0.1:1",
      qr/ZcyCAProviderDriver pa Sof\/Json http:\/\/127\.0\.0\.1:1: an adapter name has only a-z/ ],
    [ 'driver for an undefined provider', "ZcyCAProviderTrust pa __GOOD__\nZcyCAProviderDriver zz sof-json http://127.0.0.1:1",
      qr/ZcyCAProviderDriver zz: no provider 'zz'/ ],
    [ 'bad CA management URL', "ZcyCAProviderTrust pa __GOOD__\n<Location /ca/login>\nZcyCAManageURL javascript:x()\n</Location>",
      qr/ZcyCAManageURL javascript:x\(\): .*example: ZcyCAManageURL \/ca-admin\.html/ ],
    [ 'bad TLS login URL', "ZcyCAProviderTrust pa __GOOD__\nZcyCATLSLoginURL //evil.example/ca/login",
      qr/ZcyCATLSLoginURL \/\/evil\.example\/ca\/login: a path must not start with \/\//, ],
    [ 'bad OCSP option', "ZcyCAProviderTrust pa __GOOD__\nZcyCAProviderOCSP pa aia timeout=99",
      qr/ZcyCAProviderOCSP pa timeout=99: options are/ ],
    [ 'CRL interval', "ZcyCAProviderTrust pa __GOOD__\nZcyCACRLCheckInterval 0", qr/ZcyCACRLCheckInterval 0:/ ],
    [ 'socache module not loaded', "ZcyCAProviderTrust pa __GOOD__\nZcyCASessionCache redis:127.0.0.1:6379",
      qr/ZcyCASessionCache redis:127\.0\.0\.1:6379: no socache provider 'redis' is loaded \(load socache_redis_module/ ],
    [ 'bad cache TTL', "ZcyCAProviderTrust pa __GOOD__\nZcyCASessionCacheTTL 0", qr/ZcyCASessionCacheTTL 0:/ ],
    [ 'bad housekeeping interval', "ZcyCAProviderTrust pa __GOOD__\nZcyCAHousekeeping never",
      qr/ZcyCAHousekeeping never: .*example: ZcyCAHousekeeping 60/ ],
    [ 'audit retention of 0 months', "ZcyCAProviderTrust pa __GOOD__\nZcyCAAuditRetention 0",
      qr/ZcyCAAuditRetention 0: .*example: ZcyCAAuditRetention 60/ ],
    [ 'housekeeping in a virtual host', "ZcyCAProviderTrust pa __GOOD__\n<VirtualHost 127.0.0.1:9>\nZcyCAHousekeeping 5\n</VirtualHost>",
      qr/ZcyCAHousekeeping.*(not allowed|cannot occur)/ ],
    [ 'bad challenge limit', "ZcyCAProviderTrust pa __GOOD__\nZcyCAChallengeLimit 10x 60",
      qr/ZcyCAChallengeLimit 10x 60: not a whole number .*example: ZcyCAChallengeLimit 300 60/ ],
    [ 'challenge window over an hour', "ZcyCAProviderTrust pa __GOOD__\nZcyCAChallengeLimit 300 7200",
      qr/ZcyCAChallengeLimit 300 7200: out of range; must be between 1 and 3600 seconds/ ],
    [ 'audit counts kept 0 days', "ZcyCAProviderTrust pa __GOOD__\nZcyCAAuditSample 10 0",
      qr/ZcyCAAuditSample 10 0: out of range; must be between 1 and 3650 \(example: ZcyCAAuditSample 10 180\)/ ],
    [ 'bad signed-data mode', "ZcyCAProviderTrust pa __GOOD__\nZcyCAProviderSignedData pa all", qr/ZcyCAProviderSignedData pa all: must be tbs or nonce/ ],
);

plan tests => 2 * @cases + 4, need_module('zcyca');

my $libexec = `apxs -q LIBEXECDIR`;
chomp $libexec;
my $so = "$ENV{ZCYCA_TOP}/mod_zcyca.so";
# scripts/check --sanitizers: the httpd that preloads the ASan runtime (t/sanitizers/httpd)
my $httpd = $ENV{APACHE_TEST_HTTPD} // '/usr/sbin/apache2';
my $dir = File::Temp->newdir;
open my $e, '>', "$dir/empty.pem" or die;
close $e;
open my $k, '>:raw', "$dir/cache.key" or die;
print $k 'k' x 48;
close $k;
my $leaf = issue_cert(uniq('cfgleaf'), ca => 'pa');
system("$ENV{ZCYCA_TOP}/scripts/mkpki", 'crl', pki(), '--ca', 'pa', '--out', "$dir/indirect.crl",
       '--idp', 'fullname:URI:http://crl.example.cn/all.crl,indirectCRL:TRUE') == 0 or die "mkpki crl\n";

sub configtest {
    my ($body) = @_;
    $body =~ s/__EMPTY__/$dir\/empty.pem/g;
    $body =~ s/__LEAF__/@{[pki()]}\/$leaf.crt/g;
    $body =~ s/__GOOD__/@{[pki()]}\/pa-trust.pem/g;
    $body =~ s/__GOODCRL__/@{[pki()]}\/crl\/pa\/inter.crl/g;
    $body =~ s/__PSCRL__/@{[pki()]}\/crl\/ps\/inter.crl/g;
    $body =~ s/__INDIRECT__/$dir\/indirect.crl/g;
    $body =~ s/__KEY__/$dir\/cache.key/g;
    open my $fh, '>', "$dir/httpd.conf" or die;
    print $fh <<"CONF";
ServerRoot "$dir"
ServerName 127.0.0.1
PidFile "$dir/httpd.pid"
ErrorLog "$dir/error_log"
Listen 127.0.0.1:9
LoadModule mpm_event_module $libexec/mod_mpm_event.so
LoadModule authz_core_module $libexec/mod_authz_core.so
LoadModule authn_core_module $libexec/mod_authn_core.so
LoadModule zcyca_module $so
ZcyCADatabase "host=127.0.0.1 dbname=zcyca"
ZcyCAProvider pa "Provider A"
$body
CONF
    close $fh;
    my $out = `'$httpd' -t -f $dir/httpd.conf 2>&1`;
    return ($? >> 8, $out);
}

my ($rc, $out) = configtest("ZcyCAProviderTrust pa __GOOD__\nZcyCAOrigin https://login.example.gov.cn");
is($rc, 0, "a good configuration passes apachectl -t") or diag $out;
# The session-cache key is hashed while the configuration is read.  Under scripts/check
# --sanitizers this is also the test of a leak (issue 14): apachectl -t unloads the module before
# it exits, and the SHA-256 implementation that hash fetched was left behind, one per
# configuration read (t/sanitizers/scan counts it).
($rc, $out) = configtest("ZcyCAProviderTrust pa __GOOD__\nZcyCASessionCacheKey __KEY__");
is($rc, 0, "a session-cache key: apachectl -t passes") or diag $out;
# The issuing CA's CRL alone, with intermediate + root trusted: the
# intermediate is checked too and no CRL speaks for it.  A warning, not a failure.
($rc, $out) = configtest("ZcyCAProviderTrust pa __GOOD__\nZcyCAProviderCRL pa __GOODCRL__");
is($rc, 0, "CRLs without the root's: apachectl -t passes") or diag $out;
like($out, qr/ZCYCA1506: ZcyCAProviderCRL pa: the CA certificate CN=ZCYCA Provider A Issuing CA.* not covered .*no CRL from CN=ZCYCA Provider A Root CA/,
     '... with a warning naming the intermediate and the missing CRL') or diag $out;
for my $c (@cases) {
    my ($what, $body, $re) = @$c;
    ($rc, $out) = configtest($body);
    isnt($rc, 0, "$what: apachectl -t fails");
    like($out, $re, "$what: the message names the directive") or diag $out;
}
