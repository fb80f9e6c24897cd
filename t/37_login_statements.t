# What a login costs the database (issue 15): a TLS login is one statement,
# a signed-challenge login three with its challenge (issue, consume, login),
# whatever else it does (a replaced session, a renewed certificate); a
# refusal adds its audit row.  Counted with pg_stat_statements over the
# module's statements (everything naming the zcyca schema, except the
# housekeeping sweep, which runs on its own clock).
use strict;
use warnings FATAL => 'all';
use utf8;
use Apache::Test qw(-withtestmore);
use FindBin ();
use lib "$FindBin::Bin/lib";
use ZcTest;

plan tests => 14, need_module('zcyca');

statement_calls('%');   # makes the extension
sub statements {
    my ($n) = db()->selectrow_array(
        "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements
          WHERE query LIKE '%zcyca.%' AND query NOT LIKE '%pg_stat_statements%' AND query NOT LIKE '%zcyca.housekeeping%'");
    return $n;
}
# The statements the code block runs, and its result.
sub cost {
    my $code = shift;
    my $before = statements();
    my $r = $code->();
    return (statements() - $before, $r);
}
sub q1 { (db()->selectrow_array(shift, undef, @_))[0] }

my $reg = make_region(uniq('cost'), 1, 'pa');
my $key = issue_cert(uniq('cost'), ca => 'pa', key => 'ec');
my $acct = make_account(uniq('cost'), region => $reg);
bind_cert($acct, 'pa', $key);
my $audits = q1("SELECT count(*) FROM zcyca.audit WHERE account_id = ? AND event = 'login' AND outcome = 'success'", $acct);

my ($n, $r) = cost(sub { login_tls($key) });
is($r->{code}, 200, 'a TLS login');
is($n, 1, '... is one statement');
is(q1("SELECT count(*) FROM zcyca.audit WHERE account_id = ? AND event = 'login' AND outcome = 'success'", $acct),
   $audits + 1, '... which wrote its audit row');
my $first = $r->{cookies}{zcyca_session}{value};

($n, $r) = cost(sub { login_tls($key, cookie => "zcyca_session=$first") });
is($r->{code}, 200, 'a TLS login carrying the previous session');
is($n, 1, '... is one statement too');
is(q1("SELECT count(*) FROM zcyca.sessions WHERE token_hash = decode(?, 'hex')", Digest::SHA::sha256_hex($first)), 0,
   '... which deleted the replaced session');
is(req('GET', tls_url('/ca/session'), cookie => "zcyca_session=$first", accept => 'application/json')->{code}, 401,
   '... and the replaced cookie no longer works');

my $renewed = issue_cert(uniq('cost-renewed'), ca => 'pa', reuse_key => $key);
($n, $r) = cost(sub { login_tls($renewed, key => $key) });
is($r->{code}, 200, 'a TLS login with a renewed certificate on the bound key');
is($n, 1, '... is one statement');
is(q1('SELECT cert_sha256 FROM zcyca.bindings WHERE account_id = ?', $acct), cert_sha256($renewed),
   '... which recorded the renewed certificate on the binding');

($n, $r) = cost(sub { login_challenge($key) });
is($r->{code}, 200, 'a signed-challenge login');
is($n, 3, '... is three statements with its challenge (issue, consume, login)');

# A refusal: the login statement changes nothing, its audit row is written after it.
db()->do('UPDATE zcyca.regions SET ca_enabled = false WHERE code = ?', undef, $reg);
my $sessions = q1('SELECT count(*) FROM zcyca.sessions WHERE account_id = ?', $acct);
($n, $r) = cost(sub { login_tls($key) });
is(code_of($r), '403 REGION_DISABLED', 'a TLS login in a region that is off is refused');
is($n . ' ' . q1('SELECT count(*) FROM zcyca.sessions WHERE account_id = ?', $acct), "2 $sessions",
   '... in two statements (the login, its audit row), with no session opened');
