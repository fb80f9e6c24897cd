# Housekeeping (issue 15): every ZcyCAHousekeeping seconds (2 in this suite)
# one child calls zcyca.housekeeping(), which deletes expired and idle
# sessions and challenges expired over an hour ago, makes the audit months
# ahead and drops those older than ZcyCAAuditRetention (120 here).  Logins
# no longer sweep; this is what keeps the tables small.
use strict;
use warnings FATAL => 'all';
use utf8;
use Apache::Test qw(-withtestmore);
use FindBin ();
use lib "$FindBin::Bin/lib";
use ZcTest;
use Time::HiRes ();
use Digest::SHA ();

plan tests => 13, need_module('zcyca');

sub q1 { (db()->selectrow_array(shift, undef, @_))[0] }
sub error_log { do { local $/; open my $l, '<', Apache::Test::config()->{vars}{t_logs} . '/error_log'; <$l> } // '' }
# Wait until the SQL answers true (a sweep runs every 2 s, in some child).
sub eventually {
    my ($sql, @bind) = @_;
    my $until = Time::HiRes::time() + 15;
    while (Time::HiRes::time() < $until) {
        return 1 if q1($sql, @bind);
        Time::HiRes::sleep(0.25);
    }
    return 0;
}

my $acct = make_account(uniq('hk'));
my %tok;
for my $k (qw(expired idle live)) {
    $tok{$k} = Digest::SHA::sha256_hex(uniq("hk-$k"));
}
db()->do("INSERT INTO zcyca.sessions (token_hash, account_id, method, expires_at, last_seen_at) VALUES
          (decode(?, 'hex'), ?, 'password', now() - interval '1 minute', now() - interval '2 minutes'),
          (decode(?, 'hex'), ?, 'password', now() + interval '1 hour', now() - interval '3 hours'),
          (decode(?, 'hex'), ?, 'password', now() + interval '1 hour', now())", undef,
         $tok{expired}, $acct, $tok{idle}, $acct, $tok{live}, $acct);
my $sess = "SELECT count(*) FROM zcyca.sessions WHERE token_hash = decode(?, 'hex')";
my %ch;
for my $k (qw(old recent)) {
    $ch{$k} = q1("INSERT INTO zcyca.challenges (nonce_hash, purpose, provider_id, presession_hash, origin, issued_at, expires_at)
                  VALUES (decode(?, 'hex'), 'login', 'pa', decode(?, 'hex'), 'https://x', now() - interval '3 hours',
                          now() - ?::interval) RETURNING id",
                 Digest::SHA::sha256_hex("n$k$$"), Digest::SHA::sha256_hex("p$k$$"), $k eq 'old' ? '2 hours' : '10 minutes');
}

ok(eventually("SELECT ($sess) = 0", $tok{expired}), 'a session past its end is deleted by housekeeping')
    or diag 'left: ' . q1($sess, $tok{expired});
ok(eventually("SELECT ($sess) = 0", $tok{idle}), 'a session idle longer than the longest ZcyCASessionIdle is deleted');
is(q1($sess, $tok{live}), 1, 'a live session stays');
ok(eventually('SELECT count(*) = 0 FROM zcyca.challenges WHERE id = ?', $ch{old}),
   'a challenge expired over an hour ago is deleted');
is(q1('SELECT count(*) FROM zcyca.challenges WHERE id = ?', $ch{recent}), 1,
   'a challenge expired ten minutes ago stays (a late answer still reads as expired)');

# ---- audit months -------------------------------------------------------------------
my $parts = "SELECT string_agg(c.relname, ' ' ORDER BY c.relname) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
             WHERE i.inhparent = 'zcyca.audit'::regclass";
my @ahead = map { q1("SELECT 'audit_p' || to_char(date_trunc('month', now(), 'UTC') + make_interval(months => $_), 'YYYYMM')") } 0 .. 2;
my $have = q1($parts);
is(scalar(grep { $have =~ /\b$_\b/ } @ahead), 3, "this month's audit partition and the next two exist (@ahead)")
    or diag $have;
like($have, qr/\baudit_default\b/, '... and the default partition');
my $audit_id = q1("INSERT INTO zcyca.audit (event, outcome) VALUES ('hk-test', 'success') RETURNING id");
is(q1('SELECT tableoid::regclass::text FROM zcyca.audit WHERE id = ?', $audit_id), "zcyca.$ahead[0]",
   'a new audit row lands in the partition of its month');

# A month 16 years back goes (ZcyCAAuditRetention 120); one 7 years back stays.
db()->do("CREATE TABLE zcyca.audit_p201001 PARTITION OF zcyca.audit FOR VALUES FROM ('2010-01-01 00:00+00') TO ('2010-02-01 00:00+00')");
db()->do("CREATE TABLE IF NOT EXISTS zcyca.audit_p201906 PARTITION OF zcyca.audit FOR VALUES FROM ('2019-06-01 00:00+00') TO ('2019-07-01 00:00+00')");
db()->do("INSERT INTO zcyca.audit (at, event, outcome) VALUES ('2010-01-15', 'hk-test', 'success'), ('2019-06-15', 'hk-test', 'success')");
ok(eventually("SELECT to_regclass('zcyca.audit_p201001') IS NULL"), 'an audit month older than ZcyCAAuditRetention is dropped');
is(q1("SELECT count(*) FROM zcyca.audit WHERE event = 'hk-test' AND at = '2019-06-15'"), 1,
   '... a month within it stays, with its rows');
like(error_log(), qr/ZCYCA2203: audit: \d+ monthly partitions older than 120 months dropped/, '... and the drop is logged (ZCYCA2203)');

# ---- the function failing: logged, and the next sweep works again --------------------------------
db()->do('ALTER FUNCTION zcyca.housekeeping(bigint, integer, integer) RENAME TO housekeeping_away');
my $t0 = Time::HiRes::time();
my $logged = 0;
while (!$logged && Time::HiRes::time() < $t0 + 15) {
    $logged = error_log() =~ /ZCYCA2201: housekeeping failed: function zcyca\.housekeeping\(/;
    Time::HiRes::sleep(0.25) unless $logged;
}
db()->do('ALTER FUNCTION zcyca.housekeeping_away(bigint, integer, integer) RENAME TO housekeeping');
ok($logged, 'a housekeeping call that fails is logged (ZCYCA2201) with the database message');
my $late = Digest::SHA::sha256_hex(uniq('hk-late'));
db()->do("INSERT INTO zcyca.sessions (token_hash, account_id, method, expires_at)
          VALUES (decode(?, 'hex'), ?, 'password', now() - interval '1 second')",
         undef, $late, $acct);
ok(eventually("SELECT ($sess) = 0", $late), '... and the sweeps go on once it is back');
