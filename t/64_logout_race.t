# A session that ends while a request is between its read of the session row
# and its write to the session cache (issue 13, finding 6).  The race is made
# deterministic with a row lock: a second PostgreSQL connection holds the row
# FOR UPDATE, so a protected request with a cold cache reads the row (a plain
# SELECT does not wait) and then waits in its touch of last_seen_at (the idle
# host, 3 s, touches on every request).  While it waits, the session ends:
#   1. the row is deleted and its session event (sql/003) reaches the
#      listeners at the commit, as after a logout on another node;
#   2. the row is deleted with no session event, as while the listeners'
#      connection is down (session_replication_role = replica skips the
#      trigger).
# Then the waiting request must be refused, and a request right after it
# with the same cookie on the main host (idle 1800 s, so a cached entry there
# is served without a touch) must be refused too: the entry was not put back.
#   3. "Bump the generation when the cache lock fails": a node of its own
#      (t/nodes/node.conf.in, with the cache mutex a SysV semaphore) whose
#      semaphore is removed (as systemd-logind's RemoveIPC= can do to a
#      running server's).  A logout then cannot take the cache lock; a
#      keep-alive connection that holds the session in its memo must still
#      be refused at its next request.
use strict;
use warnings FATAL => 'all';
use utf8;
use Apache::Test qw(-withtestmore);
use FindBin ();
use lib "$FindBin::Bin/lib";
use ZcTest;
use ZcConn;
use DBI ();
use Digest::SHA ();
use File::Path ();
use File::Temp ();
use IO::Socket::INET ();
use IPC::SysV qw(GETPID IPC_RMID);
use POSIX ();
use Time::HiRes ();

plan tests => 15, need_module('zcyca');

my $reg = make_region(uniq('race'), 1, 'pa');
my $cert = issue_cert(uniq('race'), ca => 'pa', key => 'ec');
my $acct = make_account(uniq('race'), region => $reg);
bind_cert($acct, 'pa', $cert);

# A new session: (cookie pair, hex SHA-256 of the token as stored in the row).
sub new_session {
    my $r = login_tls($cert);
    my $tok = $r->{cookies}{zcyca_session}{value} // die "login failed: " . code_of($r) . "\n";
    return ("zcyca_session=$tok", Digest::SHA::sha256_hex($tok));
}

# The connection that holds the row, in a transaction of its own.
sub holder { DBI->connect("dbi:Pg:$ENV{ZCYCA_DB}", '', '', { RaiseError => 1, AutoCommit => 0, PrintError => 0 }) }

# req(...) in a child process; returns a function that waits for it and
# gives "code ERROR_CODE".  The child leaves by _exit: the parent's database
# handles must not be closed by its destructors.
sub in_background {
    my @args = @_;
    my $out = File::Temp->new;
    my $pid = fork // die "fork: $!\n";
    if (!$pid) {
        my $r = eval { req(@args) } // { code => 0 };
        if (open my $fh, '>', $out->filename) { print {$fh} code_of($r); close $fh }
        POSIX::_exit(0);
    }
    return sub {
        waitpid $pid, 0;
        open my $fh, '<', $out->filename or return '';
        local $/;
        return <$fh> // '';
    };
}

# The statement that waits for the holder's lock (polled for up to 5 s).
sub waiting_behind {
    my $holder = shift;
    for (1 .. 100) {
        my ($q) = db()->selectrow_array('SELECT query FROM pg_stat_activity WHERE ? = ANY (pg_blocking_pids(pid))',
                                        undef, $holder->{pg_pid});
        return $q if $q;
        Time::HiRes::sleep(0.05);
    }
    return '';
}

my $lock_row = "SELECT 1 FROM zcyca.sessions WHERE token_hash = decode(?, 'hex') FOR UPDATE";
my $delete_row = "DELETE FROM zcyca.sessions WHERE token_hash = decode(?, 'hex')";

