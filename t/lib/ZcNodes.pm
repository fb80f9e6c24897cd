package ZcNodes;
# httpd nodes of our own for the tests that need more than the one
# Apache::Test httpd (t/80_nodes.t, the fault tests t/91_fault_*.t): each
# node is made from t/nodes/node.conf.in, on its own 127.0.0.1 port, with
# its own ServerRoot under t/nodes/run-PID/NAME; redis servers likewise.
# Everything started here is stopped in END.  The run directory is removed
# after a passing run (kept on failure, or with ZCYCA_NODES_KEEP=1); the
# warn-and-above lines of the nodes' error_logs are shown.
use strict;
use warnings FATAL => 'all';
use Exporter 'import';
use FindBin ();
use IO::Socket::INET ();
use Time::HiRes ();
use File::Path ();
use POSIX ();
use Test::More ();
use ZcTest qw(pki);

our @EXPORT = qw(start_node stop_node graceful_node node_pid node_children start_redis stop_redis redis_cli
                 log_warnings crash_lines port_open slurp spew run_dir);

my $HTTPD   = $ENV{APACHE_TEST_HTTPD} // '/usr/sbin/apache2';
my $LIBEXEC = `apxs -q LIBEXECDIR 2>/dev/null` || '/usr/lib/apache2/modules';
chomp $LIBEXEC;

my ($RUN, %nodes, %redis, %port_used);

# t/nodes/run-PID, made on first use.  Children run as nobody: every
# directory down to the node roots must be o+x.
sub run_dir {
    return $RUN if $RUN;
    $RUN = "$FindBin::Bin/nodes/run-$$";
    File::Path::make_path($RUN, { mode => 0755 });
    chmod 0755, "$FindBin::Bin/nodes", $RUN;
    $SIG{INT} = $SIG{TERM} = sub { exit 130 };   # so that END still stops the nodes
    return $RUN;
}

# A free port outside Apache::Test's (8529 up), the OCSP responder's (12000-17999) and the ephemeral (32768 up) ranges.
sub free_port {
    for (1 .. 200) {
        my $p = 20000 + int(rand(12000));
        next if $port_used{$p};
        my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $p, Proto => 'tcp', Listen => 1, ReuseAddr => 1)
            or next;
        close $s;
        $port_used{$p} = 1;
        return $p;
    }
    die "no free port\n";
}

sub port_open { IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $_[0], Proto => 'tcp', Timeout => 1) ? 1 : 0 }

