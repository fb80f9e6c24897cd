# Database growth from anonymous junk (issue 13, finding 7).  A flood of
# 2 000 requests that anyone can send (no Origin, bad JSON, an unknown
# provider, throttled logins, a challenge flood) over keep-alive connections
# to the zcyca_junk host (ZcyCAThrottle 5 600, ZcyCAChallengeLimit 20 600,
# ZcyCAAuditSample 3).  From psql: the audit grows by at most the sample per
# hour, event and code, the hourly counts equal the requests, the throttle
# and challenge tables grow by a few rows, stale rows of all three go, and a
# refused login of a real account still writes its full row.  Each run uses
# its own client addresses 127.N.0.x (all loopback).
use strict;
use warnings FATAL => 'all';
use utf8;
use Apache::Test qw(-withtestmore);
use FindBin ();
use lib "$FindBin::Bin/lib";
use ZcTest;
use ZcConn;
use JSON::PP ();
use MIME::Base64 ();
use Time::HiRes ();

plan tests => 46, need_module('zcyca');

my $SAMPLE = 3;                     # ZcyCAAuditSample of zcyca_junk
my $CLIMIT = 20;                    # ZcyCAChallengeLimit of zcyca_junk
my $TLIMIT = 5;                     # ZcyCAThrottle of zcyca_junk
my $PER = 400;                      # requests of each kind
my $port = Apache::Test::config()->{vhosts}{zcyca_junk}{port} or die "no zcyca_junk vhost\n";
my $base = "https://127.0.0.1:$port";
my $net = 100 + $$ % 150;
my $n = 0;
sub from { "127.$net.0." . ++$n }

# A scalar from the database, or -1 (with a diagnostic) when the statement
# fails: a database without this change's tables fails the tests, not the file.
sub q1 {
    my ($sql, @bind) = @_;
    my $v = eval { (db()->selectrow_array($sql, undef, @bind))[0] };
    if ($@) { diag "query failed: $@"; return -1 }
    return $v // 0;
}
# "event code" → number, from a query returning (event, code, n).
sub by_code {
    my ($sql, @bind) = @_;
    my $rows = eval { db()->selectall_arrayref($sql, undef, @bind) };
    if ($@) { diag "query failed: $@"; return {} }
    return { map { ("$_->[0] $_->[1]" => $_->[2]) } @$rows };
}
# A statement whose failure is a diagnostic, not the end of the file.
sub sql { my ($stmt, @bind) = @_; eval { db()->do($stmt, undef, @bind); 1 } or diag "statement failed: $@" }
sub summary { by_code('SELECT event, code, sum(count) FROM zcyca.audit_summary GROUP BY 1, 2') }
sub audit_since { by_code("SELECT event, coalesce(code, ''), count(*) FROM zcyca.audit WHERE id > ? GROUP BY 1, 2", $_[0]) }
sub hour { q1("SELECT extract(epoch from date_trunc('hour', now(), 'UTC'))") }

