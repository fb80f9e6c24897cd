# The session cache (ZcyCASessionCache shmcb, TTL 2 s): cached checks make no
# PostgreSQL query (counted with pg_stat_statements), and logout, unbind and
# a disabled account take the entry out at once (t/80_nodes.t shows the same
# across nodes with a long TTL).
use strict;
use warnings FATAL => 'all';
use utf8;
use Apache::Test qw(-withtestmore);
use FindBin ();
use lib "$FindBin::Bin/lib";
use ZcTest;
use Time::HiRes ();

plan tests => 14, need_module('zcyca');

sub session_gets { statement_calls('%FROM zcyca.sessions s JOIN zcyca.accounts%') }

my $reg = make_region(uniq('cache'), 1, 'pa');
my $cert = issue_cert(uniq('cache'), ca => 'pa', key => 'ec');
my $acct = make_account(uniq('cache'), region => $reg);
my $bid = bind_cert($acct, 'pa', $cert);
my $r = login_tls($cert);
my $cookie = "zcyca_session=$r->{cookies}{zcyca_session}{value}";

# One look-up fills the cache of the child that serves it; with several
# children, each fills its own shmcb view once (shmcb is shared per node).
is(req('GET', tls_url('/app/index.html'), cookie => $cookie)->{code}, 200, 'a protected request');
session_gets();   # the extension exists before the reset
db()->do('SELECT pg_stat_statements_reset()');
my $before = session_gets();
my $ok = 0;
my $t0 = Time::HiRes::time();
$ok += req('GET', tls_url('/app/index.html'), cookie => $cookie)->{code} == 200 for 1 .. 15;
# An entry lives 2 s: on a machine so busy that the requests take longer, each
# 2 s that passed may cost one look-up (without the cache, all 15 would).
my $refills = int((Time::HiRes::time() - $t0) / 2);
is($ok, 15, 'fifteen more protected requests pass');
cmp_ok(session_gets() - $before, '<=', $refills, '... and made no session query in PostgreSQL (cache hits)')
    or diag("the requests took more than " . (2 * $refills) . " s");

# Logout takes the entry out at once.
my $r2 = login_tls($cert);
my $c2 = "zcyca_session=$r2->{cookies}{zcyca_session}{value}";
is(req('GET', tls_url('/app/index.html'), cookie => $c2)->{code}, 200, 'a second session, now cached');
req('POST', tls_url('/ca/logout'), cookie => $c2, json => {}, origin => 1);
is(req('GET', tls_url('/app/index.html'), cookie => $c2, accept => 'application/json')->{code}, 401,
   'after logout the cached session is refused at once');

# Unbind too (the sessions made with the binding).
is(req('GET', tls_url('/app/index.html'), cookie => $cookie)->{code}, 200, 'the first session is still cached');
add_user(login_of($acct), 'pw-cache');
my $pw = password_login(login_of($acct), 'pw-cache')->{cookie};
req('DELETE', tls_url("/ca/bindings/$bid"), cookie => $pw, origin => 1, headers => { 'Content-Type' => 'application/json' });
is(req('GET', tls_url('/app/index.html'), cookie => $cookie, accept => 'application/json')->{code}, 401,
   'after unbind the cached session made with the key is refused at once');

# An account disabled by the platform (an UPDATE of zcyca.accounts, not a
# request to this module): the database deletes its sessions and the
# session event takes the cached entry out.  Polled for up to 1 s, inside
# the 2 s TTL; the rows are checked directly.
sub refused_within {
    my ($cookie, $secs) = @_;
    my $until = Time::HiRes::time() + $secs;
    while (1) {
        my $code = req('GET', tls_url('/app/index.html'), cookie => $cookie, accept => 'application/json')->{code};
        return 1 if $code == 401;
        return 0 if Time::HiRes::time() > $until;
        select undef, undef, undef, 0.05;
    }
}
my $cert3 = issue_cert(uniq('cache'), ca => 'pa', key => 'ec');
my $acct3 = make_account(uniq('cache'), region => $reg);
bind_cert($acct3, 'pa', $cert3);
my $r3 = login_tls($cert3);
my $c3 = "zcyca_session=$r3->{cookies}{zcyca_session}{value}";
is(req('GET', tls_url('/app/index.html'), cookie => $c3)->{code}, 200, 'a session of a third account, cached');
db()->do("UPDATE zcyca.accounts SET status = 'disabled' WHERE id = ?", undef, $acct3);
ok(refused_within($c3, 1), 'the account disabled in the database: its cached session is refused');
is(db()->selectrow_array('SELECT count(*) FROM zcyca.sessions WHERE account_id = ?', undef, $acct3), 0,
   '... and its sessions are deleted (DESIGN 6)');
db()->do("UPDATE zcyca.accounts SET status = 'active' WHERE id = ?", undef, $acct3);

# A session row deleted by someone else (another node, an operator).
my $r4 = login_tls($cert3);
my $c4 = "zcyca_session=$r4->{cookies}{zcyca_session}{value}";
is(req('GET', tls_url('/app/index.html'), cookie => $c4)->{code}, 200, 'the account enabled again logs in, cached');
db()->do('DELETE FROM zcyca.sessions WHERE account_id = ?', undef, $acct3);
ok(refused_within($c4, 1), 'a session deleted in the database is refused');

# Accounts as a platform view have no trigger (docs/install.md): the touch of
# last_seen_at checks the account too.  On the idle host (3 s) every hit
# touches, so a disabled account is refused at its next request.
my $cert5 = issue_cert(uniq('cache'), ca => 'pa', key => 'ec');
my $acct5 = make_account(uniq('cache'), region => $reg);
bind_cert($acct5, 'pa', $cert5);
my $r5 = login_tls($cert5);
my $c5 = "zcyca_session=$r5->{cookies}{zcyca_session}{value}";
is(req('GET', idle_url('/app/index.html'), cookie => $c5)->{code}, 200, 'a session cached, on the idle host');
db()->do('ALTER TABLE zcyca.accounts DISABLE TRIGGER accounts_disabled');
db()->do("UPDATE zcyca.accounts SET status = 'disabled' WHERE id = ?", undef, $acct5);
my $code5 = req('GET', idle_url('/app/index.html'), cookie => $c5, accept => 'application/json')->{code};
db()->do('ALTER TABLE zcyca.accounts ENABLE TRIGGER accounts_disabled');
is($code5, 401, 'without the trigger, a disabled account is refused at the next touch');
