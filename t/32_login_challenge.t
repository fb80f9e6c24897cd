# Signed-challenge login: RSA (PKCS#1, PSS), P-256 (DER, raw), SM2 (DER,
# raw, SKF blob) on root → intermediate → leaf, nonce mode, entity-id keys,
# and every refusal of the issue, never a 500.
use strict;
use warnings FATAL => 'all';
use utf8;
use Apache::Test qw(-withtestmore);
use FindBin ();
use lib "$FindBin::Bin/lib";
use ZcTest;
use JSON::PP ();

plan tests => 43, need_module('zcyca');

my $reg = make_region(uniq('sig'), 1, qw(pa ps pn pe pr));
sub account_with {
    my ($provider, $cert, $key_id) = @_;
    my $id = make_account(uniq('sig'), region => $reg);
    bind_cert($id, $provider, $cert, $key_id);
    return $id;
}

my $rsa = issue_cert(uniq('c-rsa'), ca => 'pa', key => 'rsa');
my $ec  = issue_cert(uniq('c-ec'), ca => 'pa', key => 'ec');
my $sm2 = issue_cert(uniq('c-sm2'), ca => 'ps');
account_with('pa', $rsa);
account_with('pa', $ec);
account_with('ps', $sm2);
account_with('pn', $ec);
account_with('pr', $rsa);

# --- logins ----------------------------------------------------------------
my $r = login_challenge($rsa, alg => 'rsa');
is(code_of($r) =~ /^200/ ? 200 : code_of($r), 200, 'RSA PKCS#1 v1.5 logs in');
is($r->{json}{method}, 'ca', '... method ca');
ok($r->{cookies}{zcyca_session}, '... with a session cookie');
$r = login_challenge($rsa, alg => 'pss');
is($r->{code}, 200, 'RSA-PSS logs in') or diag code_of($r);
$r = login_challenge($rsa, alg => 'pss', provider => 'pr');
is($r->{code}, 200, 'RSA-PSS with a PSS-only provider') or diag code_of($r);
$r = login_challenge($ec, alg => 'ecdsa', format => 'der');
is($r->{code}, 200, 'P-256 DER signature logs in') or diag code_of($r);
$r = login_challenge($ec, alg => 'ecdsa', format => 'raw');
is($r->{code}, 200, 'P-256 raw r||s logs in') or diag code_of($r);
$r = login_challenge($ec, alg => 'ecdsa', format => 'skf');
is($r->{code}, 200, 'P-256 SKF blob logs in') or diag code_of($r);
for my $fmt (qw(der raw skf)) {
    $r = login_challenge($sm2, provider => 'ps', alg => 'sm2', format => $fmt, chain => ['ps-inter']);
    is($r->{code}, 200, "SM2 $fmt signature, root → intermediate → leaf with the GM/T ID, logs in") or diag code_of($r);
}
$r = login_challenge($sm2, provider => 'ps', alg => 'sm2', chain => ['ps-inter'], algorithm => 'sm2-sm3');
is($r->{code}, 200, 'an explicit algorithm name is accepted');
my $der_cert = do { local $/; open my $f, '<:raw', pki() . "/$ec.der" or die; <$f> };
$r = login_challenge($ec, override => { certificate => MIME::Base64::encode_base64($der_cert, '') });
is($r->{code}, 200, 'the certificate as base64 DER works too') or diag code_of($r);

# nonce mode
my $c = challenge(provider => 'pn');
$r = login_challenge($ec, provider => 'pn', challenge => $c);
is($r->{code}, 200, 'nonce mode: a signature over the nonce alone logs in') or diag code_of($r);

# --- refusals ----------------------------------------------------------------
$c = challenge(provider => 'pa');
$r = login_challenge($ec, challenge => $c);
is($r->{code}, 200, 'a fresh challenge works once');
$r = login_challenge($ec, challenge => $c);
is(code_of($r), '401 CHALLENGE_INVALID', 'the same challenge used twice → CHALLENGE_INVALID');

