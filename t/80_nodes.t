# Several httpd nodes behind one public origin, sharing one PostgreSQL
# (docs/nodes.md).  This file does not use the Apache::Test httpd: it starts
# its own nodes (t/lib/ZcNodes.pm, from t/nodes/node.conf.in), each on its own
# 127.0.0.1 port with its own ServerRoot under t/nodes/run-PID, and stops them
# in END.  The run directory is removed after a passing run (kept on failure,
# or with ZCYCA_NODES_KEEP=1); warn-and-above lines of the nodes' error_logs are shown.
#   1. per-node shmcb (TTL 30 s): a login on A works on B; a logout on B ends
#      the session on B at once and on A within 1 s (the session event from
#      PostgreSQL, not the TTL); an account disabled in the database ends its
#      sessions on both; the listeners survive losing their connections;
#   2. a challenge issued by A is consumed by a login on B, exactly once
#      (on the same two nodes);
#   3. one redis shared by A and B: the entry is in redis, B serves A's
#      session from it, and a logout on B ends the session on A at once.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin ();
use lib "$FindBin::Bin/lib";
use Test::More;
use ZcTest;
use ZcConn;
use ZcNodes;
use Time::HiRes ();
use Digest::SHA ();
use JSON::PP ();
use File::Temp ();

plan skip_all => 'ZCYCA_DB and ZCYCA_PKI are not set: run through scripts/check'
    unless $ENV{ZCYCA_DB} && $ENV{ZCYCA_PKI};
plan tests => 52;

