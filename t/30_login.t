# Mutual-TLS CA login end to end: success, cookie, protected page, every
# failure code of the issue, renewal, session info, logout and rotation.
use strict;
use warnings FATAL => 'all';
use utf8;
use Apache::Test qw(-withtestmore);
use FindBin ();
use lib "$FindBin::Bin/lib";
use ZcTest;

plan tests => 91, need_module('zcyca');

my $R  = make_region(uniq('r-on'), 1, 'pa', 'pb', 'pc');
my $ROFF = make_region(uniq('r-off'), 0, 'pa');
my $RA = make_region(uniq('r-a'), 1, 'pa');            # accepts provider A only

my %c;
$c{rsa}   = issue_cert(uniq('alice-rsa'), ca => 'pa', key => 'rsa');
$c{ec}    = issue_cert(uniq('bob-ec'), ca => 'pa', key => 'ec');
$c{pb}    = issue_cert(uniq('carol-pb'), ca => 'pb');
$c{exp}   = issue_cert(uniq('expired'), ca => 'pa', start => '20200101000000Z', end => '20210101000000Z');
$c{fut}   = issue_cert(uniq('future'), ca => 'pa', start => '20990101000000Z', end => '21000101000000Z');
$c{nods}  = issue_cert(uniq('nodigsig'), ca => 'pa', ku => 'critical,keyEncipherment');
$c{unb}   = issue_cert(uniq('unbound'), ca => 'pa', key => 'ec');
$c{dis}   = issue_cert(uniq('disabled'), ca => 'pa');
$c{off}   = issue_cert(uniq('regoff'), ca => 'pa');
$c{nacc}  = issue_cert(uniq('notacc'), ca => 'pb');
$c{ux}    = issue_cert(uniq('untrusted'), ca => 'ux');
$c{pbrsa} = issue_cert(uniq('pb-rsa'), ca => 'pb', key => 'rsa');

my $alice = make_account(uniq('alice'), region => $R, name => '张三');
my $bob   = make_account(uniq('bob'), region => $R);
my $carol = make_account(uniq('carol'), region => $R);
my $dave  = make_account(uniq('dave'), region => $R, status => 'disabled');
my $erin  = make_account(uniq('erin'), region => $ROFF);
my $frank = make_account(uniq('frank'), region => $RA);
my ($alice_login) = db()->selectrow_array('SELECT login FROM zcyca.accounts WHERE id = ?', undef, $alice);
my ($bob_login)   = db()->selectrow_array('SELECT login FROM zcyca.accounts WHERE id = ?', undef, $bob);

my $b_alice = bind_cert($alice, 'pa', $c{rsa});
bind_cert($bob, 'pa', $c{ec});
bind_cert($carol, 'pb', $c{pb});
bind_cert($alice, 'pa', $c{$_}) for qw(exp fut nods);   # the certificate checks come first
bind_cert($dave, 'pa', $c{dis});
bind_cert($erin, 'pa', $c{off});
bind_cert($frank, 'pb', $c{nacc});

sub err_of { my $r = shift; $r->{json} && $r->{json}{error} ? $r->{json}{error}{code} : "(status $r->{code}: $r->{body})" }

# --- success: RSA ---------------------------------------------------------
my $r = login_tls($c{rsa});
is($r->{code}, 200, 'RSA client certificate logs in');
is($r->{json}{account}{login}, $alice_login, 'the bound account answers');
is($r->{json}{account}{name}, '张三', 'display name in UTF-8');
is($r->{json}{method}, 'ca', 'method ca');
is($r->{json}{redirect}, '/app/', 'redirect is ZcyCAAfterLogin');
my $ck = $r->{cookies}{zcyca_session};
ok($ck && length($ck->{value}) == 43, 'session cookie with a 43-char token');
like($ck->{attrs}, qr/;\s*HttpOnly/i, 'cookie is HttpOnly');
like($ck->{attrs}, qr/;\s*Secure/i, 'cookie is Secure');
like($ck->{attrs}, qr/;\s*SameSite=Lax/i, 'cookie is SameSite');
is_deeply($r->{headers}{'cache-control'}, ['no-store'], 'login answer is not cached');
my $cookie1 = "zcyca_session=$ck->{value}";

my ($stored) = db()->selectrow_array("SELECT count(*) FROM zcyca.sessions WHERE encode(token_hash, 'hex') = ? AND account_id = ?",
                                     undef, Digest::SHA::sha256_hex($ck->{value}), $alice);
is($stored, 1, 'only the hash of the token is stored, for the right account');
my ($plain) = db()->selectrow_array("SELECT count(*) FROM zcyca.sessions WHERE encode(token_hash, 'escape') = ?",
                                    undef, $ck->{value});
