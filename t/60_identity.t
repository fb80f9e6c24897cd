# Identity headers a client sends never reach a backend; ours do.
use strict;
use warnings FATAL => 'all';
use utf8;
use Apache::Test qw(-withtestmore);
use FindBin ();
use lib "$FindBin::Bin/lib";
use ZcTest;

plan tests => 8, need_module('zcyca');

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

