# PostgreSQL down: 503 SERVICE_UNAVAILABLE and httpd stays up; back up:
# the module recovers by itself.  Runs last: it stops the shared database.
use strict;
use warnings FATAL => 'all';
use utf8;
use Apache::Test qw(-withtestmore);
use FindBin ();
use lib "$FindBin::Bin/lib";
use ZcTest;

plan tests => 9, need_module('zcyca');

my $reg = make_region(uniq('outage'), 1, 'pa');
my $cert = issue_cert(uniq('outage'), ca => 'pa', key => 'ec');
my $acct = make_account(uniq('outage'), region => $reg);
bind_cert($acct, 'pa', $cert);
my $r = login_tls($cert);
is($r->{code}, 200, 'login while the database is up (warms the pool)');
my $cookie = "zcyca_session=$r->{cookies}{zcyca_session}{value}";
db()->disconnect;

my $pg = "$ENV{ZCYCA_TOP}/scripts/lib/pg.sh";
system('bash', '-c', ". '$pg' && zc_pg_stop '$ENV{ZCYCA_PG_DIR}'") == 0 or die "cannot stop PostgreSQL";

$r = login_tls($cert);
is($r->{code}, 503, 'login with PostgreSQL stopped → 503');
is($r->{json}{error}{code}, 'SERVICE_UNAVAILABLE', '... SERVICE_UNAVAILABLE JSON');
ok($r->{headers}{'retry-after'}, '... with Retry-After');
$r = req('GET', tls_url('/app/index.html'), cookie => $cookie, accept => 'application/json');
is($r->{code}, 503, 'a protected page with PostgreSQL stopped → 503, not 401');
$r = req('GET', tls_url('/ca/providers'));
is($r->{code}, 200, 'httpd is still up (providers need no database)');

system('bash', '-c', ". '$pg' && zc_pg_resume '$ENV{ZCYCA_PG_DIR}'") == 0 or die "cannot start PostgreSQL";
$r = login_tls($cert);
is($r->{code}, 200, 'with PostgreSQL back, login works with no restart');
$r = req('GET', tls_url('/app/index.html'), cookie => $cookie);
is($r->{code}, 200, 'the session made before the outage still works');
$r = login_tls($cert);
is($r->{code}, 200, 'and again');