is($plain, 0, 'the token itself is not stored');

# --- the protected page ---------------------------------------------------
$r = req('GET', tls_url('/app/cgi/env.cgi'), cookie => $cookie1);
is($r->{code}, 200, 'protected CGI answers 200 with the cookie');
like($r->{body}, qr/^REMOTE_USER=\Q$alice_login\E$/m, 'REMOTE_USER is the login');
like($r->{body}, qr/^ZCYCA_ACCOUNT=\Q$alice_login\E$/m, 'ZCYCA_ACCOUNT is the login');
like($r->{body}, qr/^ZCYCA_METHOD=ca$/m, 'ZCYCA_METHOD=ca');
like($r->{body}, qr/^ZCYCA_PROVIDER=pa$/m, 'ZCYCA_PROVIDER=pa');
like($r->{body}, qr/^ZCYCA_REGION=\Q$R\E$/m, 'ZCYCA_REGION');
like($r->{body}, qr/^ZCYCA_KEY_ID=[0-9a-f]{64}$/m, 'ZCYCA_KEY_ID is the spki-sha256');
like($r->{body}, qr/^ZCYCA_CERT_NOT_AFTER=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/m, 'ZCYCA_CERT_NOT_AFTER is RFC 3339 UTC');
like($r->{body}, qr/^ZCYCA_SESSION_EXPIRES=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/m, 'ZCYCA_SESSION_EXPIRES');
$r = req('GET', tls_url('/app/index.html'), cookie => $cookie1);
is($r->{code}, 200, 'protected static page answers 200');

$r = req('GET', tls_url('/app/index.html'), accept => 'application/json');
is($r->{code}, 401, 'no cookie: API client gets 401');
is(err_of($r), 'LOGIN_REQUIRED', '... with LOGIN_REQUIRED JSON');
$r = req('GET', tls_url('/app/index.html'), headers => { 'X-Requested-With' => 'XMLHttpRequest' },
         accept => 'text/html');
