# Fault: PostgreSQL killed (immediate shutdown) during a mixed load, and
# started again (docs/testing.md, "Fault tests").  A node of our own
# (t/lib/ZcNodes.pm: shmcb cache, ZcyCASessionCacheTTL 6, ZcyCADatabaseTimeout 2,
# ZcyCASessionIdle 16, so that last_seen_at is due for a touch every 4 s, inside
# the TTL, as it is with the defaults: TTL 60 s, a touch every 60 s) takes
# mutual-TLS logins, protected requests with one cached session and static
# files (t/lib/ZcMix.pm) for about 13 s:
#   +1 s      the database is killed: logins answer 503 SERVICE_UNAVAILABLE
#             (with Retry-After), the cached session keeps working until its
#             entry's TTL runs out (even when its touch is due and fails),
#             then 503 too (never 401), static files 200;
#   TTL+2 s   the database is started again: everything answers 200 again,
#             in the same httpd (same parent, no child crashed).
# Never a 500 or a failed connection.  The shared database is the suite's:
# it is back up when this file ends.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin ();
use lib "$FindBin::Bin/lib";
use Test::More;
use ZcTest;
use ZcNodes;
use ZcMix;
use Time::HiRes ();

plan skip_all => 'ZCYCA_DB, ZCYCA_PKI and ZCYCA_PG_DIR are not set: run through scripts/check'
    unless $ENV{ZCYCA_DB} && $ENV{ZCYCA_PKI} && $ENV{ZCYCA_PG_DIR};
plan tests => 17;

my $TTL = 6;
my $node = start_node('dbkill', cache => "shmcb:\@DIR\@/zcyca_scache(512000)", ttl => $TTL, timeout => 2, extra => 'ZcyCASessionIdle 16');
ok($node, 'a node with a shmcb cache (TTL 6 s) is up') or exit 1;
my $pid0 = node_pid($node);

my $reg  = make_region(uniq('dbkill'), 1, 'pa');
my $cert = issue_cert(uniq('dbkill'), ca => 'pa', key => 'ec');
my $acct = make_account(uniq('dbkill'), region => $reg);
bind_cert($acct, 'pa', $cert);
my $r = req('POST', "$node->{url}/ca/login", cert => $cert, json => { provider => 'pa' }, origin => 1,
            accept => 'application/json');
is($r->{code}, 200, 'a login before the fault') or diag code_of($r);
my $cookie = 'zcyca_session=' . ($r->{cookies}{zcyca_session}{value} // '');
# The session's entry: made by this request, trusted until TTL after it.
my $g0 = Time::HiRes::time();
is(req('GET', "$node->{url}/app/index.html", cookie => $cookie)->{code}, 200, '... and its session opens /app/ (now cached)');
my $g1 = Time::HiRes::time();
db()->disconnect;

my $run = zcmix_start('dbkill', node => $node, seconds => $g1 + $TTL + 7 - Time::HiRes::time(),
                      logins => 2, cert => $cert, protected => 3, cookie => $cookie, static => 1);
sleep_until($g1 + 1);
my ($k0, $k1) = pg_run('zc_pg_kill');
sleep_until($g1 + $TTL + 2);
my ($u0, $u1) = pg_run('zc_pg_resume');
my $res = zcmix_finish($run);
my $ev = $res->{events};
diag sprintf('PostgreSQL killed at %+.2f s (pg_ctl took %.2f s), started again at %+.2f..%+.2f s; the entry was '
             . 'made at %+.2f..0 s, TTL %d s', $k0 - $g1, $k1 - $k0, $u0 - $g1, $u1 - $g1, $g0 - $g1, $TTL);
phase_diag($ev, $g1, ['before', undef, $k0], ['killed, within TTL', $k1, $g0 + $TTL],
           ['killed, after TTL', $g1 + $TTL, $u0], ['started again', $u0, undef]);

my @all = @$ev;
ok(@all > 100, 'the load made ' . scalar(@all) . ' requests') or diag $res->{log};
my @bad = grep { $_->{status} >= 500 && $_->{status} != 503 || $_->{status} == 0 } @all;
is(scalar @bad, 0, 'no 500 (nor other 5xx but 503), no failed connection') or diag tally_text(@bad), "\n", $res->{log};
is(tally_text(events_of($ev, undef, undef, $k0)), '200: ' . scalar(events_of($ev, undef, undef, $k0)),
   'before the kill: all 200');

my @l_down = events_of($ev, 'L', $k1, $u0 - 2.5);   # started and answered while the database was down
ok(@l_down >= 2 && !grep({ !($_->{status} == 503 && $_->{code} eq 'SERVICE_UNAVAILABLE' && $_->{ra}) } @l_down),
   'logins while the database is down: 503 SERVICE_UNAVAILABLE with Retry-After (' . tally_text(@l_down) . ')');
my $l_max = percentile(1, map { $_->{ms} } @l_down);
ok($l_max < 2500, sprintf('... answered within ZcyCADatabaseTimeout (2 s): the slowest took %.0f ms', $l_max));

my @p_ttl = events_of($ev, 'P', $k1, $g0 + $TTL - 0.3);
ok(@p_ttl >= 5 && !grep({ $_->{status} != 200 } @p_ttl),
   'protected requests with the cached session, database down, within the TTL: 200 (' . tally_text(@p_ttl) . ')');
my @p_after = events_of($ev, 'P', $g1 + $TTL + 0.3, $u0);
ok(@p_after >= 5 && !grep({ !($_->{status} == 503 && $_->{code} eq 'SERVICE_UNAVAILABLE') } @p_after),
   '... past the TTL: 503 SERVICE_UNAVAILABLE, not 401 (' . tally_text(@p_after) . ')');
my @s_down = events_of($ev, 'S', $k0, $u1);
ok(@s_down >= 5 && !grep({ $_->{status} != 200 } @s_down), 'static files while the database is down: 200 ('
   . tally_text(@s_down) . ')');

# Recovery: the first 200 of each kind after the database is back, and all 200 from 2 s on
# (the first connections prepare every statement; about 0.5 s on a loaded machine).
my %first;
for my $k (qw(L P)) {
    my ($e) = grep { $_->{status} == 200 } events_of($ev, $k, $u0, undef);
    $first{$k} = $e ? $e->{t} + $e->{ms} / 1000 - $u1 : undef;
}
diag sprintf('recovery after pg_ctl start returned: first login 200 at %s, first protected 200 at %s',
             map { defined $_ ? sprintf('%+.2f s', $_) : 'never' } @first{qw(L P)});
ok(defined $first{L} && defined $first{P} && $first{L} < 2 && $first{P} < 2,
   'logins and the session work again within 2 s of the database being back');
my @after = events_of($ev, undef, $u1 + 2, undef);
ok(@after >= 10 && !grep({ $_->{status} != 200 } @after), 'everything after that: 200 (' . tally_text(@after) . ')');
is(req('GET', "$node->{url}/app/index.html", cookie => $cookie)->{code}, 200, 'the session made before the kill still works');

is(node_pid($node), $pid0, 'the same httpd: its parent did not change');
ok(kill(0, $pid0), '... and is alive');
my @crash = crash_lines($node);
is(scalar @crash, 0, 'no child crashed (error_log)') or diag join "\n", @crash;