for my $case (['with its session event', 0], ['with no session event', 1]) {
    my ($how, $silent) = @$case;
    my ($cookie, $hash) = new_session();
    my $h = holder();
    $h->do($lock_row, undef, $hash);
    my $wait = in_background('GET', idle_url('/app/index.html'), cookie => $cookie, accept => 'application/json');
    like(waiting_behind($h), qr/^UPDATE zcyca\.sessions s SET last_seen_at/,
         "$how: a request read the session and waits in its touch");
    $h->do('SET LOCAL session_replication_role = replica') if $silent;
    $h->do($delete_row, undef, $hash);
    $h->commit;
    $h->disconnect;
    is($wait->(), '401 LOGIN_REQUIRED', "$how: the session ended meanwhile, so that request is refused");
    is(code_of(req('GET', tls_url('/app/index.html'), cookie => $cookie, accept => 'application/json')), '401 LOGIN_REQUIRED',
       "$how: ... and not put back in the cache: the next request is refused too");
}

# --- 3. the cache lock fails ----------------------------------------------------------
my $TOP = $ENV{ZCYCA_TOP} // "$FindBin::Bin/..";
my $HTTPD = $ENV{APACHE_TEST_HTTPD} // '/usr/sbin/apache2';
my $LIBEXEC = `apxs -q LIBEXECDIR 2>/dev/null` || '/usr/lib/apache2/modules';
chomp $LIBEXEC;
my $ORIGIN = 'https://portal.example';   # node.conf.in's ZcyCAOrigin
my $RUN = "$FindBin::Bin/nodes/run-race-$$";   # (.gitignore: /t/nodes/run-*/)
my $node;

sub slurp { my $f = shift; open my $fh, '<:raw', $f or return ''; local $/; my $s = <$fh>; $s // '' }
sub spew { my ($f, $s) = @_; open my $fh, '>:raw', $f or die "$f: $!\n"; print {$fh} $s; close $fh }

# The node of t/80_nodes.t with a shmcb cache (TTL 30 s) whose mutex is a
# SysV semaphore, on a free port (20000-31999, as t/80); → its URL or undef.
sub start_node {
    File::Path::make_path("$RUN/htdocs/app", { mode => 0755 });
    chmod 0755, "$FindBin::Bin/nodes", $RUN, "$RUN/htdocs", "$RUN/htdocs/app";
    spew("$RUN/htdocs/app/index.html", "<p>race</p>\n");
    chmod 0644, "$RUN/htdocs/app/index.html";
    system("openssl rand -out '$RUN/session-cache.key' 48") == 0 or die "openssl rand\n";
    my $template = slurp("$FindBin::Bin/nodes/node.conf.in") or die "t/nodes/node.conf.in missing\n";
    $template =~ s/^Mutex pthread zcyca-session-cache$/Mutex sysvsem zcyca-session-cache/m or die "node.conf.in: no cache Mutex line\n";
    $template =~ s/^LogLevel .*$/LogLevel warn zcyca:trace1/m;
    for (1 .. 5) {
        my $port = 20000 + int(rand(12000));
        IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $port, Proto => 'tcp', Listen => 1, ReuseAddr => 1)
            or next;
        my %v = (DIR => $RUN, PORT => $port, LIBEXEC => $LIBEXEC, MODULE => "$TOP/mod_zcyca.so", PKI => pki(),
                 DB => $ENV{ZCYCA_DB}, CACHE => "shmcb:$RUN/zcyca_scache(512000)", CACHE_TTL => 30, ORIGIN => $ORIGIN,
                 CACHE_KEY => "$RUN/session-cache.key", TIMEOUT => 3, EXTRA => '');
        (my $conf = $template) =~ s/\@([A-Z_]+)\@/$v{$1} \/\/ die "node.conf.in: no value for \@$1\@\n"/ge;
        spew("$RUN/httpd.conf", $conf);
        my $out = `'$HTTPD' -d '$RUN' -f '$RUN/httpd.conf' -k start 2>&1`;
        next if $out =~ /Address already in use/;
        return undef if $?;
        $node = "https://127.0.0.1:$port";
        for (1 .. 100) {
            return $node if IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Proto => 'tcp', Timeout => 1);
            Time::HiRes::sleep(0.1);
        }
        return undef;
    }
    return undef;
}

