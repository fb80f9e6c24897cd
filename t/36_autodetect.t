# Provider auto-detection: a login or bind without "provider" finds the one
# provider whose anchors issue the certificate, and says so when it is not one.
use strict;
use warnings FATAL => 'all';
use utf8;
use Apache::Test qw(-withtestmore);
use FindBin ();
use lib "$FindBin::Bin/lib";
use ZcTest;

plan tests => 11, need_module('zcyca');

my $reg = make_region(uniq('auto'), 1, qw(pa pb));
my $pb = issue_cert(uniq('auto-pb'), ca => 'pb');
my $pa = issue_cert(uniq('auto-pa'), ca => 'pa', key => 'ec');
my $ux = issue_cert(uniq('auto-ux'), ca => 'ux');
my $acct = make_account(uniq('auto'), region => $reg);
bind_cert($acct, 'pb', $pb);
bind_cert(make_account(uniq('auto-a'), region => $reg), 'pa', $pa);

# Mutual TLS
my $r = req('POST', tls_url('/ca/login'), cert => $pb, json => {}, origin => 1);
is($r->{code}, 200, 'TLS login without a provider: provider B found among the configured ones');
$r = req('GET', tls_url('/ca/session'), cookie => "zcyca_session=$r->{cookies}{zcyca_session}{value}");
is($r->{json}{provider}, 'pb', '... and the session names it');
$r = req('POST', tls_url('/ca/login'), cert => $pa, json => {}, origin => 1);
is(code_of($r), '400 PROVIDER_AMBIGUOUS', 'a chain several providers share → PROVIDER_AMBIGUOUS');
$r = req('POST', tls_url('/ca/login'), cert => $ux, json => {}, origin => 1);
is(code_of($r), '401 CERT_UNTRUSTED', 'a chain no provider issues → CERT_UNTRUSTED');

# Signed challenge issued without a provider
my $c = challenge(provider => undef);
my $body_provider = $c->{json} && $c->{json}{tbs} =~ /\nprovider=\n/;
ok($body_provider, 'a challenge without a provider has an empty provider line');
$r = login_challenge($pb, challenge => $c, provider => undef, override => { provider => undef });
is($r->{code}, 200, 'challenge login without a provider finds provider B') or diag code_of($r);
$c = challenge(provider => undef);
$r = login_challenge($pa, challenge => $c, override => { provider => undef });
is(code_of($r), '400 PROVIDER_AMBIGUOUS', '... and a shared chain is ambiguous there too');
$c = challenge(provider => 'pb');
$r = login_challenge($pb, challenge => $c, override => { provider => undef });
is($r->{code}, 200, 'a challenge issued for a provider lets the login leave it out') or diag code_of($r);

# Bind without a provider
my $k = issue_cert(uniq('auto-bind'), ca => 'pb');
my $me = make_account(uniq('auto-me'), region => $reg);
add_user(login_of($me), 'pw-auto');
my $s = password_login(login_of($me), 'pw-auto')->{cookie};
my $ch = challenge(purpose => 'bind', provider => undef, account => login_of($me), cookie => $s);
$r = req('POST', tls_url('/ca/bindings'), origin => 1, cookie => "$s; $ch->{pre}",
         json => { account => login_of($me), challenge_id => $ch->{json}{challenge_id}, nonce => $ch->{json}{nonce},
                   certificate => cert_text($k), signature => sign_text($k, $ch->{json}{tbs}) });
is($r->{code}, 201, 'a bind without a provider binds to the detected one') or diag code_of($r);
is($r->{json}{provider}{id}, 'pb', '... provider B');
my ($audit) = db()->selectrow_array(
    "SELECT count(*) FROM zcyca.audit WHERE event = 'login' AND code = 'PROVIDER_AMBIGUOUS'");
cmp_ok($audit, '>=', 2, 'ambiguity is audited like any failed login');
