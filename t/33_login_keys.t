# Keys as users hold them: an entity-id binding that survives a re-keyed
# renewal, and keys inside a SoftHSM2 token (the PIN stays with the token).
use strict;
use warnings FATAL => 'all';
use utf8;
use Apache::Test qw(-withtestmore);
use FindBin ();
use lib "$FindBin::Bin/lib";
use ZcTest;
use File::Temp ();

plan tests => 10, need_module('zcyca');

my $reg = make_region(uniq('keys'), 1, qw(pa pe));

# --- entity id: ZcyCAProviderKeyId pe ext:1.2.156.10260.4.1.1 ----------------
my $eid = uniq('ENT');
my $v1 = issue_cert(uniq('ent-v1'), ca => 'ps', ext => ["1.2.156.10260.4.1.1=$eid"]);
my $r = login_challenge($v1, provider => 'pe', alg => 'sm2');
is(code_of($r), '401 NOT_BOUND', 'an unbound entity-id key → NOT_BOUND');
my ($key_id) = db()->selectrow_array(
    "SELECT key_id FROM zcyca.audit WHERE event = 'login' AND code = 'NOT_BOUND' AND provider_id = 'pe' ORDER BY id DESC LIMIT 1");
like($key_id // '', qr/^[0-9a-f]{16}:\Q$eid\E$/, 'the key id is issuer hash + entity id');
my $acct = make_account(uniq('ent'), region => $reg);
my ($login) = db()->selectrow_array('SELECT login FROM zcyca.accounts WHERE id = ?', undef, $acct);
bind_cert($acct, 'pe', $v1, $key_id);
$r = login_challenge($v1, provider => 'pe', alg => 'sm2');
is($r->{code}, 200, 'the entity-id binding logs in') or diag code_of($r);
my $v2 = issue_cert(uniq('ent-v2'), ca => 'ps', ext => ["1.2.156.10260.4.1.1=$eid"]);
isnt(spki_sha256($v2), spki_sha256($v1), 'the renewal has a new key');
$r = login_challenge($v2, provider => 'pe', alg => 'sm2');
is($r->{code}, 200, 'a re-keyed renewal with the same entity id logs in') or diag code_of($r);
is($r->{json}{account}{login}, $login, '... into the same account');
my $stranger = issue_cert(uniq('ent-x'), ca => 'ps', ext => ['1.2.156.10260.4.1.1=' . uniq('OTHER')]);
$r = login_challenge($stranger, provider => 'pe', alg => 'sm2');
is(code_of($r), '401 NOT_BOUND', 'another entity id is another key');

# --- SoftHSM2: the key never leaves the token --------------------------------
my $hsm = File::Temp->newdir;
my $lib = '/usr/lib/softhsm/libsofthsm2.so';
my $engine = '/usr/lib/x86_64-linux-gnu/engines-3/pkcs11.so';
open my $cf, '>', "$hsm/softhsm2.conf" or die;
print $cf "directories.tokendir = $hsm\nobjectstore.backend = file\nlog.level = ERROR\n";
close $cf;
open my $of, '>', "$hsm/openssl.cnf" or die;
print $of "openssl_conf = openssl_init\n[openssl_init]\nengines = engine_section\n[engine_section]\npkcs11 = pkcs11_section\n"
        . "[pkcs11_section]\nengine_id = pkcs11\ndynamic_path = $engine\nMODULE_PATH = $lib\ninit = 0\n";
close $of;
local $ENV{SOFTHSM2_CONF} = "$hsm/softhsm2.conf";
my $label = 'zcyca-lock';
system("softhsm2-util --init-token --free --label $label --pin 123456 --so-pin 12345678 >/dev/null") == 0 or die 'softhsm2';
my %tok = (rsa => ['rsa:2048', '01'], ec => ['EC:prime256v1', '02']);
for my $t (sort keys %tok) {
    my ($type, $id) = @{ $tok{$t} };
    system("pkcs11-tool --module $lib --token-label $label --login --pin 123456 --keypairgen --key-type $type "
         . "--id $id --label $t-key >/dev/null 2>&1") == 0 or die "keypairgen $t";
    my $uri = "pkcs11:token=$label;object=$t-key;type=private;pin-value=123456";
    system("OPENSSL_CONF=$hsm/openssl.cnf openssl req -new -engine pkcs11 -keyform engine -key '$uri' "
         . "-subj '/C=CN/O=ZCYCA Test/CN=token-$t' -out $hsm/$t.csr 2>/dev/null") == 0 or die "csr $t";
    my $name = issue_cert(uniq("token-$t"), ca => 'pa', csr => "$hsm/$t.csr");
    bind_cert(make_account(uniq("token-$t"), region => $reg), 'pa', $name);
    local $ENV{OPENSSL_CONF} = "$hsm/openssl.cnf";
    $r = login_challenge($name, alg => ($t eq 'rsa' ? 'rsa' : 'ecdsa'), engine_key => $uri);
    is($r->{code}, 200, "a $t key on a SoftHSM2 token signs the challenge and logs in") or diag code_of($r);
}
# as a word: the trace levels print timestamps and timeouts with any digits in them
my ($pin_logged) = `grep -cw 123456 t/logs/error_log 2>/dev/null` =~ /(\d+)/;
is($pin_logged // 0, 0, 'the PIN is nowhere in the server log');