$c = challenge(provider => 'pa');
db()->do("UPDATE zcyca.challenges SET expires_at = now() - interval '1 second' WHERE id = ?", undef, $c->{json}{challenge_id});
$r = login_challenge($ec, challenge => $c);
is(code_of($r), '401 CHALLENGE_EXPIRED', 'an expired challenge → CHALLENGE_EXPIRED');

$c = challenge(provider => 'pa');
my $other = challenge(provider => 'pa');
$r = login_challenge($ec, challenge => { %$c, pre => $other->{pre} });
is(code_of($r), '401 CHALLENGE_INVALID', 'a challenge issued to another pre-login cookie → CHALLENGE_INVALID');
$r = login_challenge($ec, challenge => $c);
is($r->{code}, 200, '... and that did not burn it for its owner');

$c = challenge(provider => 'pa');
$r = login_challenge($ec, challenge => { %$c, pre => undef });
is(code_of($r), '401 CHALLENGE_INVALID', 'no pre-login cookie at all → CHALLENGE_INVALID');

my $l = login_tls($ec);
my $sess = "zcyca_session=$l->{cookies}{zcyca_session}{value}";
my ($ec_login) = db()->selectrow_array(
    'SELECT a.login FROM zcyca.accounts a JOIN zcyca.bindings b ON b.account_id = a.id WHERE b.provider_id = ? AND b.key_id = ?',
    undef, 'pa', spki_sha256($ec));
$c = challenge(purpose => 'bind', provider => 'pa', account => $ec_login, cookie => $sess);
is($c->{code}, 200, 'a bind challenge');
$r = login_challenge($ec, challenge => $c);
is(code_of($r), '401 CHALLENGE_INVALID', 'a bind challenge used for login → CHALLENGE_INVALID');

$c = challenge(provider => 'pa');
$r = login_challenge($ec, challenge => $c, tamper => sub { $_[0] . "\nextra" });
is(code_of($r), '401 SIGNATURE_INVALID', 'a signature over a different text → SIGNATURE_INVALID');
$r = login_challenge($ec, challenge => $c);
is(code_of($r), '401 CHALLENGE_INVALID', '... and that challenge is burnt');

$c = challenge(provider => 'pa');
$r = login_challenge($ec, challenge => $c, override => { nonce => 'A' x 43 });
is(code_of($r), '401 CHALLENGE_INVALID', 'a nonce that is not the challenge\'s → CHALLENGE_INVALID');
$c = challenge(provider => 'pa');
$r = login_challenge($ec, challenge => $c, provider => 'pn');
is(code_of($r), '401 CHALLENGE_INVALID', 'a challenge for provider pa used with pn → CHALLENGE_INVALID');

$r = login_challenge($ec, provider => 'pr');
is(code_of($r), '400 ALG_UNSUPPORTED', 'an algorithm the provider does not allow → ALG_UNSUPPORTED');
$r = login_challenge($rsa, alg => 'rsa', provider => 'pr');
is(code_of($r), '401 SIGNATURE_INVALID', 'PKCS#1 v1.5 where only PSS is allowed → SIGNATURE_INVALID');
$r = login_challenge($ec, algorithm => 'rsa-sha256');
is(code_of($r), '400 ALG_UNSUPPORTED', 'an algorithm name that does not fit the key → ALG_UNSUPPORTED');
$r = login_challenge($ec, algorithm => 'md5');
is(code_of($r), '400 ALG_UNSUPPORTED', 'an unknown algorithm name → ALG_UNSUPPORTED');
$r = login_challenge($sm2, provider => 'ps', alg => 'sm2', sm2_id => 0, chain => ['ps-inter']);
is(code_of($r), '401 SIGNATURE_INVALID', 'an SM2 signature made with the empty ID → SIGNATURE_INVALID');
$r = login_challenge($sm2, provider => 'ps', alg => 'sm2');
# Provider ps trusts only the root; pe lists the intermediate itself, so without the chain the leaf is pe's.
is(code_of($r), '401 PROVIDER_MISMATCH', 'SM2 leaf without its intermediate under root-only trust → PROVIDER_MISMATCH (pe issues it)');

