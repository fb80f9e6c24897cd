# Fault: a slow database during a mixed load (docs/testing.md, "Fault tests"):
# a second connection holds LOCK TABLE zcyca.sessions IN ACCESS EXCLUSIVE
# MODE for 5.3 s, so every statement a login makes on the sessions waits.
# A node of our own (t/lib/ZcNodes.pm: shmcb cache, ZcyCADatabaseTimeout 2)
# takes mutual-TLS logins, protected requests with one cached session and
# static files (t/lib/ZcMix.pm) for 10 s.  While the lock is held, a login
# answers 503 SERVICE_UNAVAILABLE within ZcyCADatabaseTimeout (plus a
# margin), the other workers go on serving static files and the cached
# session; once it is released, logins answer 200 again and no worker is
# left waiting on the database.  Never a 500 or a failed connection.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin ();
use lib "$FindBin::Bin/lib";
use Test::More;
use ZcTest;
use ZcNodes;
use ZcMix;
use DBI ();
use Time::HiRes ();

plan skip_all => 'ZCYCA_DB and ZCYCA_PKI are not set: run through scripts/check'
    unless $ENV{ZCYCA_DB} && $ENV{ZCYCA_PKI};
plan tests => 12;

my $TIMEOUT = 2;
my $MARGIN = 0.5;   # for the scheduling of 2 busy CPUs
my $node = start_node('slowdb', cache => "shmcb:\@DIR\@/zcyca_scache(512000)", ttl => 30, timeout => $TIMEOUT);
ok($node, 'a node with ZcyCADatabaseTimeout 2 is up') or exit 1;

my $reg  = make_region(uniq('slowdb'), 1, 'pa');
my $cert = issue_cert(uniq('slowdb'), ca => 'pa', key => 'ec');
my $acct = make_account(uniq('slowdb'), region => $reg);
bind_cert($acct, 'pa', $cert);
my $r = req('POST', "$node->{url}/ca/login", cert => $cert, json => { provider => 'pa' }, origin => 1,
            accept => 'application/json');
my $cookie = 'zcyca_session=' . ($r->{cookies}{zcyca_session}{value} // '');
is($r->{code} . ' ' . req('GET', "$node->{url}/app/index.html", cookie => $cookie)->{code}, '200 200',
   'a login before the fault, and its session cached');

my $locker = DBI->connect("dbi:Pg:$ENV{ZCYCA_DB}", '', '', { RaiseError => 1, AutoCommit => 0, PrintError => 0 });
my $t0 = Time::HiRes::time();
my $run = zcmix_start('slowdb', node => $node, seconds => 10, logins => 4, cert => $cert, protected => 2,
                      cookie => $cookie, static => 2);
sleep_until($t0 + 2);
my $l0 = Time::HiRes::time();
$locker->do('LOCK TABLE zcyca.sessions IN ACCESS EXCLUSIVE MODE');
my $l1 = Time::HiRes::time();
sleep_until($t0 + 7.3);
# Who waits on the lock now: the node's login requests.
my ($waiting) = $locker->selectrow_array(q{SELECT count(*) FROM pg_stat_activity
    WHERE application_name = 'mod_zcyca' AND wait_event_type = 'Lock'});
my $u0 = Time::HiRes::time();
$locker->rollback;
my $u1 = Time::HiRes::time();
my $res = zcmix_finish($run);
my $ev = $res->{events};
diag sprintf('lock taken at %+.2f s (it took %.2f s), released at %+.2f s; %d mod_zcyca backends were waiting on it',
             $l0 - $t0, $l1 - $l0, $u0 - $t0, $waiting);
phase_diag($ev, $t0, ['before', undef, $l0], ['lock held', $l1, $u0], ['released', $u1, undef]);

my @all = @$ev;
ok(@all > 100, 'the load made ' . scalar(@all) . ' requests') or diag $res->{log};
ok(!grep({ $_->{status} >= 500 && $_->{status} != 503 || $_->{status} == 0 } @all),
   'no 500 (nor other 5xx but 503), no failed connection') or diag $res->{log};
ok($waiting >= 1, "logins were waiting on the lock ($waiting backends)");

# Logins that started after the lock and were answered before its release.
my @l_lock = grep { $_->{t} + $_->{ms} / 1000 < $u0 } events_of($ev, 'L', $l1, $u0);
my @ms = map { $_->{ms} } @l_lock;
diag sprintf('logins under the lock: %d, answered in p50 %.0f ms, max %.0f ms (ZcyCADatabaseTimeout %d s)',
             scalar @l_lock, percentile(0.5, @ms), percentile(1, @ms), $TIMEOUT);
ok(@l_lock >= 4 && !grep({ !($_->{status} == 503 && $_->{code} eq 'SERVICE_UNAVAILABLE' && $_->{ra}) } @l_lock),
   'logins under the lock: 503 SERVICE_UNAVAILABLE with Retry-After (' . tally_text(@l_lock) . ')');
ok(@ms && percentile(1, @ms) <= ($TIMEOUT + $MARGIN) * 1000,
   sprintf('... each within ZcyCADatabaseTimeout + %.1f s (max %.0f ms)', $MARGIN, percentile(1, @ms)));

my @s_lock = events_of($ev, 'S', $l1, $u0);
my $s_max = percentile(1, map { $_->{ms} } @s_lock);
ok(@s_lock >= 20 && !grep({ $_->{status} != 200 } @s_lock) && $s_max < 1000,
   sprintf('static files under the lock: 200, the slowest in %.0f ms (%s)', $s_max, tally_text(@s_lock)));
my @p_lock = events_of($ev, 'P', $l1, $u0);
ok(@p_lock >= 20 && !grep({ $_->{status} != 200 } @p_lock),
   'the cached session under the lock: 200 (' . tally_text(@p_lock) . ')');

my @l_after = events_of($ev, 'L', $u1 + $TIMEOUT, undef);
ok(@l_after >= 3 && !grep({ $_->{status} != 200 } @l_after), 'logins after the release: 200 (' . tally_text(@l_after) . ')');
my ($stuck) = db()->selectrow_array(q{SELECT count(*) FROM pg_stat_activity
    WHERE application_name = 'mod_zcyca' AND state = 'active' AND wait_event_type = 'Lock'});
is($stuck, 0, 'no mod_zcyca backend is left waiting on a lock');
my @crash = crash_lines($node);
is(scalar @crash, 0, 'no child crashed (error_log)') or diag join "\n", @crash;