# flood(FROM, COUNT, METHOD, PATH, %request): COUNT requests down keep-alive
# connections from one address (a new one when the server closes it); the
# answers by "status CODE", and the Retry-After values of 429s.
sub flood {
    my ($src, $count, $method, $path, %o) = @_;
    my (%seen, @retry);
    my $c;
    for (1 .. $count) {
        $c //= ZcConn->new($base, ca => pki() . '/server-ca.crt', from => $src);
        my $r = $c->request($method, $path, %o);
        my $code = $r->{json} && $r->{json}{error} ? $r->{json}{error}{code} : '-';
        $seen{"$r->{code} $code"}++;
        push @retry, $r->{headers}{'retry-after'} // 'none' if $r->{code} == 429;
        if (($r->{headers}{connection} // '') =~ /close/i) { $c->close; undef $c }
    }
    $c->close if $c;
    return (\%seen, \@retry);
}

my %json = ('Content-Type' => 'application/json');
my %ours = (%json, Origin => $base);

# --- the flood ---------------------------------------------------------------------------
my $hour0 = hour();
my $audit0 = q1('SELECT coalesce(max(id), 0) FROM zcyca.audit');
my $sum0 = summary();
my $throttle0 = q1('SELECT count(*) FROM zcyca.throttle');
my $t0 = q1('SELECT extract(epoch from now())');
my @addr = map { from() } 1 .. 5;
my $start = Time::HiRes::time();
my ($csrf) = flood($addr[0], $PER, 'POST', '/ca/login', headers => \%json, body => '{"provider":"pa"}');
my ($bad) = flood($addr[1], $PER, 'POST', '/ca/login', headers => \%ours, body => '{"provider":');
my ($unknown, $unknown_retry) = flood($addr[2], $PER, 'POST', '/ca/login', headers => \%ours, body => '{"provider":"nope"}');
my ($chal, $chal_retry) = flood($addr[3], $PER, 'POST', '/ca/challenge', headers => \%ours,
                                body => '{"purpose":"login","provider":"pa"}');
my ($chal_bad) = flood($addr[4], $PER, 'POST', '/ca/challenge', headers => \%ours, body => '{');
my $secs = Time::HiRes::time() - $start;
diag sprintf '%d junk requests in %.1f s', 5 * $PER, $secs;
my $buckets = hour() == $hour0 ? 1 : 2;   # the flood may cross an hour

is_deeply($csrf, { "403 CSRF_REJECTED" => $PER }, "$PER logins without Origin → 403 CSRF_REJECTED");
# A CA login failure is counted when it happens; the one past the limit answers THROTTLED (issue 15).
is_deeply($bad, { "400 BAD_REQUEST" => $TLIMIT, "429 THROTTLED" => $PER - $TLIMIT },
          "$PER logins with bad JSON → $TLIMIT BAD_REQUEST, then THROTTLED");
is_deeply($unknown, { "400 PROVIDER_UNKNOWN" => $TLIMIT, "429 THROTTLED" => $PER - $TLIMIT },
          "$PER logins with an unknown provider → $TLIMIT PROVIDER_UNKNOWN, then THROTTLED (ZcyCAThrottle $TLIMIT 600)");
is_deeply($chal, { '200 -' => $CLIMIT, '429 THROTTLED' => $PER - $CLIMIT },
          "$PER challenges from one address → $CLIMIT issued, then 429 THROTTLED (ZcyCAChallengeLimit $CLIMIT 600)");
ok(@$chal_retry == $PER - $CLIMIT && !grep({ !/^\d+$/ || $_ < 1 || $_ > 600 } @$chal_retry),
   '... each of the ' . ($PER - $CLIMIT) . ' refused challenges has Retry-After (1..600 s)');
is_deeply($chal_bad, { "400 BAD_REQUEST" => $PER }, "$PER challenge requests with bad JSON → 400 BAD_REQUEST");

# What the answers say must be what the hourly counts say.
my %sent = ('login CSRF_REJECTED' => $csrf->{'403 CSRF_REJECTED'}, 'login BAD_REQUEST' => $bad->{'400 BAD_REQUEST'},
            'login PROVIDER_UNKNOWN' => $unknown->{'400 PROVIDER_UNKNOWN'},
            'login THROTTLED' => $unknown->{'429 THROTTLED'} + $bad->{'429 THROTTLED'}, 'challenge THROTTLED' => $PER - $CLIMIT);
$_ //= 0 for values %sent;
my $sum1 = summary();
my $rows = audit_since($audit0);
for my $k (sort keys %sent) {
    is(($sum1->{$k} // 0) - ($sum0->{$k} // 0), $sent{$k} // -1, "audit_summary counts every '$k' ($sent{$k})");
    cmp_ok($rows->{$k} // 0, '<=', $SAMPLE * $buckets, "... and zcyca.audit got at most $SAMPLE full rows of it per hour");
}
my $total = 0;
$total += $_ for values %$rows;
cmp_ok($total, '<=', $SAMPLE * $buckets * keys %sent,
       "the whole flood of " . 5 * $PER . " requests wrote $total audit rows (bound: $SAMPLE per hour, event and code)");
is(q1('SELECT count(*) FROM zcyca.audit WHERE id > ? AND NOT anonymous', $audit0), 0,
   '... each of them marked anonymous (a sample)');
is(q1("SELECT last_ip FROM zcyca.audit_summary WHERE event = 'challenge' AND code = 'THROTTLED' ORDER BY last_at DESC LIMIT 1"),
   $addr[3], 'the count keeps the latest client address');
is(q1("SELECT count(*) FROM zcyca.challenges WHERE issued_at >= to_timestamp(?)", $t0), $CLIMIT,
   "the challenge flood stored only $CLIMIT challenges");
is(q1("SELECT count(*) FROM zcyca.throttle WHERE key LIKE ?", "127.$net.0.%"), 3,
   'the throttle table holds one row per flooding address and count (bad JSON and unknown provider: ip; challenges)');
cmp_ok(q1('SELECT count(*) FROM zcyca.throttle') - $throttle0, '<=', 3, '... and grew by no more');

# --- stale rows go: throttle, challenges, hourly counts ----------------------------------
# Throttle rows past their purge_after: each count takes up to 8.  Rows locked by another
# transaction are skipped, not waited for (FOR UPDATE SKIP LOCKED).
my $stale = "127.$net.9.";
# (Two statements: the first also runs on a schema without purge_after, to show the old purge.)
sql("INSERT INTO zcyca.throttle (scope, key, window_start, failures)
     SELECT 'ip', ? || g, now() - interval '3 hours' - g * interval '1 second', 1 FROM generate_series(1, 24) g", $stale);
sql("UPDATE zcyca.throttle SET purge_after = window_start + interval '2 hours' WHERE key LIKE ?", "$stale%");
my $other = DBI->connect("dbi:Pg:$ENV{ZCYCA_DB}", '', '', { RaiseError => 1, AutoCommit => 0, PrintError => 0 });
$other->selectcol_arrayref("SELECT key FROM zcyca.throttle WHERE key LIKE ? ORDER BY window_start LIMIT 8 FOR UPDATE",
                           undef, "$stale%");
my $purger = from();
my $t = Time::HiRes::time();
my ($two) = flood($purger, 2, 'POST', '/ca/login', headers => \%ours, body => '{"provider":"nope"}');
my $took = Time::HiRes::time() - $t;
is_deeply($two, { '400 PROVIDER_UNKNOWN' => 2 }, 'two failed logins from a new address');
ok($took < 2, sprintf('... answered at once (%.2f s) while 8 stale throttle rows are locked elsewhere', $took));
is(q1("SELECT count(*) FROM zcyca.throttle WHERE key LIKE ?", "$stale%"), 8,
   '... and their two counts deleted the 16 other stale rows, leaving the locked 8');
$other->rollback;
flood($purger, 1, 'POST', '/ca/login', headers => \%ours, body => '{"provider":"nope"}');
is(q1("SELECT count(*) FROM zcyca.throttle WHERE key LIKE ?", "$stale%"), 0, '... which the next count takes once free');
$other->disconnect;
sql("DELETE FROM zcyca.throttle WHERE key LIKE ?", "$stale%");

# A throttle row counted in a long window (here a day, which ZcyCAThrottle allows) is not
# taken by counts with shorter ones (this host's 600 s, the challenges' 600 s).
sql("INSERT INTO zcyca.throttle (scope, key, window_start, failures) VALUES ('ip', ?, now() - interval '2 hours', 3)",
    "${stale}long");
sql("UPDATE zcyca.throttle SET purge_after = now() + interval '1 day' WHERE key = ?", "${stale}long");
flood(from(), 1, 'POST', '/ca/login', headers => \%ours, body => '{"provider":"nope"}');
flood(from(), 1, 'POST', '/ca/challenge', headers => \%ours, body => '{"purpose":"login","provider":"pa"}');
is(q1("SELECT failures FROM zcyca.throttle WHERE key = ?", "${stale}long"), 3,
   'a row whose window is still open (purge_after ahead) stays, whatever window the purging count has');

# Challenges that expired over an hour ago: up to 8 go with each challenge issued.
sql("INSERT INTO zcyca.challenges (nonce_hash, purpose, provider_id, presession_hash, origin, issued_at, expires_at)
          SELECT '\\x00', 'login', 'pa', '\\x00', 'junk-test', now() - interval '3 hours', now() - interval '2 hours'
          FROM generate_series(1, 16)");
my $due = q1("SELECT count(*) FROM zcyca.challenges WHERE expires_at < now() - interval '1 hour'");
my $issues = int(($due + 7) / 8);
my ($issued) = flood(from(), $issues, 'POST', '/ca/challenge', headers => \%ours,
                     body => '{"purpose":"login","provider":"pa"}');
is_deeply($issued, { '200 -' => $issues }, "$issues challenges issued");
is(q1("SELECT count(*) FROM zcyca.challenges WHERE origin = 'junk-test'"), 0,
   "... took the $due challenges that expired over an hour ago (8 each), the 16 of this test among them");

# Hourly counts older than the retention (ZcyCAAuditSample's days, default 180).
sql("INSERT INTO zcyca.audit_summary (hour, event, code, count, first_at, last_at)
          SELECT date_trunc('hour', now()) - interval '181 days' - g * interval '1 hour', 'junk-test', 'BAD_REQUEST', 1,
          now() - interval '181 days', now() - interval '181 days' FROM generate_series(1, 10) g");
sql("INSERT INTO zcyca.audit_summary (hour, event, code, count, first_at, last_at)
          VALUES (date_trunc('hour', now()) - interval '179 days', 'junk-test', 'BAD_REQUEST', 1, now(), now())");
flood(from(), 2, 'POST', '/ca/login', headers => \%ours, body => '{"provider":');
is(q1("SELECT count(*) FROM zcyca.audit_summary WHERE event = 'junk-test'"), 1,
   'two anonymous refusals took the 10 counts older than 180 days, and kept the one of 179 days');
sql("DELETE FROM zcyca.audit_summary WHERE event = 'junk-test'");

# --- refusals of real accounts and proven keys keep their full rows ----------------------
my $on = make_region(uniq('junk-on'), 1, 'pa');
my $off = make_region(uniq('junk-off'), 0, 'pa');
my $dis_cert = issue_cert(uniq('junk-dis'), ca => 'pa', key => 'ec');
my $dis = make_account(uniq('junk-dis'), region => $on, status => 'disabled');
bind_cert($dis, 'pa', $dis_cert);
my $reg_cert = issue_cert(uniq('junk-reg'), ca => 'pa', key => 'ec');
my $reg = make_account(uniq('junk-reg'), region => $off);
bind_cert($reg, 'pa', $reg_cert);
my $loose = issue_cert(uniq('junk-nb'), ca => 'pa', key => 'ec');
my $audit1 = q1('SELECT coalesce(max(id), 0) FROM zcyca.audit');
my $sum2 = summary();
my $url = "$base/ca/login";
my @codes;
for (1 .. $SAMPLE + 1) {
    push @codes, code_of(login_tls($dis_cert, url => $url, from => from()));
    push @codes, code_of(login_tls($reg_cert, url => $url, from => from()));
    push @codes, code_of(login_tls($loose, url => $url, from => from()));
}
is_deeply(\@codes, [ ('403 ACCOUNT_DISABLED', '403 REGION_DISABLED', '401 NOT_BOUND') x ($SAMPLE + 1) ],
          ($SAMPLE + 1) . ' logins each: a disabled account, a disabled region, a proven key that is not bound');
is(q1("SELECT count(*) FROM zcyca.audit WHERE id > ? AND event = 'login' AND code = 'ACCOUNT_DISABLED'
       AND account_id = ? AND NOT anonymous", $audit1, $dis), $SAMPLE + 1,
   'every ACCOUNT_DISABLED refusal has its full row with the account, more than the sample');
is(q1("SELECT count(*) FROM zcyca.audit WHERE id > ? AND event = 'login' AND code = 'REGION_DISABLED'
       AND account_id = ? AND NOT anonymous", $audit1, $reg), $SAMPLE + 1, '... so has every REGION_DISABLED one');
is(q1("SELECT count(*) FROM zcyca.audit WHERE id > ? AND event = 'login' AND code = 'NOT_BOUND'
       AND key_id = ? AND NOT anonymous", $audit1, spki_sha256($loose)), $SAMPLE + 1,
   '... and every NOT_BOUND one of a proven key, with its key id');
my $sum3 = summary();
is(join(' ', map { ($sum3->{"login $_"} // 0) - ($sum2->{"login $_"} // 0) } qw(ACCOUNT_DISABLED REGION_DISABLED NOT_BOUND)),
   '0 0 0', '... none of them is counted as anonymous');

# A key of the client's own making proves possession (the handshake) but
# chains to no provider: anyone can make such keys, so their refusals are
# junk too, counted and sampled.
my $own = issue_cert(uniq('junk-own'), ca => 'ux');
my $audit2 = q1('SELECT coalesce(max(id), 0) FROM zcyca.audit');
my @own = map { code_of(login_tls($own, url => $url, from => from())) } 1 .. $SAMPLE + 2;
is_deeply(\@own, [ ('401 CERT_UNTRUSTED') x ($SAMPLE + 2) ], ($SAMPLE + 2) . ' logins with a self-made key → CERT_UNTRUSTED');
is(q1("SELECT count(*) FROM zcyca.audit WHERE id > ? AND code = 'CERT_UNTRUSTED' AND NOT anonymous", $audit2), 0,
   '... not one full row: a possession that chains to no provider is anonymous');

# --- the admin's view --------------------------------------------------------------------
my $AUTH = { Authorization => 'Basic ' . MIME::Base64::encode_base64('zcadmin:admin-pass', '') };
my $r = req('GET', "$base/ca/admin/audit/summary?event=challenge&code=THROTTLED&limit=1", headers => $AUTH);
is($r->{code}, 200, 'GET …/admin/audit/summary → 200');
my $row = $r->{json}{summary}[0] // {};
is_deeply([ sort keys %$row ], [ sort qw(hour event code count first_at last_at last_ip) ], '... rows with every field');
ok(($row->{count} // 0) >= $PER - $CLIMIT && $row->{hour} =~ /^\d{4}-\d\d-\d\dT\d\d:00:00Z$/,
   "... this hour's challenge THROTTLED count (" . ($row->{count} // 'none') . ')');
is($row->{last_ip}, $addr[3], '... and the latest address');
is(req('GET', "$base/ca/admin/audit/summary?code=NOPE", headers => $AUTH)->{code}, 400, 'an unknown code → 400');
is(req('GET', "$base/ca/admin/audit/summary?after=3", headers => $AUTH)->{code}, 400, 'after is not a summary filter → 400');
is(req('GET', "$base/ca/admin/audit/other", headers => $AUTH)->{code}, 404, '…/admin/audit/other → 404');
$r = req('GET', "$base/ca/admin/audit?event=challenge&limit=1", headers => $AUTH);
is($r->{json}{audit}[0]{anonymous}, JSON::PP::true(), 'the audit list marks a sampled row anonymous');
$r = req('GET', "$base/ca/admin/status", headers => $AUTH);
cmp_ok($r->{json}{anonymous_refusals_24h} // 0, '>=', 4 * $PER - $CLIMIT - $TLIMIT, 'status counts the anonymous refusals of the day');

# The counts of this run's addresses go (other test files run later from 127.0.0.1).
sql("DELETE FROM zcyca.throttle WHERE key LIKE ?", "127.$net.%");
