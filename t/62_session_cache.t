# The session cache (ZcyCASessionCache shmcb, TTL 2 s): cached checks make no
# PostgreSQL query (counted with pg_stat_statements), and logout and unbind
# take the entry out at once.
use strict;
use warnings FATAL => 'all';
use utf8;
use Apache::Test qw(-withtestmore);
use FindBin ();
use lib "$FindBin::Bin/lib";
use ZcTest;

plan tests => 7, need_module('zcyca');

db()->do('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
sub session_gets {
    my ($n) = db()->selectrow_array(
        "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE query LIKE '%FROM zcyca.sessions s JOIN zcyca.accounts%'");
    return $n;
}

my $reg = make_region(uniq('cache'), 1, 'pa');
my $cert = issue_cert(uniq('cache'), ca => 'pa', key => 'ec');
my $acct = make_account(uniq('cache'), region => $reg);
my $bid = bind_cert($acct, 'pa', $cert);
my $r = login_tls($cert);
my $cookie = "zcyca_session=$r->{cookies}{zcyca_session}{value}";

# One look-up fills the cache of the child that serves it; with several
# children, each fills its own shmcb view once (shmcb is shared per node).
is(req('GET', tls_url('/app/index.html'), cookie => $cookie)->{code}, 200, 'a protected request');
db()->do('SELECT pg_stat_statements_reset()');
my $before = session_gets();
my $ok = 0;
$ok += req('GET', tls_url('/app/index.html'), cookie => $cookie)->{code} == 200 for 1 .. 15;
is($ok, 15, 'fifteen more protected requests pass');
is(session_gets() - $before, 0, '... and made no session query in PostgreSQL (cache hits)');

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
