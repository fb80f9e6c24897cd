# GET /ca/providers: all providers, or those a region accepts.
use strict;
use warnings FATAL => 'all';
use utf8;
use Apache::Test qw(-withtestmore);
use FindBin ();
use lib "$FindBin::Bin/lib";
use ZcTest;

plan tests => 20, need_module('zcyca');

my $r = req('GET', tls_url('/ca/providers'));
is($r->{code}, 200, 'GET /ca/providers');
my @ids = map { $_->{id} } @{ $r->{json}{providers} // [] };
is_deeply(\@ids, [qw(pa pb pc ps pn pe pp pq pv pw px pt pd pi po pf pg pr)], 'every configured provider, in configuration order');
my ($pa) = grep { $_->{id} eq 'pa' } @{ $r->{json}{providers} };
is($pa->{name}, '吉林安信CA', 'display name in UTF-8');
is($pa->{driver_url}, 'https://drivers.example.cn/pa-setup.exe', 'driver download URL');
is_deeply($pa->{methods}, ['challenge', 'tls'], 'methods: challenge and tls');
is_deeply($pa->{algorithms}, [qw(sm2-sm3 rsa-sha256 rsa-pss-sha256 ecdsa-sha256)], 'all algorithms by default');
my ($pb) = grep { $_->{id} eq 'pb' } @{ $r->{json}{providers} };
my ($ps) = grep { $_->{id} eq 'ps' } @{ $r->{json}{providers} };
is_deeply($ps->{methods}, ['challenge'], 'an SM2-only provider offers no TLS login');
is_deeply($pb->{algorithms}, ['ecdsa-sha256'], 'ZcyCAProviderAlgorithms narrows the list');
ok(exists $pb->{driver_url} && !defined $pb->{driver_url}, 'no driver URL → null');
is_deeply($pa->{driver}, { adapter => 'sof-json', url => 'http://127.0.0.1:18901' },
          'ZcyCAProviderDriver: the adapter and the local service');
ok(exists $pb->{driver} && !defined $pb->{driver}, 'no ZcyCAProviderDriver → driver null');
is($pa->{signed_data}, 'tbs', 'signed_data tbs by default');
my ($pn) = grep { $_->{id} eq 'pn' } @{ $r->{json}{providers} };
is_deeply([$pn->{signed_data}, $pn->{driver}{adapter}, $pn->{driver}{url}], ['nonce', 'vendor-x', 'https://[::1]:19443/sof'],
          '... nonce for ZcyCAProviderSignedData nonce, with its own driver');
is($r->{json}{tls_login_url}, 'https://login.example.test:8444/ca/login', 'ZcyCATLSLoginURL → tls_login_url');

my $reg = make_region(uniq('prov'), 1, 'pb');
$r = req('GET', tls_url("/ca/providers?region=$reg"));
is_deeply([map { $_->{id} } @{ $r->{json}{providers} }], ['pb'], 'a region sees only the providers it accepts');
my $off = make_region(uniq('provoff'), 0, 'pa');
$r = req('GET', tls_url("/ca/providers?region=$off"));
is_deeply($r->{json}{providers}, [], 'a disabled region offers none');
ok(exists $r->{json}{tls_login_url}, '... and still says where the mutual-TLS login is');
$r = req('GET', tls_url('/ca/providers?region=%3Cscript%3E'));
is("$r->{code} " . ($r->{json}{error}{code} // ''), '400 BAD_REQUEST', 'a malformed region code → 400 BAD_REQUEST');
$r = req('POST', tls_url('/ca/providers'), json => {}, origin => 1);
is($r->{code}, 405, 'POST → 405');
like(join(',', @{ $r->{headers}{allow} // [] }), qr/GET/, '... with Allow: GET');
