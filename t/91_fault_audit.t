# Fault: the audit insert fails during a mixed load (docs/testing.md, "Fault
# tests"; why the login goes on: docs/decisions.md, "A failed audit write does
# not fail the login").  A node of our own (t/lib/ZcNodes.pm) takes logins with
# a bound key, logins with a key bound to nobody, protected requests and static
# files (t/lib/ZcMix.pm) for 6 s.  From +2 s to +4 s a trigger makes every
# INSERT into zcyca.audit for these two keys raise an error.  Throughout, the
# logins are decided as before: 200 for the bound key (and its session works),
# 401 NOT_BOUND for the other; meanwhile no audit row is written for them and
# each login logs ZCYCA0401; once the trigger is gone, rows are written again.
# Never a 500 or a failed connection.
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

my $node = start_node('audit', cache => "shmcb:\@DIR\@/zcyca_scache(512000)", ttl => 30);
ok($node, 'a node is up') or exit 1;

my $reg  = make_region(uniq('audit'), 1, 'pa');
my $good = issue_cert(uniq('audit-good'), ca => 'pa', key => 'ec');
my $bad  = issue_cert(uniq('audit-nobody'), ca => 'pa', key => 'ec');
my $acct = make_account(uniq('audit'), region => $reg);
bind_cert($acct, 'pa', $good);
my @keys = (spki_sha256($good), spki_sha256($bad));

sub login { req('POST', "$node->{url}/ca/login", cert => $_[0], json => { provider => 'pa' }, origin => 1,
                accept => 'application/json') }
# "CODE CODE SESSION": the bound key's login, the other key's, and the bound key's session on /app/.
sub decisions {
    my $g = login($good);
    my $cookie = 'zcyca_session=' . ($g->{cookies}{zcyca_session}{value} // '');
    return join ' ', code_of($g), code_of(login($bad)), req('GET', "$node->{url}/app/index.html", cookie => $cookie)->{code};
}
# Audit rows of the two keys written in [FROM, TO] (epoch seconds).
sub audit_rows {
    my ($from, $to) = @_;
    return scalar db()->selectrow_array(
        'SELECT count(*) FROM zcyca.audit WHERE key_id IN (?, ?) AND at BETWEEN to_timestamp(?) AND to_timestamp(?)',
        undef, @keys, $from, $to);
}
my $refused;
sub refuse_audit {
    $refused = 1;
    db()->do(q{CREATE OR REPLACE FUNCTION public.zc_fault_audit_refused() RETURNS trigger LANGUAGE plpgsql
               AS $$BEGIN RAISE EXCEPTION 'audit refused by t/91_fault_audit.t'; END$$});
    db()->do(sprintf(q{CREATE TRIGGER zc_fault_audit_refused BEFORE INSERT ON zcyca.audit FOR EACH ROW
                       WHEN (NEW.key_id IN ('%s', '%s')) EXECUTE FUNCTION public.zc_fault_audit_refused()}, @keys));
}
sub allow_audit {
    $refused = 0;
    db()->do('DROP TRIGGER IF EXISTS zc_fault_audit_refused ON zcyca.audit');
    db()->do('DROP FUNCTION IF EXISTS public.zc_fault_audit_refused()');
}
END { allow_audit() if $refused }

my $expected = '200 (no code) 401 NOT_BOUND 200';
is(decisions(), $expected, 'before the fault: the bound key logs in (and its session works), the other gets NOT_BOUND');
my $r = login($good);
my $cookie = 'zcyca_session=' . ($r->{cookies}{zcyca_session}{value} // '');

my $t0 = Time::HiRes::time();
my $run = zcmix_start('audit', node => $node, seconds => 6, logins => 2, cert => $good, protected => 1,
                      cookie => $cookie, static => 1);
my $run_bad = zcmix_start('audit-nobody', node => $node, seconds => 6, logins => 1, cert => $bad);
sleep_until($t0 + 2);
my $f0 = Time::HiRes::time();
refuse_audit();
my $f1 = Time::HiRes::time();
my $during = decisions();
sleep_until($t0 + 4);
my $log_mark = length slurp("$node->{dir}/error_log");
my $e0 = Time::HiRes::time();
allow_audit();
my $e1 = Time::HiRes::time();
my $res = zcmix_finish($run);
my $res_bad = zcmix_finish($run_bad);
my $after = decisions();
my @ev = sort { $a->{t} <=> $b->{t} } @{ $res->{events} }, map { { %$_, kind => 'N' } } @{ $res_bad->{events} };
my $ev = \@ev;
diag sprintf('audit inserts refused from %+.2f s to %+.2f s', $f1 - $t0, $e0 - $t0);
phase_diag($ev, $t0, ['before', undef, $f0], ['audit refused', $f1, $e0], ['audit back', $e1, undef]);
for my $ph (['before', undef, $f0], ['audit refused', $f1, $e0], ['audit back', $e1, undef]) {
    diag sprintf('%-22s logins with the key bound to nobody: %s', $ph->[0], tally_text(events_of($ev, 'N', $ph->[1], $ph->[2])));
}

is($during, $expected, 'with the audit insert failing: the same decisions, and the session works');
is($after, $expected, '... and after');
ok(!grep({ $_->{status} >= 500 || $_->{status} == 0 } @ev), 'no 5xx and no failed connection in the load');
for my $ph (['before', undef, $f0], ['while the audit insert fails', $f1, $e0], ['after', $e1, undef]) {
    my @g = events_of($ev, 'L', $ph->[1], $ph->[2]);
    my @n = events_of($ev, 'N', $ph->[1], $ph->[2]);
    ok(@g >= 5 && @n >= 2 && !grep({ !($_->{status} == 200 && $_->{code} eq 'account') } @g)
       && !grep({ !($_->{status} == 401 && $_->{code} eq 'NOT_BOUND') } @n),
       "$ph->[0]: the bound key 200, the other 401 NOT_BOUND (" . tally_text(@g) . '; ' . tally_text(@n) . ')');
}
ok(!grep({ $_->{status} != 200 } grep { $_->{kind} =~ /[PS]/ } @ev), 'protected and static requests: all 200');

my ($rows_before, $rows_during, $rows_after) = (audit_rows($t0, $f0), audit_rows($f1 + 0.1, $e0 - 0.1), audit_rows($e1 + 0.1, time + 1));
diag "audit rows of the two keys: $rows_before before, $rows_during while refused, $rows_after after";
is($rows_during, 0, 'no audit row was written while the insert failed');
ok($rows_before >= 5 && $rows_after >= 5, '... and rows were written before and after');
my $log = substr(slurp("$node->{dir}/error_log"), 0, $log_mark);
my $n_ok = () = $log =~ /ZCYCA0401: audit row for login \(success\) was not written/g;
my $n_fail = () = $log =~ /ZCYCA0401: audit row for login \(failure\) was not written/g;
my @l_during = grep { $_->{t} + $_->{ms} / 1000 < $e0 } events_of($ev, 'L', $f1, $e0);   # begun and answered while refused
diag "ZCYCA0401 lines: $n_ok for successes, $n_fail for failures";
ok($n_ok >= @l_during && $n_fail >= 2, 'each login whose row was refused logs ZCYCA0401 (successes and failures)');
my @crash = crash_lines($node);
is(scalar @crash, 0, 'no child crashed (error_log)') or diag join "\n", @crash;