sub stop_node {
    my $pid = slurp("$RUN/httpd.pid") =~ /(\d+)/ ? $1 : return;
    system("'$HTTPD' -d '$RUN' -f '$RUN/httpd.conf' -k stop >/dev/null 2>&1");
    for (1 .. 100) { kill(0, $pid) or return; Time::HiRes::sleep(0.1) }
    kill 'KILL', $pid;   # only the parent this test started
}

# The node's SysV semaphores: those a child of its parent used last.
sub node_semaphores {
    my $parent = slurp("$RUN/httpd.pid") =~ /(\d+)/ ? $1 : return ();
    my %child = map { (slurp($_) =~ /^\d+ \(.*\) \S (\d+)/ && $1 == $parent) ? (m{/proc/(\d+)/} => 1) : () }
                glob '/proc/[0-9]*/stat';
    my @ids = map { (split)[1] } grep { /^\s*-?\d+\s+\d+/ } split /\n/, slurp('/proc/sysvipc/sem');
    return grep { my $p = semctl($_, 0, GETPID, 0); $p && $child{ $p + 0 } } @ids;
}

END {
    my $status = $?;
    if ($node) {
        stop_node();
        my @w = grep { /:(warn|error|crit|alert|emerg)\]/ } split /\n/, slurp("$RUN/error_log");
        diag "error_log of the node (warn and above):\n  " . join("\n  ", @w) if @w && !Test::More->builder->is_passing;
    }
    if (-d $RUN) {
        if ($status == 0 && Test::More->builder->is_passing) { File::Path::remove_tree($RUN) }
        else { diag "node files kept in $RUN" }
    }
    $? = $status;
}

SKIP: {
    skip 'no /proc/sysvipc (SysV IPC) here', 9 unless -r '/proc/sysvipc/sem';
    ok(start_node(), 'a node whose session cache lock is a SysV semaphore') or skip 'the node did not start', 8;
    my $r = req('POST', "$node/ca/login", cert => $cert, json => { provider => 'pa' }, origin => $ORIGIN,
                accept => 'application/json');
    my $cookie = "zcyca_session=" . ($r->{cookies}{zcyca_session}{value} // '');
    is($r->{code}, 200, 'a login on the node');
    my $memo_lines = sub { scalar(() = slurp("$RUN/error_log") =~ /ZCYCA0202:/g) };
    my $k = ZcConn->new($node, ca => pki() . '/server-ca.crt');
    my $ok = 0;
    $ok += $k->get('/app/index.html', cookie => $cookie)->{code} == 200 for 1 .. 3;
    is($ok, 3, 'three requests on one keep-alive connection');
    cmp_ok($memo_lines->(), '>=', 1, '... the last one from the connection memo');
    my @sems = node_semaphores();
    is(scalar @sems, 1, "the node's one semaphore, found by the pid that used it last");
    ok(@sems && semctl($sems[0], 0, IPC_RMID, 0), '... is removed: the cache lock fails from now on');
    $r = req('POST', "$node/ca/logout", cookie => $cookie, json => {}, origin => $ORIGIN, accept => 'application/json');
    is($r->{code}, 204, 'a logout on another connection');
    ok(slurp("$RUN/error_log") =~ /ZCYCA1706: session cache lock failed/, '... which could not take the lock (ZCYCA1706)');
    is(code_of($k->get('/app/index.html', cookie => $cookie, accept => 'application/json')), '401 LOGIN_REQUIRED',
       'the connection that held the session in its memo is refused at once');
    $k->close;
}