sub slurp { my $f = shift; open my $fh, '<:raw', $f or return ''; local $/; my $s = <$fh>; $s // '' }

sub spew {
    my ($f, $s) = @_;
    open my $fh, '>:raw', $f or die "$f: $!";
    print $fh $s;
    close $fh;
}

# start_node(NAME, cache => 'shmcb:@DIR@/...' | 'redis:host:port', ttl => N,
#            origin => URL (default: the node's own https://127.0.0.1:PORT),
#            timeout => ZcyCADatabaseTimeout (default 3), extra => "more server-level lines")
# → {name, dir, conf, port, url} or undef.  Every node has /index.html
# (static) and /app/index.html (AuthType zcyca).
sub start_node {
    my ($name, %o) = @_;
    my $dir = run_dir() . "/$name";
    File::Path::make_path("$dir/htdocs/app", { mode => 0755 });
    chmod 0755, $dir, "$dir/htdocs", "$dir/htdocs/app";
    spew("$dir/htdocs/app/index.html", "<p>node $name</p>\n");
    spew("$dir/htdocs/index.html", "<p>static, node $name</p>\n");
    chmod 0644, "$dir/htdocs/app/index.html", "$dir/htdocs/index.html";
    my $template = slurp("$FindBin::Bin/nodes/node.conf.in") or die "t/nodes/node.conf.in missing\n";
    my $cache = $o{cache} =~ s/\@DIR\@/$dir/gr;
    for my $try (1 .. 3) {
        my $port = free_port();
        my %v = (DIR => $dir, PORT => $port, LIBEXEC => $LIBEXEC, MODULE => module(), PKI => pki(),
                 DB => $ENV{ZCYCA_DB}, CACHE => $cache, CACHE_TTL => $o{ttl}, ORIGIN => $o{origin} // "https://127.0.0.1:$port",
                 CACHE_KEY => cache_key(), TIMEOUT => $o{timeout} // 3, EXTRA => $o{extra} // '');
        (my $conf = $template) =~ s/\@([A-Z_]+)\@/defined $v{$1} ? $v{$1} : die "node.conf.in: no value for \@$1\@\n"/ge;
        spew("$dir/httpd.conf", $conf);
        unlink "$dir/error_log";
        my $out = `'$HTTPD' -d '$dir' -f '$dir/httpd.conf' -k start 2>&1`;
        my $started = $? == 0;
        my $node = { name => $name, dir => $dir, conf => "$dir/httpd.conf", port => $port,
                     url => "https://127.0.0.1:$port" };
        $nodes{$name} = $node if $started;
        my $up = 0;
        for (1 .. ($started ? 100 : 0)) {
            if (port_open($port) && node_pid($node)) { $up = 1; last }
            Time::HiRes::sleep(0.1);
        }
        return $node if $up;
        my $log = slurp("$dir/error_log");
        stop_node($name) if $nodes{$name};
        next if "$out$log" =~ /Address already in use/;   # lost a race for the port
        Test::More::diag("node $name did not start: $out\n" . join("\n", grep { defined } (split /\n/, $log)[-15 .. -1]));
        return undef;
    }
    return undef;
}

sub module { ($ENV{ZCYCA_TOP} // "$FindBin::Bin/..") . '/mod_zcyca.so' }

# The nodes' shared ZcyCASessionCacheKey file (48 random bytes), made once.
sub cache_key {
    my $f = run_dir() . '/session-cache.key';
    system("openssl rand -out '$f' 48") == 0 or die "openssl rand\n" unless -s $f;
    return $f;
}

# The pid of a node's parent process, from its pid file (undef if none).
sub node_pid { slurp("$_[0]{dir}/httpd.pid") =~ /(\d+)/ ? $1 : undef }

# The pids of a node's children (processes whose parent is the node's parent).
sub node_children {
    my $ppid = node_pid($_[0]) or return ();
    my @kids;
    for my $stat (glob '/proc/[0-9]*/stat') {
        my $s = slurp($stat);
        push @kids, $1 if $s =~ /^(\d+) .*\) \S+ (\d+) / && $2 == $ppid;
    }
    return sort { $a <=> $b } @kids;
}

# apache2 -k graceful on a node: new children with the configuration read again; the
# old ones finish the requests they have and exit.
sub graceful_node {
    my ($node) = @_;
    my $out = `'$HTTPD' -d '$node->{dir}' -f '$node->{conf}' -k graceful 2>&1`;
    Test::More::diag("graceful of node $node->{name}: $out") if $? || $out =~ /\S/;
    return $? == 0;
}

# Stops the named nodes together (-k stop), then waits for their parents to exit.
sub stop_node {
    my @pids;
    for my $name (@_) {
        my $n = delete $nodes{$name} or next;
        my $pid = node_pid($n);
        system("'$HTTPD' -d '$n->{dir}' -f '$n->{conf}' -k stop >/dev/null 2>&1");
        push @pids, $pid if $pid;
    }
    for (1 .. 100) {
        @pids = grep { kill 0, $_ } @pids or return;
        Time::HiRes::sleep(0.1);
    }
    kill 'KILL', @pids;   # only the parents we started; their children follow when they are gone
}

# A redis-server on 127.0.0.1 (a new port, or the one given), nothing saved → its port, or undef.
sub start_redis {
    my (%o) = @_;
    my $port = $o{port} // free_port();
    my $run = run_dir();
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        open STDOUT, '>>', "$run/redis-$port.log" or POSIX::_exit(1);
        open STDERR, '>&', \*STDOUT or POSIX::_exit(1);
        exec('redis-server', '--port', $port, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
             '--daemonize', 'no', '--dir', $run) or POSIX::_exit(127);
    }
    $redis{$port} = $pid;
    for (1 .. 50) {
        return $port if redis_cli($port, 'PING') eq 'PONG';
        last if waitpid($pid, POSIX::WNOHANG()) == $pid;
        Time::HiRes::sleep(0.1);
    }
    delete $redis{$port};
    Test::More::diag("redis-server did not start:\n" . slurp("$run/redis-$port.log"));
    return undef;
}

# Stops the redis-server this file started on PORT (SIGTERM) and waits for it.
sub stop_redis {
    my ($port) = @_;
    my $pid = delete $redis{$port} or return;
    kill 'TERM', $pid;
    waitpid($pid, 0);
}

sub redis_cli {
    my ($port, @args) = @_;
    my $out = `redis-cli -h 127.0.0.1 -p $port @args 2>/dev/null`;
    $out =~ s/\s+\z//;
    return $out;
}

# Lines at warn or above in a node's error_log.
sub log_warnings {
    my ($dir) = @_;
    return grep { /\[[a-z_]*:(warn|error|crit|alert|emerg)\]/ } split /\n/, slurp("$dir/error_log");
}

# Lines of a node's error_log that say a process crashed or memory broke: a child that
# died on a signal (AH00052, AH00051 with a core), glibc's heap checks, a full scoreboard.
sub crash_lines {
    my ($node) = @_;
    return grep { /exit signal|AH0005[0-2]|Segmentation fault|double free|corrupted|free\(\): |malloc\(\): |Aborted|scoreboard is full/ }
        split /\n/, slurp("$node->{dir}/error_log");
}

# Up to 20 log lines as they are; more as a count per log id (ZCYCAnnnn, AHnnnnn) with its first line.
sub summary {
    return @_ if @_ <= 20;
    my (%n, @order);
    for (@_) {
        my $id = /\b(ZCYCA\d{4}|AH\d{5})\b/ ? $1 : 'other';
        push @order, [$id, $_] unless $n{$id}++;
    }
    return (scalar(@_) . ' lines; by log id, each with its first line:',
            map { sprintf('%5d x %s', $n{ $_->[0] }, $_->[1]) } @order);
}

END {
    my $status = $?;
    stop_node(sort keys %nodes);
    stop_redis($_) for keys %redis;
    if ($RUN && -d $RUN) {
        for my $dir (sort glob "$RUN/*/") {
            my @w = log_warnings($dir) or next;
            Test::More::diag("error_log of node " . ($dir =~ m{/([^/]+)/$})[0] . " (warn and above):\n  " . join("\n  ", summary(@w)));
        }
        if ($status == 0 && Test::More->builder->is_passing && !$ENV{ZCYCA_NODES_KEEP}) {
            # once more a moment later: a child still exiting may have made a file meanwhile
            for (1 .. 2) { File::Path::remove_tree($RUN, { error => \my $e }); last unless -d $RUN; Time::HiRes::sleep(0.5) }
        }
        else { Test::More::diag("node logs kept in $RUN") }
    }
    $? = $status;
}

1;
