# The connection memo: on one keep-alive connection, a repeat request with the
# same cookie is served from the memo (no hash, no cache, no database), and
# every way a session ends still refuses it at once on that very connection.
# The memo must also follow the cookie: one connection may carry several
# users (a proxy in front), and each request gets its own identity.
use strict;
use warnings FATAL => 'all';
use utf8;
use Apache::Test qw(-withtestmore);
use FindBin ();
use lib "$FindBin::Bin/lib";
use ZcTest;
use ZcConn;
use Digest::SHA ();
use Time::HiRes ();

plan tests => 25, need_module('zcyca');

sub session_queries { statement_calls('%zcyca.sessions%') }
my $error_log = Apache::Test::config()->{vars}{t_logs} . '/error_log';
sub memo_hits {   # ZCYCA0202 lines for this cookie's token
    my $hex = substr(Digest::SHA::sha256_hex((split /=/, shift, 2)[1]), 0, 8);
    open my $l, '<', $error_log or return 0;
    my $n = grep { /ZCYCA0202: session $hex from the connection's memo/ } <$l>;
    return $n;
}
sub env_of {      # the CGI environment as a hash
    my $r = shift;
    return { map { /^([^=]+)=(.*)$/ ? ($1, $2) : () } split /\n/, $r->{body} // '' };
}
sub new_session {
    my $reg = shift;
    my $cert = issue_cert(uniq('memo'), ca => 'pa', key => 'ec');
    my $acct = make_account(uniq('memo'), region => $reg);
    my $bid = bind_cert($acct, 'pa', $cert);
    my $r = login_tls($cert);
    return { acct => $acct, bid => $bid, login => login_of($acct),
             cookie => "zcyca_session=$r->{cookies}{zcyca_session}{value}" };
}
sub refused_within {
    my ($conn, $cookie, $secs) = @_;
    my $until = Time::HiRes::time() + $secs;
    while (1) {
        return 1 if $conn->get('/app/index.html', cookie => $cookie, accept => 'application/json')->{code} == 401;
        return 0 if Time::HiRes::time() > $until;
        select undef, undef, undef, 0.05;
    }
}
my $ca = pki() . '/server-ca.crt';

my $reg = make_region(uniq('memo'), 1, 'pa');
my $u1 = new_session($reg);
my $u2 = new_session($reg);

# Repeat requests on one connection: the memo answers, PostgreSQL is not asked.
my $k = ZcConn->new(tls_url(), ca => $ca);
is($k->get('/app/index.html', cookie => $u1->{cookie})->{code}, 200, 'a protected request on a keep-alive connection');
session_queries();   # the extension exists before the reset
db()->do('SELECT pg_stat_statements_reset()');
my $hits0 = memo_hits($u1->{cookie});
my $ok = 0;
$ok += $k->get('/app/index.html', cookie => $u1->{cookie})->{code} == 200 for 1 .. 10;
is($ok, 10, 'ten more on the same connection pass');
is($k->served, 11, '... all down one connection');
is(session_queries(), 0, '... with no session query in PostgreSQL');
cmp_ok(memo_hits($u1->{cookie}) - $hits0, '>=', 9, '... served from the connection memo (ZCYCA0202)');

# What the backend sees comes from the memo too, and is right.
my $fresh = env_of(req('GET', tls_url('/app/cgi/env.cgi'), cookie => $u1->{cookie}));
my $env = env_of($k->get('/app/cgi/env.cgi', cookie => $u1->{cookie}));
is($env->{ZCYCA_ACCOUNT}, $u1->{login}, 'ZCYCA_ACCOUNT from the memo');
like($env->{ZCYCA_SESSION_EXPIRES} // '', qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, 'ZCYCA_SESSION_EXPIRES from the memo is RFC 3339');
is($env->{ZCYCA_CERT_NOT_AFTER}, $fresh->{ZCYCA_CERT_NOT_AFTER}, 'ZCYCA_CERT_NOT_AFTER from the memo matches a new connection');
is($env->{ZCYCA_PROVIDER}, 'pa', 'ZCYCA_PROVIDER from the memo');

# One connection, several users (as behind a proxy): each request its own identity.
my @seen = map { env_of($k->get('/app/cgi/env.cgi', cookie => $_->{cookie}))->{ZCYCA_ACCOUNT} // '' } $u1, $u2, $u1, $u2;
is_deeply(\@seen, [ $u1->{login}, $u2->{login}, $u1->{login}, $u2->{login} ], 'cookies that change on one connection get their own accounts');
is($k->get('/app/index.html', cookie => 'zcyca_session=' . ('A' x 43), accept => 'application/json')->{code}, 401,
   'an unknown token on that connection is refused');
is($k->get('/app/index.html', accept => 'application/json')->{code}, 401, 'no cookie on that connection is refused');

# Logout on another connection: refused at once on this one.
is($k->get('/app/index.html', cookie => $u1->{cookie})->{code}, 200, 'the first session, in the memo again');
req('POST', tls_url('/ca/logout'), cookie => $u1->{cookie}, json => {}, origin => 1);
is($k->get('/app/index.html', cookie => $u1->{cookie}, accept => 'application/json')->{code}, 401,
   'logout elsewhere: refused at once on the keep-alive connection');
is($k->get('/app/index.html', cookie => $u2->{cookie})->{code}, 200, '... the other session on it still passes');

# Unbind on another connection: the sessions made with the key end at once here too.
add_user($u2->{login}, 'pw-memo');
my $pw = password_login($u2->{login}, 'pw-memo')->{cookie};
is($k->get('/app/index.html', cookie => $u2->{cookie})->{code}, 200, 'the second session, in the memo');
req('DELETE', tls_url("/ca/bindings/$u2->{bid}"), cookie => $pw, origin => 1, headers => { 'Content-Type' => 'application/json' });
is($k->get('/app/index.html', cookie => $u2->{cookie}, accept => 'application/json')->{code}, 401,
   'unbind elsewhere: refused at once on the keep-alive connection');

# Ended in the database (the session event): refused within 1 s on this connection.
my $u3 = new_session($reg);
is($k->get('/app/index.html', cookie => $u3->{cookie})->{code}, 200, 'a third session, in the memo');
db()->do("UPDATE zcyca.accounts SET status = 'disabled' WHERE id = ?", undef, $u3->{acct});
ok(refused_within($k, $u3->{cookie}, 1), 'an account disabled in SQL: refused on the connection within 1 s');
db()->do("UPDATE zcyca.accounts SET status = 'active' WHERE id = ?", undef, $u3->{acct});

# The idle host (3 s) touches last_seen_at on every request, memo or not, and
# the touch checks the account: without the trigger, still refused at once.
my $u4 = new_session($reg);
my $ki = ZcConn->new(idle_url(), ca => $ca);
is($ki->get('/app/index.html', cookie => $u4->{cookie})->{code}, 200, 'a session on the idle host, keep-alive');
db()->do('ALTER TABLE zcyca.accounts DISABLE TRIGGER accounts_disabled');
db()->do("UPDATE zcyca.accounts SET status = 'disabled' WHERE id = ?", undef, $u4->{acct});
my $code = $ki->get('/app/index.html', cookie => $u4->{cookie}, accept => 'application/json')->{code};
db()->do('ALTER TABLE zcyca.accounts ENABLE TRIGGER accounts_disabled');
is($code, 401, 'the memo does not skip the touch: a disabled account is refused at the next one');
is($ki->served, 2, '... on the same connection');
$k->close;
$ki->close;

# HTTP/2 (the idle host speaks it): streams run on several threads at once
# and keep no memo (session.c); they get the session, and lose it at logout,
# like any request.
sub h2_codes {   # four requests multiplexed on one HTTP/2 connection → "VERSION CODE" each
    my $cookie = shift;
    my @cmd = ('curl', '-sS', '--http2', '--parallel', '--cacert', $ca, '-H', "Cookie: $cookie",
               '-H', 'Accept: application/json', '-w', '%{http_version} %{http_code} %{num_connects}\n');
    push @cmd, '-o', '/dev/null', idle_url('/app/index.html') for 1 .. 4;
    open my $p, '-|', @cmd or die "curl: $!";
    my @out = <$p>;
    close $p;
    chomp @out;
    return [ sort @out ];
}
my $u5 = new_session($reg);
my $codes = h2_codes($u5->{cookie});
is(scalar(grep { /^2 200 / } @$codes), 4, 'four HTTP/2 streams with the cookie pass') or diag "@$codes";
is(scalar(grep { / 1$/ } @$codes), 1, '... over one connection');
req('POST', tls_url('/ca/logout'), cookie => $u5->{cookie}, json => {}, origin => 1);
$codes = h2_codes($u5->{cookie});
is(scalar(grep { /^2 401 / } @$codes), 4, 'after logout the HTTP/2 streams are refused') or diag "@$codes";