# The issuer before the algorithm (DESIGN section 4, 2026-12-02): pa's ECDSA key with the SM2-only ps
# is a wrong provider, as on the TLS path, not an unsupported algorithm.
$r = login_challenge($ec, provider => 'ps');
is(code_of($r), '401 PROVIDER_MISMATCH', 'another provider\'s key of a kind the chosen one does not allow → PROVIDER_MISMATCH');
# Integrators send the PEM file they have: the leaf, then its intermediates.
$r = login_challenge($sm2, provider => 'ps', alg => 'sm2', override => { certificate => cert_text($sm2) . cert_text('ps-inter') });
is($r->{code}, 200, 'a PEM bundle in certificate: the leaf first, the intermediate joins the chain') or diag code_of($r);
$r = login_challenge($sm2, provider => 'ps', alg => 'sm2', override => { certificate => cert_text($sm2) . "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n" });
is(code_of($r), '400 CERT_MALFORMED', 'a bundle with a broken block → CERT_MALFORMED');

$r = login_challenge($ec, signature => '%%%not base64%%%');
is(code_of($r), '400 BAD_REQUEST', 'bad base64 signature → BAD_REQUEST');
$r = login_challenge($ec, override => { certificate => MIME::Base64::encode_base64(substr($der_cert, 0, 200), '') });
is(code_of($r), '400 CERT_MALFORMED', 'truncated DER certificate → CERT_MALFORMED');
$r = login_challenge($ec, override => { certificate => '@@@' });
is(code_of($r), '400 CERT_MALFORMED', 'garbage certificate → CERT_MALFORMED');
$r = login_challenge($ec, override => { certificate => undef });
is(code_of($r), '400 BAD_REQUEST', 'missing certificate → BAD_REQUEST');
$r = login_challenge($ec, override => { chain => ['not a cert'] });
is(code_of($r), '400 CERT_MALFORMED', 'a chain item that is no certificate → CERT_MALFORMED');
$r = req('POST', tls_url('/ca/login'), origin => 1,
         json => '{"provider":"pa","challenge_id":"x","pad":"' . ('x' x 1048576) . '"}');
is(code_of($r), '413 PAYLOAD_TOO_LARGE', 'a 1 MB body → PAYLOAD_TOO_LARGE');
$c = challenge(provider => 'pa');
$r = login_challenge($ec, challenge => { %$c, json => { %{ $c->{json} }, challenge_id => "1' OR '1'='1" } });
is(code_of($r), '401 CHALLENGE_INVALID', 'a challenge_id that is no uuid → CHALLENGE_INVALID');

# --- one challenge, 20 parallel logins: exactly one wins ---------------------
$c = challenge(provider => 'pa');
my $body = JSON::PP->new->encode({ provider => 'pa', challenge_id => $c->{json}{challenge_id}, nonce => $c->{json}{nonce},
                                   certificate => cert_text($ec), signature => sign_text($ec, $c->{json}{tbs}) });
my $dir = File::Temp->newdir;
open my $bf, '>', "$dir/body" or die;
print $bf $body;
close $bf;
my @pids;
for my $i (1 .. 20) {
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        exec('curl', '-s', '--max-time', '20', '--cacert', pki() . '/server-ca.crt',
             '-H', 'Content-Type: application/json', '-H', 'Origin: ' . origin(), '-H', "Cookie: $c->{pre}",
             '--data-binary', "\@$dir/body", '-o', "$dir/out$i", tls_url('/ca/login')) or exit 1;
    }
    push @pids, $pid;
}
waitpid($_, 0) for @pids;
my %codes;
for my $i (1 .. 20) {
    my $out = do { local $/; open my $f, '<', "$dir/out$i" or next; <$f> } // '';
    my $j = eval { JSON::PP->new->decode($out) } // {};
    $codes{ $j->{error} ? $j->{error}{code} : ($j->{account} ? 'OK' : 'other') }++;
}
is_deeply(\%codes, { OK => 1, CHALLENGE_INVALID => 19 }, '20 parallel logins with one challenge: exactly one succeeds');
