# Fault: the shared redis session cache stopped during a mixed load, then
# started again (docs/testing.md, "Fault tests"; the behaviour is the one
# docs/nodes.md gives for redis down).  A node of our own (t/lib/ZcNodes.pm:
# ZcyCASessionCache redis:127.0.0.1:PORT, TTL 30, one child) takes mutual-TLS logins,
# protected requests with one session and static files (t/lib/ZcMix.pm);
# redis gets SIGTERM at +1.5 s (nothing saved: it comes back empty) and is
# started again on the same port at +3.5 s.  While it is down every request
# still answers 200: the session check reads PostgreSQL instead of the cache;
# once it is back (after 5 to 25 s: apr_redis, see below), the session's
# entry is in redis again and the session is read from it, not from
# PostgreSQL.  Never a 500 or a failed connection.  The load ends 1.5 s
# after that.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin ();
use lib "$FindBin::Bin/lib";
use Test::More;
use ZcTest;
use ZcNodes;
use ZcMix;
use Digest::SHA ();
use Time::HiRes ();

plan skip_all => 'ZCYCA_DB and ZCYCA_PKI are not set: run through scripts/check'
    unless $ENV{ZCYCA_DB} && $ENV{ZCYCA_PKI};
plan tests => 13;

my $RECOVERY = 25;   # the longest wait for the entry to be back in redis

my $rport = start_redis();
# One child: each child finds redis again on its own, and keep-alive connections move between
# children, so with two the look-ups after recovery would depend on where they land.
my $node = $rport && start_node('redis', cache => "redis:127.0.0.1:$rport", ttl => 30,
                                extra => "ServerLimit 1\nMaxRequestWorkers 10");
ok($rport && $node, 'redis and a node whose session cache it is are up') or exit 1;

my $reg  = make_region(uniq('redis'), 1, 'pa');
my $cert = issue_cert(uniq('redis'), ca => 'pa', key => 'ec');
my $acct = make_account(uniq('redis'), region => $reg);
bind_cert($acct, 'pa', $cert);
my $r = req('POST', "$node->{url}/ca/login", cert => $cert, json => { provider => 'pa' }, origin => 1,
            accept => 'application/json');
my $token = $r->{cookies}{zcyca_session}{value} // '';
my $cookie = "zcyca_session=$token";
my $key = 'zcyca-session:' . Digest::SHA::sha256_hex($token);
is($r->{code} . ' ' . req('GET', "$node->{url}/app/index.html", cookie => $cookie)->{code}, '200 200',
   'a login before the fault, and its session opens /app/');
is(redis_cli($rport, 'EXISTS', $key), '1', '... and is cached in redis');

# The session look-ups in PostgreSQL (pg_stat_statements, as in t/62_session_cache.t).
sub session_gets { statement_calls('%FROM zcyca.sessions s JOIN zcyca.accounts%') }

my $t0 = Time::HiRes::time();
my $run = zcmix_start('redis', node => $node, seconds => 30, logins => 2, cert => $cert, protected => 3,
                      cookie => $cookie, static => 1);
sleep_until($t0 + 1.5);
my $q0 = session_gets();
my $s0 = Time::HiRes::time();
stop_redis($rport);
my $s1 = Time::HiRes::time();
sleep_until($t0 + 3.5);
my $q1 = session_gets();
my $a0 = Time::HiRes::time();
my $back = start_redis(port => $rport);
my $a1 = Time::HiRes::time();
# Back in redis: the first protected request that finds no entry puts it there again; then
# recovered means a 0.5 s window without a session look-up in PostgreSQL under the load.
my ($again, $quiet);
while (Time::HiRes::time() < $a1 + $RECOVERY) {
    $again //= Time::HiRes::time() if redis_cli($rport, 'EXISTS', $key) eq '1';
    if (!$again) { Time::HiRes::sleep(0.05); next }
    my ($w0, $q) = (Time::HiRes::time(), session_gets());
    Time::HiRes::sleep(0.5);
    if (session_gets() == $q) { $quiet = $w0; last }
}
my $q2 = session_gets();
sleep_until(($quiet // $t0) + 1.5);
my $q3 = session_gets();
zcmix_stop($run);
my $res = zcmix_finish($run);
my $ev = $res->{events};
diag sprintf('redis stopped at %+.2f s (it took %.2f s), started again at %+.2f..%+.2f s; the session was back in '
             . 'redis %s, and not read from PostgreSQL any more %s', $s0 - $t0, $s1 - $s0, $a0 - $t0, $a1 - $t0,
             map { $_ ? sprintf('%.2f s after redis was back', $_ - $a1) : 'never' } $again, $quiet);
phase_diag($ev, $t0, ['before', undef, $s0], ['redis down', $s1, $a0], ['redis back', $a1, $quiet],
           ['read from redis again', $quiet, undef]);
my @p_down = events_of($ev, 'P', $s1, $a0);
my @p_tail = $quiet ? events_of($ev, 'P', $quiet + 0.5, $quiet + 1.5) : ();
diag sprintf('session look-ups in PostgreSQL: %d while redis was down (%d protected requests), %d in the 1 s '
             . 'after that (%d protected requests)', $q1 - $q0, scalar @p_down, $q3 - $q2, scalar @p_tail);

ok($back, 'redis started again on the same port');
my @all = @$ev;
ok(@all > 100, 'the load made ' . scalar(@all) . ' requests') or diag $res->{log};
my @failed = grep { $_->{status} != 200 } @all;
is(scalar @failed, 0, 'every request answered 200, before, during and after (no 500, no failed connection)')
    or diag tally_text(@failed), "\n", $res->{log};
for my $k (qw(L P S)) {
    my @down = events_of($ev, $k, $s1, $a0);
    my $max = percentile(1, map { $_->{ms} } @down);
    ok(@down >= 5 && $max < 1000, sprintf('%s requests while redis was down: %d, the slowest in %.0f ms', $k, scalar @down, $max));
}
ok($q1 - $q0 >= @p_down / 2, 'while redis was down, the session was read from PostgreSQL (' . ($q1 - $q0) . ' look-ups)');
# apr_redis (apr-util 1.6) marks the server dead at the first failure and tries it again
# every 5 s, per child, with a PING down a pooled connection; a connection made before the
# restart fails that PING twice (first the read, then the write) before it is dropped, and
# idle ones beyond the first are dropped only after RedisConnPoolTTL (15 s).  So a node uses
# redis again 5 to 25 s after it failed, and at least one retry after redis is back.
ok($again && $quiet && $quiet - $a1 < $RECOVERY,
   sprintf('the session is in redis again %.2f s after redis was back, and read from it %.2f s '
           . 'after (at most %d s: apr_redis)', ($again // 0) - $a1, ($quiet // 0) - $a1, $RECOVERY));
ok(@p_tail >= 10 && $q3 - $q2 == 0, "... then no look-up in PostgreSQL for 1 s of load (" . ($q3 - $q2) . ')');
my @crash = crash_lines($node);
is(scalar @crash, 0, 'no child crashed (error_log)') or diag join "\n", @crash;
