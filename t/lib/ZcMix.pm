package ZcMix;
# The mixed load of the fault tests (t/91_fault_*.t): zcmix (t/faults/zcmix.c)
# built on first use, run in the background against a node of
# t/lib/ZcNodes.pm, and its record read back: one event per request, with the
# wall-clock time it started, so that a test can cut the run into the
# phases of its fault (before, during, after) and count the answers of each.
use strict;
use warnings FATAL => 'all';
use Exporter 'import';
use FindBin ();
use File::Path ();
use POSIX ();
use Time::HiRes ();
use Test::More ();
use ZcTest qw(pki);
use ZcNodes qw(run_dir slurp);

our @EXPORT = qw(zcmix_start zcmix_stop zcmix_finish events_of tally tally_text in_flight phase_diag percentile
                 sleep_until pg_run);

my $TOP = $ENV{ZCYCA_TOP} // "$FindBin::Bin/..";

# .run/faults/zcmix, compiled again when t/faults/zcmix.c or bench/zcbench.h is newer.
sub zcmix_bin {
    my $src = "$TOP/t/faults/zcmix.c";
    my $dir = "$TOP/.run/faults";
    my $bin = "$dir/zcmix";
    return $bin if -x $bin && -M $bin < -M $src && -M $bin < -M "$TOP/bench/zcbench.h";
    File::Path::make_path($dir);
    my $cmd = "gcc -std=c11 -O2 -Wall -Wextra -Werror -o '$bin.tmp' '$src' \$(pkg-config --cflags --libs libcurl) -pthread";
    system("$cmd 2>&1") == 0 or die "cannot build zcmix (libcurl4-openssl-dev?): $cmd\n";
    rename "$bin.tmp", $bin or die "$bin: $!\n";
    return $bin;
}

# zcmix_start(LABEL, node => NODE, seconds => S, logins => N, cert => NAME, protected => N,
#             cookie => 'zcyca_session=...', static => N, pause_ms => MS, timeout_ms => MS)
# → a handle for zcmix_finish.  The run starts within a few milliseconds.
sub zcmix_start {
    my ($label, %o) = @_;
    my $bin = zcmix_bin();
    my $out = run_dir() . "/zcmix-$label.events";
    my $log = run_dir() . "/zcmix-$label.log";
    my @args = ('--url', $o{node}{url}, '--cacert', pki() . '/server-ca.crt', '--seconds', $o{seconds},
                '--out', $out, '--pause-ms', $o{pause_ms} // 20, '--timeout-ms', $o{timeout_ms} // 15000);
    if ($o{logins}) {
        my $c = $o{cert};
        my $chain = -f pki() . "/$c-chain.crt" ? pki() . "/$c-chain.crt" : pki() . "/$c.crt";
        push @args, '--logins', $o{logins}, '--cert', $chain, '--key', pki() . "/$c.key",
                    '--provider', $o{provider} // 'pa';
    }
    push @args, '--protected', $o{protected}, '--cookie', $o{cookie} if $o{protected};
    push @args, '--static', $o{static} if $o{static};
    my $t0 = Time::HiRes::time();
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        open STDOUT, '>', $log or POSIX::_exit(1);
        open STDERR, '>&', \*STDOUT or POSIX::_exit(1);
        exec($bin, @args) or POSIX::_exit(127);
    }
    return { label => $label, pid => $pid, out => $out, log => $log, t0 => $t0, seconds => $o{seconds} };
}

# Ends the run now (SIGTERM: no request starts after it); zcmix_finish then reads it.
sub zcmix_stop { kill 'TERM', $_[0]{pid} }

# Waits for the run to end → { events => [...], log => its output, status => exit status }.
# An event: { t => start (epoch s), kind => L|P|S, status, ms, code, ra (Retry-After) }.
sub zcmix_finish {
    my ($h) = @_;
    my $deadline = Time::HiRes::time() + $h->{seconds} + 30;
    my $done;
    while (!($done = waitpid($h->{pid}, POSIX::WNOHANG()))) {
        if (Time::HiRes::time() > $deadline) { kill 'KILL', $h->{pid}; waitpid($h->{pid}, 0); last }
        Time::HiRes::sleep(0.05);
    }
    my $status = $done > 0 ? $? : -1;
    my @ev;
    for (split /\n/, slurp($h->{out})) {
        my ($t, $kind, $code, $ms, $err, $ra) = split ' ';
        push @ev, { t => $t, kind => $kind, status => $code, ms => $ms, code => $err, ra => $ra };
    }
    @ev = sort { $a->{t} <=> $b->{t} } @ev;
    return { events => \@ev, log => slurp($h->{log}), status => $status };
}

# The events of KIND (L, P, S or undef for all) that started in [FROM, TO).
sub events_of {
    my ($ev, $kind, $from, $to) = @_;
    return grep { (!defined $kind || $_->{kind} eq $kind) && (!defined $from || $_->{t} >= $from)
                  && (!defined $to || $_->{t} < $to) } @$ev;
}

# { "STATUS CODE" => count } of events (the code only for answers other than 200).
sub tally {
    my %n;
    $n{ $_->{status} == 200 ? '200' : "$_->{status} $_->{code}" }++ for @_;
    return \%n;
}
sub tally_text {
    my $n = tally(@_);
    return join(', ', map { "$_: $n->{$_}" } sort keys %$n) || 'none';
}

# The events that were in flight at any moment of [FROM, TO].
sub in_flight {
    my ($ev, $from, $to) = @_;
    return grep { $_->{t} <= $to && $_->{t} + $_->{ms} / 1000 >= $from } @$ev;
}

sub sleep_until {
    my $left = $_[0] - Time::HiRes::time();
    Time::HiRes::sleep($left) if $left > 0;
}

# A function of scripts/lib/pg.sh on the suite's PostgreSQL (ZCYCA_PG_DIR): zc_pg_kill,
# zc_pg_stop, zc_pg_resume → (time it was called, time it returned), or dies.
sub pg_run {
    my ($fn) = @_;
    my $t0 = Time::HiRes::time();
    system('bash', '-c', ". '$TOP/scripts/lib/pg.sh' && $fn '$ENV{ZCYCA_PG_DIR}'") == 0 or die "$fn failed\n";
    return ($t0, Time::HiRes::time());
}

sub percentile {
    my ($p, @v) = @_;
    return 0 unless @v;
    @v = sort { $a <=> $b } @v;
    return $v[ int($p * $#v + 0.5) ];
}

# A diag table: one line per phase [NAME, FROM, TO] and kind, with the answers and the
# latencies (ms, p50 / max); times relative to T0.
sub phase_diag {
    my ($ev, $t0, @phases) = @_;
    my %kn = (L => 'logins', P => 'protected', S => 'static');
    my @lines;
    for my $ph (@phases) {
        my ($name, $from, $to) = @$ph;
        for my $k (qw(L P S)) {
            my @e = events_of($ev, $k, $from, $to) or next;
            my @ms = map { $_->{ms} } @e;
            push @lines, sprintf('%-22s %+6.2f..%+6.2f s %-9s %4d: %s; ms p50 %.0f max %.0f', $name,
                                 ($from // $ev->[0]{t}) - $t0, ($to // $ev->[-1]{t}) - $t0, $kn{$k}, scalar @e,
                                 tally_text(@e), percentile(0.5, @ms), percentile(1, @ms));
        }
    }
    Test::More::diag(join "\n", @lines);
}

1;