is($r->{code}, 401, 'XHR gets 401 even when it accepts HTML');
$r = req('GET', tls_url('/app/index.html?x=1'), accept => 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8');
is($r->{code}, 302, 'no cookie: browser gets 302');
like($r->{headers}{location}[0], qr{^/login\.html\?return=%2Fapp%2Findex\.html%3Fx%3D1$}i, '... to ZcyCALoginURL with the way back');
$r = req('GET', tls_url('/app/index.html'), cookie => 'zcyca_session=' . ('A' x 43), accept => 'application/json');
is($r->{code}, 401, 'a made-up token gets 401');

# --- session info -----------------------------------------------------------
$r = req('GET', tls_url('/ca/session'), cookie => $cookie1);
is($r->{code}, 200, 'GET /ca/session with a session');
is($r->{json}{account}{login}, $alice_login, 'session info names the account');
is($r->{json}{provider}, 'pa', 'session info names the provider');
like($r->{json}{expires_at} // '', qr/Z$/, 'expires_at is RFC 3339 UTC');
is(ref $r->{json}{warnings}, 'ARRAY', 'warnings list present');
$r = req('GET', tls_url('/ca/session'));
is($r->{code}, 401, 'GET /ca/session without a session → 401');

# --- success: P-256, and a new id at every login --------------------------
$r = login_tls($c{ec});
is($r->{code}, 200, 'P-256 client certificate logs in');
is($r->{json}{account}{login}, $bob_login, '... to its own account');
$r = login_tls($c{rsa}, cookie => $cookie1);
is($r->{code}, 200, 'second login of the same user');
my $cookie2 = "zcyca_session=$r->{cookies}{zcyca_session}{value}";
isnt($cookie2, $cookie1, 'the session id changes at every login');
$r = req('GET', tls_url('/app/index.html'), cookie => $cookie1, accept => 'application/json');
is($r->{code}, 401, 'the session the browser carried into the login is gone (no fixation)');

# --- provider B via its own anchors ---------------------------------------
$r = login_tls($c{pb}, provider => 'pb');
is($r->{code}, 200, 'provider B certificate logs in with provider B chosen');

# --- a renewed certificate on the same key --------------------------------
my $renewed = issue_cert(uniq('alice-renewed'), ca => 'pa', reuse_key => $c{rsa});
isnt(cert_sha256($renewed), cert_sha256($c{rsa}), 'the renewal is a different certificate');
$r = login_tls($renewed, key => $c{rsa});
is($r->{code}, 200, 'a renewed certificate on the same key logs in');
is($r->{json}{account}{login}, $alice_login, '... into the same account');
my ($fp) = db()->selectrow_array('SELECT cert_sha256 FROM zcyca.bindings WHERE id = ?', undef, $b_alice);
is($fp, cert_sha256($renewed), 'the binding now shows the renewed certificate');

# --- failures ----------------------------------------------------------------
my @fail = (
    [ 'no certificate',            undef,     'pa', 401, 'NO_CERTIFICATE' ],
    [ 'untrusted CA',              $c{ux},    'pa', 401, 'CERT_UNTRUSTED' ],
    [ 'provider A cert, B chosen', $c{rsa},   'pb', 401, 'PROVIDER_MISMATCH' ],
    [ 'expired',                   $c{exp},   'pa', 401, 'CERT_EXPIRED' ],
    [ 'not yet valid',             $c{fut},   'pa', 401, 'CERT_NOT_YET_VALID' ],
    [ 'no digitalSignature',       $c{nods},  'pa', 401, 'CERT_USAGE' ],
    [ 'unbound key',               $c{unb},   'pa', 401, 'NOT_BOUND' ],
    [ 'disabled account',          $c{dis},   'pa', 403, 'ACCOUNT_DISABLED' ],
    [ 'region disabled',           $c{off},   'pa', 403, 'REGION_DISABLED' ],
    [ 'provider not accepted',     $c{nacc},  'pb', 403, 'PROVIDER_NOT_ACCEPTED' ],
    [ 'unknown provider',          $c{rsa},   'nope', 400, 'PROVIDER_UNKNOWN' ],
    [ 'RSA key, provider allows ECDSA only', $c{pbrsa}, 'pb', 400, 'ALG_UNSUPPORTED' ],
);
for my $f (@fail) {
    my ($what, $cert, $prov, $status, $code) = @$f;
    my $res = req('POST', tls_url('/ca/login'), ($cert ? (cert => $cert) : ()), json => { provider => $prov }, origin => 1);
    is("$res->{code} " . err_of($res), "$status $code", "$what → $status $code");
}
$r = req('POST', tls_url('/ca/login'), cert => $c{rsa}, json => '{"provider": "pa",', origin => 1);
is("$r->{code} " . err_of($r), '400 BAD_REQUEST', 'malformed body → 400 BAD_REQUEST');
$r = req('POST', tls_url('/ca/login'), cert => $c{rsa}, json => {}, origin => 1);
is("$r->{code} " . err_of($r), '400 PROVIDER_AMBIGUOUS', 'no provider, and several share these anchors → PROVIDER_AMBIGUOUS');
$r = req('POST', tls_url('/ca/login'), cert => $c{rsa}, json => { provider => ['pa'] }, origin => 1);
is("$r->{code} " . err_of($r), '400 BAD_REQUEST', 'provider of the wrong type → 400 BAD_REQUEST');
$r = req('POST', tls_url('/ca/login'), cert => $c{rsa}, json => '{"provider":"pa","x":"' . ('a' x 70000) . '"}', origin => 1);
is("$r->{code} " . err_of($r), '413 PAYLOAD_TOO_LARGE', 'a body over ZcyCAMaxBody → 413');
$r = req('POST', tls_url('/ca/login'), cert => $c{rsa}, json => { provider => 'pa' });
is("$r->{code} " . err_of($r), '403 CSRF_REJECTED', 'no Origin → CSRF_REJECTED');
$r = req('POST', tls_url('/ca/login'), cert => $c{rsa}, json => { provider => 'pa' }, origin => 'https://evil.example');
is("$r->{code} " . err_of($r), '403 CSRF_REJECTED', 'foreign Origin → CSRF_REJECTED');
$r = req('POST', tls_url('/ca/login'), cert => $c{rsa}, body => '{"provider":"pa"}', origin => 1,
         headers => { 'Content-Type' => 'text/plain' });
is("$r->{code} " . err_of($r), '403 CSRF_REJECTED', 'text/plain body → CSRF_REJECTED');
$r = req('GET', tls_url('/ca/login'), cert => $c{rsa});
is($r->{code}, 405, 'GET /ca/login → 405');
$r = req('POST', tls_url('/ca/login'), cert => $c{rsa}, json => { provider => 'pa' }, origin => 1,
         accept => 'application/json', headers => { 'Content-Type' => 'application/json; charset=utf-8' });
is($r->{code}, 200, 'a charset parameter on the JSON content type is fine');

my ($dis) = req('POST', tls_url('/ca/login'), cert => $c{dis}, json => { provider => 'pa' }, origin => 1);
is_deeply([$dis->{json}{error}{reasons}, $dis->{json}{error}{reasons_en}],
          [['账号已停用，请联系平台管理员'], ['Account disabled: contact the platform administrator']],
          'ACCOUNT_DISABLED tells the user what to do (reasons and reasons_en)');
my ($err) = req('POST', tls_url('/ca/login'), cert => $c{exp}, json => { provider => 'pa' }, origin => 1);
is($err->{json}{error}{message}, '证书已过期，请联系CA机构更新', 'Chinese message');
is($err->{json}{error}{message_en}, 'Certificate expired; renew it with your CA', 'English message');
ok(grep({ $_ eq '电脑时间不正确' } @{ $err->{json}{error}{reasons} }), 'the reasons list the clock');

# --- browsers: HTML form login and the 可能失败原因 page ------------------
$r = req('POST', tls_url('/ca/login'), cert => $c{rsa}, form => 'provider=pa', origin => 1, accept => 'text/html');
is($r->{code}, 303, 'an HTML form post that succeeds gets 303');
is($r->{headers}{location}[0], '/app/', '... to ZcyCAAfterLogin');
ok($r->{cookies}{zcyca_session}, '... with the session cookie');
$r = req('POST', tls_url('/ca/login'), cert => $c{rsa}, form => 'provider=pa&return=%2Fapp%2Fcgi%2Fenv.cgi', origin => 1,
         accept => 'text/html');
is($r->{headers}{location}[0], '/app/cgi/env.cgi', 'a local return path is honoured');
$r = req('POST', tls_url('/ca/login'), cert => $c{rsa}, form => 'provider=pa&return=%2F%2Fevil.example%2F', origin => 1,
         accept => 'text/html');
is($r->{headers}{location}[0], '/app/', 'a //host return is not (no open redirect)');
$r = req('POST', tls_url('/ca/login'), cert => $c{unb}, form => 'provider=pa', origin => 1, accept => 'text/html');
is($r->{code}, 401, 'a failed form login answers its status');
like($r->{headers}{'content-type'}[0], qr{^text/html}, '... with an HTML page');
my $page = $r->{body};
utf8::decode($page);
like($page, qr/可能失败原因/, '... that lists the possible reasons');
like($page, qr/CA锁未绑定账号/, '... including the one for NOT_BOUND');
# ... and it leads on: password login (then CA管理), CA管理, back to the login page
like($page, qr{<a href="/login\.html\?tab=password&amp;return=%2fca-admin\.html">使用账号密码登录并绑定},
     'NOT_BOUND page: a link to password login that returns to CA管理 (ZcyCAManageURL)');
like($page, qr{<a href="/ca-admin\.html">CA管理}, '... a link to CA管理');
like($page, qr{<a href="/login\.html">返回登录页}, '... and back to the login page (ZcyCALoginURL)');
$r = req('POST', tls_url('/ca/login'), cert => $c{exp}, form => 'provider=pa', origin => 1, accept => 'text/html');
$page = $r->{body};
utf8::decode($page);
like($page, qr{<a href="/login\.html">返回登录页}, 'an expired key\'s page leads back to the login page');
unlike($page, qr/tab=password|CA管理/, '... but not to binding, which would not help');

# --- audit -----------------------------------------------------------------
my ($ok_rows) = db()->selectrow_array(
    "SELECT count(*) FROM zcyca.audit WHERE event = 'login' AND outcome = 'success' AND account_id = ?", undef, $alice);
cmp_ok($ok_rows, '>=', 3, 'login successes are audited');
my ($fail_row) = db()->selectrow_array(
    "SELECT count(*) FROM zcyca.audit WHERE event = 'login' AND outcome = 'failure' AND code = 'CERT_EXPIRED'");
cmp_ok($fail_row, '>=', 1, 'a failure is audited with its code');
my ($dis_row) = db()->selectrow_array(
    "SELECT count(*) FROM zcyca.audit WHERE event = 'login' AND code = 'ACCOUNT_DISABLED' AND account_id = ?", undef, $dave);
is($dis_row, 2, 'the disabled account\'s two failures (the table above, the reasons check) name the account');

# --- logout ----------------------------------------------------------------
$r = req('POST', tls_url('/ca/logout'), cookie => $cookie2, json => {}, origin => 1);
is($r->{code}, 204, 'logout answers 204');
like($r->{cookies}{zcyca_session}{attrs} // '', qr/Max-Age=0/, '... and clears the cookie');
$r = req('GET', tls_url('/app/index.html'), cookie => $cookie2, accept => 'application/json');
is($r->{code}, 401, 'the old cookie gets 401 after logout (deleted server side)');
$r = req('POST', tls_url('/ca/logout'), cookie => $cookie2, json => {}, origin => 1);
is("$r->{code} " . err_of($r), '401 LOGIN_REQUIRED', 'logout again → LOGIN_REQUIRED');
my ($out_rows) = db()->selectrow_array(
    "SELECT count(*) FROM zcyca.audit WHERE event = 'logout' AND account_id = ?", undef, $alice);
is($out_rows, 1, 'logout is audited');
