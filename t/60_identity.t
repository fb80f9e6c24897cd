# Identity headers a client sends never reach a backend; ours do.
use strict;
use warnings FATAL => 'all';
use utf8;
use Apache::Test qw(-withtestmore);
use FindBin ();
use lib "$FindBin::Bin/lib";
use ZcTest;

plan tests => 15, need_module('zcyca');

my $reg = make_region(uniq('ident'), 1, 'pa');
my $cert = issue_cert(uniq('ident'), ca => 'pa', key => 'ec');
my $acct = make_account(uniq('ident'), region => $reg);
my ($login) = db()->selectrow_array('SELECT login FROM zcyca.accounts WHERE id = ?', undef, $acct);
bind_cert($acct, 'pa', $cert);
my $r = login_tls($cert);
is($r->{code}, 200, 'login');
my $token = $r->{cookies}{zcyca_session}{value};
my $cookie = "zcyca_session=$token";

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

# The session is the first well-formed token of our cookie's name (cookie.c): a
# malformed one sent before it (set for a longer Path, or by another host of the
# domain) does not hide it; a cookie whose name only begins like ours is another.
$r = req('GET', tls_url('/app/cgi/env.cgi'), cookie => "zcyca_session=junk; $cookie", accept => 'application/json');
is($r->{code}, 200, 'a malformed cookie of our name before ours does not hide the session');
$r = req('GET', tls_url('/app/cgi/env.cgi'), cookie => "zcyca_session_old=$token", accept => 'application/json');
is($r->{code}, 401, 'a cookie whose name only begins like ours is not ours');
# Accept with q-values (accept.c): HTML that is not acceptable gets JSON, not the redirect.
$r = req('GET', tls_url('/app/index.html'), accept => 'text/html;q=0, application/json');
is($r->{code}, 401, 'Accept: text/html;q=0, application/json gets the 401, not the login redirect');


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
