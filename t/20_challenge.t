# POST /ca/challenge: what is issued, what is stored, the pre-login cookie,
# the per-cookie cap, clean-up, and every refusal.
use strict;
use warnings FATAL => 'all';
use utf8;
use Apache::Test qw(-withtestmore);
use FindBin ();
use lib "$FindBin::Bin/lib";
use ZcTest;
use Digest::SHA ();

plan tests => 37, need_module('zcyca');

my $r = challenge(provider => 'pa');
is($r->{code}, 200, 'a login challenge is issued');
my $j = $r->{json};
like($j->{challenge_id}, qr/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'challenge_id is a uuid');
like($j->{nonce}, qr/^[A-Za-z0-9_-]{43}$/, 'nonce: 32 bytes as base64url');
my ($iat) = $j->{tbs} =~ /\niat=(\S+)$/;
my $origin = origin();
is($j->{tbs}, "ZCYCA-AUTH-V1\npurpose=login\norigin=$origin\nprovider=pa\nnonce=$j->{nonce}\niat=$iat",
   'tbs is the exact ZCYCA-AUTH-V1 text');
like($iat // '', qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, 'iat is RFC 3339 UTC in whole seconds');
is($j->{signed_data}, 'tbs', 'signed_data tells the driver what to sign');
like($j->{expires_at}, qr/Z$/, 'expires_at is RFC 3339 UTC');
my $pre = $r->{cookies}{zcyca_pre};
ok($pre && $pre->{value} =~ /^[A-Za-z0-9_-]{43}$/, 'a pre-login cookie is set');
like($pre->{attrs}, qr/HttpOnly/i, '... HttpOnly');
like($pre->{attrs}, qr/Secure/i, '... Secure');
like($pre->{attrs}, qr/SameSite=Strict/i, '... SameSite=Strict');

my $row = db()->selectrow_hashref(
    "SELECT encode(nonce_hash, 'hex') AS nh, encode(presession_hash, 'hex') AS ph, purpose, provider_id, origin,
            extract(epoch from expires_at - issued_at) AS ttl, consumed_at
       FROM zcyca.challenges WHERE id = ?", undef, $j->{challenge_id});
is($row->{nh}, Digest::SHA::sha256_hex($j->{nonce}), 'the row holds the hash of the nonce');
is($row->{ph}, Digest::SHA::sha256_hex($pre->{value}), '... and of the pre-login cookie');
is("$row->{purpose} $row->{provider_id} $row->{origin}", "login pa $origin", '... bound to purpose, provider, origin');
cmp_ok(abs($row->{ttl} - 120), '<', 1, 'default TTL is 120 s');
my ($plain) = db()->selectrow_array(
    "SELECT count(*) FROM zcyca.challenges WHERE position(? in encode(nonce_hash, 'escape')) > 0", undef, $j->{nonce});
is($plain, 0, 'the nonce itself is stored nowhere');

# Same browser: the cookie is kept; at most 5 pending per cookie.
my $again = challenge(provider => 'pa', pre => $r->{pre});
ok(!$again->{cookies}{zcyca_pre}, 'an existing pre-login cookie is kept');
challenge(provider => 'pa', pre => $r->{pre}) for 1 .. 6;
my ($pending) = db()->selectrow_array(
    'SELECT count(*) FROM zcyca.challenges WHERE presession_hash = (SELECT presession_hash FROM zcyca.challenges WHERE id = ?)
        AND consumed_at IS NULL', undef, $j->{challenge_id});
is($pending, 5, 'pending challenges per pre-login cookie are capped at 5');
my ($first_burnt) = db()->selectrow_array('SELECT consumed_at IS NOT NULL FROM zcyca.challenges WHERE id = ?', undef,
                                          $j->{challenge_id});
ok($first_burnt, 'the oldest ones are burnt, not the newest');

# Expired rows are swept when challenges are issued.
db()->do("INSERT INTO zcyca.challenges (nonce_hash, purpose, provider_id, presession_hash, origin, issued_at, expires_at)
          VALUES ('\\x00', 'login', 'pa', '\\x00', 'https://old.example', now() - interval '3 hours', now() - interval '2 hours')");
challenge(provider => 'pa');
my ($old) = db()->selectrow_array("SELECT count(*) FROM zcyca.challenges WHERE origin = 'https://old.example'");
is($old, 0, 'challenges expired over an hour ago are cleaned up');

# Nonce mode: the driver signs the nonce alone.
$r = challenge(provider => 'pn');
is($r->{json}{tbs}, $r->{json}{nonce}, 'ZcyCAProviderSignedData nonce: tbs is the nonce');
is($r->{json}{signed_data}, 'nonce', '... and says so');

# Refusals.
$r = req('POST', tls_url('/ca/challenge'), json => { purpose => 'steal', provider => 'pa' }, origin => 1);
is(code_of($r), '400 BAD_REQUEST', 'unknown purpose → BAD_REQUEST');
$r = req('POST', tls_url('/ca/challenge'), json => { purpose => 'login' }, origin => 1);
like($r->{json}{tbs} // '', qr/\nprovider=\n/, 'no provider: a challenge for whichever provider the certificate is from');
$r = req('POST', tls_url('/ca/challenge'), json => { purpose => 'login', provider => 'zz' }, origin => 1);
is(code_of($r), '400 PROVIDER_UNKNOWN', 'unknown provider → PROVIDER_UNKNOWN');
$r = req('POST', tls_url('/ca/challenge'), json => { purpose => 'login', provider => 'pa', account => 'x' }, origin => 1);
is(code_of($r), '400 BAD_REQUEST', 'an account with a login challenge → BAD_REQUEST');
$r = req('POST', tls_url('/ca/challenge'), json => { purpose => 'login', provider => 'pa' });
is(code_of($r), '403 CSRF_REJECTED', 'no Origin → CSRF_REJECTED');
$r = req('POST', tls_url('/ca/challenge'), json => { purpose => 'login', provider => 'pa' }, origin => 'https://evil.example');
is(code_of($r), '403 CSRF_REJECTED', 'foreign Origin → CSRF_REJECTED');
$r = req('POST', tls_url('/ca/challenge'), form => 'purpose=login&provider=pa', origin => 1);
is(code_of($r), '403 CSRF_REJECTED', 'a form post → CSRF_REJECTED (JSON only)');
$r = req('POST', tls_url('/ca/challenge'), json => '{"purpose":"login","provider":"pa","pad":"' . ('x' x 1048576) . '"}', origin => 1);
is(code_of($r), '413 PAYLOAD_TOO_LARGE', 'a 1 MB body → PAYLOAD_TOO_LARGE');
$r = req('POST', tls_url('/ca/challenge'), json => '{"purpose":"login",', origin => 1);
is(code_of($r), '400 BAD_REQUEST', 'broken JSON → BAD_REQUEST');
$r = req('GET', tls_url('/ca/challenge'));
is($r->{code}, 405, 'GET → 405');

# Bind challenges need a session and name an existing account.
$r = challenge(purpose => 'bind', provider => 'pa', account => 'someone');
is(code_of($r), '401 LOGIN_REQUIRED', 'a bind challenge without a session → LOGIN_REQUIRED');
my $reg = make_region(uniq('chal'), 1, 'pa');
my $cert = issue_cert(uniq('chal'), ca => 'pa', key => 'ec');
my $acct = make_account(uniq('chal'), region => $reg);
my ($login) = db()->selectrow_array('SELECT login FROM zcyca.accounts WHERE id = ?', undef, $acct);
bind_cert($acct, 'pa', $cert);
my $l = login_tls($cert);
my $sess = "zcyca_session=$l->{cookies}{zcyca_session}{value}";
$r = challenge(purpose => 'bind', provider => 'pa', cookie => $sess);
is(code_of($r), '400 BAD_REQUEST', 'a bind challenge without the account → BAD_REQUEST');
$r = challenge(purpose => 'bind', provider => 'pa', account => uniq('nobody'), cookie => $sess);
is(code_of($r), '404 NOT_FOUND', 'a bind challenge for an unknown account → NOT_FOUND');
$r = challenge(purpose => 'bind', provider => 'pa', account => $login, cookie => $sess);
is($r->{code}, 200, 'a bind challenge for an account, with a session');
like($r->{json}{tbs}, qr/\npurpose=bind\n/, '... purpose=bind in the text');
