# Fault: apachectl graceful, twice, during a mixed load (docs/testing.md,
# "Fault tests").  A node of our own (t/lib/ZcNodes.pm: shmcb cache) takes
# mutual-TLS logins, protected requests with one session and static files
# (t/lib/ZcMix.pm) for 8 s; `apache2 -k graceful` runs at +2 s and +4.5 s.
# Every request answers 200, except at most those in flight while a graceful
# ran (none so far); sessions made before it work after it, also one never
# used before; the old children finish and exit; the parent stays; no crash.
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

plan skip_all => 'ZCYCA_DB and ZCYCA_PKI are not set: run through scripts/check'
    unless $ENV{ZCYCA_DB} && $ENV{ZCYCA_PKI};
plan tests => 13;

my $node = start_node('graceful', cache => "shmcb:\@DIR\@/zcyca_scache(512000)", ttl => 30);
ok($node, 'a node with a shmcb cache is up') or exit 1;
my $pid0 = node_pid($node);

my $reg  = make_region(uniq('graceful'), 1, 'pa');
my $cert = issue_cert(uniq('graceful'), ca => 'pa', key => 'ec');
my $acct = make_account(uniq('graceful'), region => $reg);
bind_cert($acct, 'pa', $cert);
my @cookies;
for (1 .. 2) {
    my $r = req('POST', "$node->{url}/ca/login", cert => $cert, json => { provider => 'pa' }, origin => 1,
                accept => 'application/json');
    push @cookies, 'zcyca_session=' . ($r->{cookies}{zcyca_session}{value} // '');
}
is(req('GET', "$node->{url}/app/index.html", cookie => $cookies[0])->{code}, 200,
   'two sessions before the graceful restarts; the first opens /app/ (the second is kept for after)');

my $t0 = Time::HiRes::time();
my $run = zcmix_start('graceful', node => $node, seconds => 8, logins => 2, cert => $cert, protected => 3,
                      cookie => $cookies[0], static => 1);
my (@g, %old);
for my $at (2, 4.5) {
    sleep_until($t0 + $at);
    $old{$_} = 1 for node_children($node);
    my $g0 = Time::HiRes::time();
    my $ok = graceful_node($node);
    push @g, [$g0, Time::HiRes::time(), $ok];
}
my $res = zcmix_finish($run);
my $ev = $res->{events};
diag sprintf('graceful at %+.2f s and %+.2f s (each command took %.2f s, %.2f s); children before them: %s',
             $g[0][0] - $t0, $g[1][0] - $t0, $g[0][1] - $g[0][0], $g[1][1] - $g[1][0], join(' ', sort keys %old));
phase_diag($ev, $t0, ['before', undef, $g[0][0]], ['first graceful +1 s', $g[0][0], $g[0][1] + 1],
           ['between', $g[0][1] + 1, $g[1][0]], ['second graceful +1 s', $g[1][0], $g[1][1] + 1],
           ['after', $g[1][1] + 1, undef]);
ok($g[0][2] && $g[1][2], 'apache2 -k graceful succeeded twice');

my @all = @$ev;
ok(@all > 100, 'the load made ' . scalar(@all) . ' requests') or diag $res->{log};
my @failed = grep { $_->{status} != 200 } @all;
my %flight = map { ("$_" => 1) } map { in_flight($ev, $_->[0], $_->[1]) } @g;
my @beyond = grep { !$flight{"$_"} } @failed;
diag sprintf('%d requests in flight while a graceful ran; %d failed (%s)', scalar(keys %flight), scalar @failed,
             tally_text(@failed));
is(scalar @beyond, 0, 'no request failed but those in flight during a graceful') or diag tally_text(@beyond), "\n", $res->{log};
ok(!grep({ $_->{status} >= 500 || $_->{status} == 0 } @all), 'no 5xx and no failed connection at all');
for my $k (qw(L P S)) {
    my @after = events_of($ev, $k, $g[1][1], undef);
    ok(@after >= 5 && !grep({ $_->{status} != 200 } @after),
       "after the second graceful, $k requests: 200 (" . tally_text(@after) . ')');
}
is(join(' ', map { req('GET', "$node->{url}/app/index.html", cookie => $_)->{code} } @cookies), '200 200',
   'both sessions made before work after the restarts, also the one not used before');

# The old generations finish what they have and exit.
my $left;
my $w0 = Time::HiRes::time();
for (1 .. 100) {
    my %now = map { ($_ => 1) } node_children($node);
    $left = join ' ', grep { $now{$_} } sort keys %old;
    last if $left eq '';
    Time::HiRes::sleep(0.1);
}
diag sprintf('the old children were gone %.1f s after the load ended', Time::HiRes::time() - $w0) if $left eq '';
is($left, '', 'every child of the old generations has exited (within 10 s of the load ending)');
is(node_pid($node), $pid0, 'the same parent process throughout');
my @crash = crash_lines($node);
my $restarts = () = slurp("$node->{dir}/error_log") =~ /AH00493/g;
ok(!@crash && $restarts == 2, "error_log: 2 graceful restarts (AH00493), no crash") or diag join "\n", @crash;
