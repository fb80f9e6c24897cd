# Identity headers a client sends never reach a backend; ours do.
use strict;
use warnings FATAL => 'all';
use utf8;
use Apache::Test qw(-withtestmore);
use FindBin ();
use lib "$FindBin::Bin/lib";
use ZcTest;

plan tests => 12, need_module('zcyca');

my $reg = make_region(uniq('ident'), 1, 'pa');
my $cert = issue_cert(uniq('ident'), ca => 'pa', key => 'ec');
my $acct = make_account(uniq('ident'), region => $reg);
my ($login) = db()->selectrow_array('SELECT login FROM zcyca.accounts WHERE id = ?', undef, $acct);
bind_cert($acct, 'pa', $cert);
my $r = login_tls($cert);
is($r->{code}, 200, 'login');
my $cookie = "zcyca_session=$r->{cookies}{zcyca_session}{value}";

my %spoof = ('ZCYCA-Account' => 'admin', 'zcyca_account' => 'admin', 'Zcyca-Region' => 'evil',
             'ZCYCA_METHOD' => 'password', 'zCyCa-Key-Id' => 'forged');
$r = req('GET', tls_url('/app/cgi/env.cgi'), cookie => $cookie, headers => \%spoof);
is($r->{code}, 200, 'protected CGI with spoofed identity headers');
unlike($r->{body}, qr/^HTTP_ZCYCA/mi, 'no HTTP_ZCYCA_* variable reaches the CGI');
unlike($r->{body}, qr/admin|evil|forged/, 'no spoofed value reaches the CGI at all');
like($r->{body}, qr/^ZCYCA_ACCOUNT=\Q$login\E$/m, 'ZCYCA_ACCOUNT is ours');
like($r->{body}, qr/^ZCYCA_METHOD=ca$/m, 'ZCYCA_METHOD is ours');

# Without a session the spoofed headers do not log anyone in.
$r = req('GET', tls_url('/app/cgi/env.cgi'), headers => \%spoof, accept => 'application/json');
is($r->{code}, 401, 'spoofed headers alone do not pass AuthType zcyca');

# Headers that merely contain the word are left alone.
$r = req('GET', tls_url('/app/cgi/env.cgi'), cookie => $cookie, headers => { 'X-Zcyca-Trace' => 'kept' });
like($r->{body}, qr/^HTTP_X_ZCYCA_TRACE=kept$/m, 'X-Zcyca-Trace is not an identity header and passes');


# SetEnvIf of our names in the configuration (set before AuthType zcyca's fixup):
# each variable is there once, with the identity's value, for a CGI and for
# a module that reads the first entry of a name.
$r = req('GET', tls_url('/app/cgi/environ.cgi'), cookie => $cookie);
my @acct = $r->{body} =~ /^ZCYCA_ACCOUNT=(.*)$/mg;
my @region = $r->{body} =~ /^ZCYCA_REGION=(.*)$/mg;
is_deeply(\@acct, [$login], 'SetEnvIf ZCYCA_ACCOUNT: one variable, the account\'s login');
is_deeply(\@region, [$reg], 'SetEnvIf ZCYCA_REGION: one variable, the account\'s region');
my @method = $r->{body} =~ /^ZCYCA_METHOD=(.*)$/mg;
is_deeply(\@method, ['ca'], 'the others once each too');
$r = req('GET', tls_url('/app/index.html?spoof'), cookie => $cookie);
is($r->{headers}{'x-env-account'}[0], $login, '... and a module reading ZCYCA_ACCOUNT (mod_headers) finds the login');