my $ORIGIN  = 'https://portal.example';   # the balancer's origin, configured on every node
my $SHMCB_TTL = 30;   # long: the session events, not the TTL, must end sessions
my $REDIS_TTL = 60;
my $MODULE = ($ENV{ZCYCA_TOP} // "$FindBin::Bin/..") . '/mod_zcyca.so';

# --- helpers --------------------------------------------------------------------------
sub get {
    my ($node, $path, $cookie) = @_;
    return req('GET', $node->{url} . $path, cookie => $cookie, accept => 'application/json');
}
sub post {
    my ($node, $path, %o) = @_;
    return req('POST', $node->{url} . $path, origin => $ORIGIN, accept => 'application/json', %o);
}
sub login_on {
    my ($node, $cert) = @_;
    my $r = post($node, '/ca/login', cert => $cert, json => { provider => 'pa' });
    $r->{cookie} = "zcyca_session=$r->{cookies}{zcyca_session}{value}" if $r->{cookies}{zcyca_session};
    return $r;
}
sub logout_on { my ($node, $cookie) = @_; post($node, '/ca/logout', cookie => $cookie, json => {}) }
# Poll NODE every 50 ms for up to SECS until it answers 401 to COOKIE.
# → (seconds it took or undef, "t:code ..." of the answers seen).
sub refused_within {
    my ($node, $cookie, $secs) = @_;
    my $t0 = Time::HiRes::time();
    my @seen;
    while ((my $t = Time::HiRes::time() - $t0) < $secs) {
        my $code = get($node, '/app/index.html', $cookie)->{code};
        push @seen, sprintf('%.2f:%s', Time::HiRes::time() - $t0, $code);
        return (Time::HiRes::time() - $t0, "@seen") if $code == 401;
        Time::HiRes::sleep(0.05);
    }
    return (undef, "@seen");
}
sub token_of { ($_[0] // '') =~ /^zcyca_session=(.+)$/ ? $1 : '' }
sub session_login { my $r = shift; $r->{json} && $r->{json}{account} ? $r->{json}{account}{login} // '' : '' }

# The session look-ups in PostgreSQL (pg_stat_statements, as in t/62_session_cache.t).
sub session_gets { statement_calls('%FROM zcyca.sessions s JOIN zcyca.accounts%') }

ok(-f $MODULE, "the built module is there ($MODULE)") or diag 'build first: make';

my $reg  = make_region(uniq('nodes'), 1, 'pa');
my $cert = issue_cert(uniq('nodes'), ca => 'pa', key => 'ec');
my $acct = make_account(uniq('nodes'), region => $reg);
bind_cert($acct, 'pa', $cert);
my $login = login_of($acct);

# --- 1. per-node shmcb -------------------------------------------------------------------
my $shm_a = start_node('shm-a', cache => "shmcb:\@DIR\@/zcyca_scache(512000)", ttl => $SHMCB_TTL, origin => $ORIGIN);
my $shm_b = start_node('shm-b', cache => "shmcb:\@DIR\@/zcyca_scache(512000)", ttl => $SHMCB_TTL, origin => $ORIGIN);
ok($shm_a && $shm_b, 'nodes A and B with per-node shmcb caches are up');
{
    my ($a, $b) = ($shm_a, $shm_b);
    SKIP: {
        skip 'nodes did not start', 19 unless $a && $b;
        my $r = login_on($a, $cert);
        is($r->{code}, 200, 'mutual-TLS login on A') or diag code_of($r), ' ', $r->{body};
        my $cookie = $r->{cookie};
        ok(token_of($cookie), '... gives a session cookie');

        $r = get($a, '/app/index.html', $cookie);
        is($r->{code}, 200, 'the cookie opens /app/ on A (A caches the session)');
        $r = get($b, '/app/index.html', $cookie);
        is($r->{code}, 200, 'the same cookie opens /app/ on B');
        like($r->{body}, qr/node shm-b/, '... and B served it');
        $r = get($b, '/ca/session', $cookie);
        is(session_login($r), $login, 'GET /ca/session on B shows the same account');
        is(session_login(get($a, '/ca/session', $cookie)), $login, '... as on A');

        $r = logout_on($b, $cookie);
        is($r->{code}, 204, 'logout on B');
        my $t0 = Time::HiRes::time();
        is(get($b, '/app/index.html', $cookie)->{code}, 401, 'B refuses the cookie at once after its own logout');
        is(get($b, '/ca/session', $cookie)->{code}, 401, '... and GET /ca/session on B says LOGIN_REQUIRED');

        # A holds the entry in its own shmcb for up to the TTL (30 s here),
        # but the session event from PostgreSQL takes it out at once.
        my ($after, $seen) = refused_within($a, $cookie, 1.5);
        diag(sprintf('shmcb: A refused %s after the logout on B (ZcyCASessionCacheTTL %d s; answers: %s)',
                     defined $after ? sprintf('%.2f s', $after) : 'never', $SHMCB_TTL, $seen));
        ok(defined $after && $after <= 1, 'A refuses the cookie within 1 s of the logout on B (session event)')
            or diag "A's answers: $seen";

        # An account disabled by the platform: both nodes drop its sessions.
        $r = login_on($a, $cert);
        my $c2 = $r->{cookie};
        is(get($a, '/app/index.html', $c2)->{code} . get($b, '/app/index.html', $c2)->{code}, '200200',
           'a new session, cached on A and on B');
        db()->do("UPDATE zcyca.accounts SET status = 'disabled' WHERE login = ?", undef, $login);
        my ($ta) = refused_within($a, $c2, 1.5);
        my ($tb) = refused_within($b, $c2, 1.5);
        ok(defined $ta && defined $tb && $ta <= 1 && $tb <= 1,
           'the account disabled in the database: A and B refuse its session within 1 s');
        db()->do("UPDATE zcyca.accounts SET status = 'active' WHERE login = ?", undef, $login);

        # The listeners lose their connections (a PostgreSQL restart, a
        # failover): they come back, and events work again.
        my $killed = db()->selectrow_array(q{SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                                             WHERE query = 'LISTEN zcyca_session_gone'});
        ok($killed >= 2, "the nodes' session-event connections are cut ($killed)");
        my $back = 0;
        for (1 .. 50) {
            $back = db()->selectrow_array(q{SELECT count(*) FROM pg_stat_activity
                                            WHERE query = 'LISTEN zcyca_session_gone'});
            last if $back >= $killed;
            Time::HiRes::sleep(0.1);
        }
        ok($back >= $killed, "... and are back within 5 s ($back)");
        $r = login_on($a, $cert);
        my $c3 = $r->{cookie};
        is(get($a, '/app/index.html', $c3)->{code}, 200, 'a session cached on A');
        is(logout_on($b, $c3)->{code}, 204, 'logout on B');
        ($after, $seen) = refused_within($a, $c3, 1.5);
        ok(defined $after && $after <= 1, 'A refuses it within 1 s again') or diag "A's answers: $seen";
        my $log = slurp("$a->{dir}/error_log");
        ok(index($log, 'ZCYCA1801') >= 0 && index($log, 'ZCYCA1802') > index($log, 'ZCYCA1801'),
           "A's error_log says the listener was lost and is back (ZCYCA1801, ZCYCA1802)");
    }
}

# --- 2. a challenge issued on A, consumed on B, exactly once (the shmcb nodes) -----------
{
    my ($a, $b) = ($shm_a, $shm_b);
    SKIP: {
        skip 'nodes did not start', 8 unless $a && $b;
        my $c = post($a, '/ca/challenge', json => { purpose => 'login', provider => 'pa' });
        is($c->{code}, 200, 'a login challenge from A') or diag code_of($c), ' ', $c->{body};
        my $pre = $c->{cookies}{zcyca_pre} ? "zcyca_pre=$c->{cookies}{zcyca_pre}{value}" : undef;
        ok($pre, '... with a pre-login cookie');
        my $tbs = $c->{json} ? $c->{json}{tbs} // '' : '';
        like($tbs, qr/^origin=\Q$ORIGIN\E$/m, '... whose tbs names the public origin, not the node');

        my $answer = JSON::PP->new->canonical->encode({
            provider => 'pa', challenge_id => $c->{json}{challenge_id} // '', nonce => $c->{json}{nonce} // '',
            certificate => cert_text($cert), signature => $tbs ? sign_text($cert, $tbs, alg => 'ecdsa') : '' });
        my $r = post($b, '/ca/login', json => $answer, cookie => $pre);
        is($r->{code}, 200, 'the signed answer logs in on B') or diag code_of($r), ' ', $r->{body};
        my $cookie = $r->{cookies}{zcyca_session} ? "zcyca_session=$r->{cookies}{zcyca_session}{value}" : '';
        is(session_login(get($a, '/ca/session', $cookie)), $login, '... and that session is known on A');

        $r = post($a, '/ca/login', json => $answer, cookie => $pre);
        is(code_of($r), '401 CHALLENGE_INVALID', 'the same answer again on A → CHALLENGE_INVALID');
        $r = post($b, '/ca/login', json => $answer, cookie => $pre);
        is(code_of($r), '401 CHALLENGE_INVALID', 'the same answer again on B → CHALLENGE_INVALID');
        my ($used) = db()->selectrow_array('SELECT count(*) FROM zcyca.challenges WHERE id = ? AND consumed_at IS NOT NULL',
                                           undef, $c->{json}{challenge_id} // '00000000-0000-0000-0000-000000000000');
        is($used, 1, '... and the challenge row is marked consumed');
    }
}
stop_node(qw(shm-a shm-b));

# --- 3. one redis shared by A and B ------------------------------------------------------
{
    my $rport = -x '/usr/bin/redis-server' || grep { -x "$_/redis-server" } split /:/, $ENV{PATH};
    ok($rport, 'redis-server is installed (ZC_TEST_DEPS)');
    $rport = start_redis() if $rport;
    my ($a, $b);
    if ($rport) {
        $a = start_node('redis-a', cache => "redis:127.0.0.1:$rport", ttl => $REDIS_TTL, origin => $ORIGIN);
        $b = start_node('redis-b', cache => "redis:127.0.0.1:$rport", ttl => $REDIS_TTL, origin => $ORIGIN);
    }
    ok($rport && $a && $b, 'redis and nodes A and B sharing it are up');
    SKIP: {
        skip 'redis or the nodes did not start', 21 unless $rport && $a && $b;
        my $r = login_on($a, $cert);
        is($r->{code}, 200, 'mutual-TLS login on A') or diag code_of($r), ' ', $r->{body};
        my $cookie = $r->{cookie};
        # mod_socache_redis names a key "<namespace>:<hex id>"; the module's namespace is
        # zcyca-session and its id the SHA-256 of the cookie's token.
        my $key = 'zcyca-session:' . Digest::SHA::sha256_hex(token_of($cookie));

        is(get($a, '/app/index.html', $cookie)->{code}, 200, 'the cookie opens /app/ on A');
        is(redis_cli($rport, 'EXISTS', $key), '1', "... and the session is now in redis as $key");
        my $ttl = redis_cli($rport, 'TTL', $key);
        ok($ttl =~ /^\d+$/ && $ttl > 0 && $ttl <= $REDIS_TTL, "... expiring within ZcyCASessionCacheTTL ($ttl s)");
        my @keys = grep { length } split /\n/, redis_cli($rport, '--scan', '--pattern', "'zcyca-session:*'");
        ok((grep { $_ eq $key } @keys), '... listed by redis-cli --scan');

        my $before = session_gets();
        $r = get($b, '/app/index.html', $cookie);
        is($r->{code}, 200, 'the same cookie opens /app/ on B');
        like($r->{body}, qr/node redis-b/, '... and B served it');
        is(session_login(get($b, '/ca/session', $cookie)), $login, 'GET /ca/session on B shows the same account');
        is(session_gets() - $before, 0, "... and B read the session from redis, not from PostgreSQL");

        # Whoever can write to redis cannot log in as anyone (issue 13, finding 3): the entries
        # carry a MAC over the entry and the key it is stored under, with the nodes' key.
        my $chosen = 'Z' x 43;   # a token the attacker chose
        my $ckey = 'zcyca-session:' . Digest::SHA::sha256_hex($chosen);
        redis_cli($rport, 'COPY', $key, $ckey);
        is(redis_cli($rport, 'EXISTS', $ckey), '1', 'a real entry copied (redis-cli COPY) under a token of the attacker\'s choosing');
        is(get($a, '/app/index.html', "zcyca_session=$chosen")->{code}, 401, '... is refused');
        my ($victim) = db()->selectrow_array(
            "SELECT account_id FROM zcyca.sessions WHERE token_hash = decode(?, 'hex')", undef,
            Digest::SHA::sha256_hex(token_of($cookie)));
        my $strings = join '', map { "$_\0" } $login, 'Forged', '', 'ca', 'pa', 'k';
        my $t = time * 1_000_000;
        my $body = pack('q<7', $victim, 0, 0, $t, $t, $t + 3_600_000_000, $t) . $strings;
        my $dir = File::Temp->newdir;
        for my $forged (["ZS\x02\x00$body", 'a forged entry in the layout without a MAC'],
                        ["ZS\x03\x00$body" . ("\xAA" x 32), 'a forged entry with a made-up MAC']) {
            spew("$dir/entry", $forged->[0]);
            system("redis-cli -h 127.0.0.1 -p $rport -x SET '$ckey' < '$dir/entry' >/dev/null 2>&1");
            is(get($b, '/app/index.html', "zcyca_session=$chosen")->{code}, 401, "$forged->[1] is refused");
        }
        is(get($a, '/app/index.html', $cookie)->{code}, 200, '... and the real session keeps working');

        $r = logout_on($b, $cookie);
        is($r->{code}, 204, 'logout on B');
        is(redis_cli($rport, 'EXISTS', $key), '0', '... takes the entry out of redis');
        $r = get($a, '/app/index.html', $cookie);
        is($r->{code}, 401, 'A refuses the cookie on the first request after the logout on B')
            or diag code_of($r);
        is(get($a, '/ca/session', $cookie)->{code}, 401, '... GET /ca/session on A too');
        is(redis_cli($rport, 'EXISTS', $key), '0', '... and A put nothing back into redis');

        # A keep-alive connection to A and no session events (the trigger off): a logout on
        # B is still refused at once on that connection, because over a cache that other
        # nodes write, no connection keeps a memo of its session (docs/decisions.md).
        my $c2 = login_on($a, $cert)->{cookie};
        my $k = ZcConn->new($a->{url}, ca => pki() . '/server-ca.crt');
        my @codes = map { $k->get('/app/index.html', cookie => $c2)->{code} } 1 .. 3;
        is("@codes", '200 200 200', 'three requests of a new session on one keep-alive connection to A');
        db()->do('ALTER TABLE zcyca.sessions DISABLE TRIGGER sessions_gone');
        my $lo = logout_on($b, $c2)->{code};
        my $after = $k->get('/app/index.html', cookie => $c2, accept => 'application/json')->{code};
        db()->do('ALTER TABLE zcyca.sessions ENABLE TRIGGER sessions_gone');
        is("$lo $after", '204 401', 'without session events, a logout on B is refused at once on that connection');
        $k->close;
    }
    stop_node(qw(redis-a redis-b));
}
