package ZcTest;
# Helpers for the mod_zcyca Apache::Test suite: curl against the real
# httpd, DBI against the real PostgreSQL, certificates from scripts/mkpki.
use strict;
use warnings FATAL => 'all';
use utf8;
use Exporter 'import';
use FindBin ();
use File::Temp ();
use JSON::PP ();
use DBI ();
use Digest::SHA ();
use MIME::Base64 ();
use Apache::Test ();
use Test2::API ();

our @EXPORT = qw(tls_url throttle_url idle_url origin req issue_cert spki_sha256 cert_sha256 db
                 make_region make_account bind_cert login_tls uniq pki
                 challenge sign_text login_challenge cert_text der_to_raw
                 add_user password_login bind_key login_of code_of statement_calls);

# Test names and diagnostics carry Chinese text.
# (set once the test's plan has made its formatter)
my $utf8_out;
sub _utf8_out {
    return if $utf8_out++;
    my $fmt = Test2::API::test2_stack()->top->format;
    binmode($_, ':encoding(UTF-8)') for ($fmt && $fmt->can('handles')) ? @{ $fmt->handles } : ();
}

my $TOP = "$FindBin::Bin/..";
$TOP = "$FindBin::Bin/../.." unless -x "$TOP/scripts/mkpki";

sub pki { $ENV{ZCYCA_PKI} or die "ZCYCA_PKI is not set: run the suite through scripts/check\n" }

# The named virtual hosts of t/conf/extra.conf.in get their ports from Apache::Test.
sub _port { Apache::Test::config()->{vhosts}{ $_[0] }{port} or die "no port for vhost $_[0]\n" }
sub tls_url  { 'https://127.0.0.1:' . _port('zcyca_tls') . ($_[0] // '') }
sub throttle_url { 'https://127.0.0.1:' . _port('zcyca_throttle') . ($_[0] // '') }
sub idle_url { 'https://127.0.0.1:' . _port('zcyca_idle') . ($_[0] // '') }
sub origin   { my $port = shift // _port('zcyca_tls'); "https://127.0.0.1:$port" }

# A short unique suffix so every test file makes its own rows.
my $n = 0;
sub uniq { my $p = shift; sprintf '%s-%d-%d-%d', $p, $$, time, ++$n }

# req(METHOD, URL, cert => NAME, json => {...}, form => 'a=b', body => RAW,
#     cookie => 'k=v', headers => {...}, origin => 1|STRING, accept => ...)
# → { code, headers => {lc name => [values]}, body, json, cookies => {name => attrs} }
sub req {
    my ($method, $url, %o) = @_;
    _utf8_out();
    my $dir = File::Temp->newdir;
    my @cmd = ('curl', '-sS', '-o', "$dir/body", '-D', "$dir/head", '-X', $method,
               ($o{from} ? ('--interface', $o{from}) : ()),
               '--max-time', '20', '--cacert', pki() . '/server-ca.crt');
    if (my $c = $o{cert}) {
        my $chain = -f pki() . "/$c-chain.crt" ? pki() . "/$c-chain.crt" : pki() . "/$c.crt";
        my $key = pki() . '/' . ($o{key} // $c) . '.key';
        push @cmd, '--cert', $chain, '--key', $key;
    }
    my %h = %{ $o{headers} // {} };
    if (exists $o{origin}) {
        $h{Origin} = $o{origin} eq '1' ? origin($url =~ m{:(\d+)} ? $1 : undef) : $o{origin}
            if defined $o{origin};
    }
    if (exists $o{json}) {
        $h{'Content-Type'} //= 'application/json';
        push @cmd, '--data-binary', "\@$dir/req";
        _write("$dir/req", ref $o{json} ? JSON::PP->new->canonical->encode($o{json}) : $o{json});
    }
    elsif (exists $o{form}) {
        $h{'Content-Type'} //= 'application/x-www-form-urlencoded';
        push @cmd, '--data-binary', "\@$dir/req";
        _write("$dir/req", $o{form});
    }
    elsif (exists $o{body}) {
        push @cmd, '--data-binary', "\@$dir/req";
        _write("$dir/req", $o{body});
    }
    $h{Accept} = $o{accept} if $o{accept};
    $h{Cookie} = $o{cookie} if $o{cookie};
    push @cmd, '-H', "$_: $h{$_}" for sort keys %h;
    push @cmd, $url;
    system(@cmd) == 0 or return { code => 0, body => '', headers => {}, cookies => {}, error => "curl failed: $?" };
    my $r = { body => _read("$dir/body"), headers => {}, cookies => {} };
    for my $line (split /\r?\n/, _read("$dir/head")) {
        if ($line =~ m{^HTTP/\S+\s+(\d+)}) { $r->{code} = $1; $r->{headers} = {}; $r->{cookies} = {}; next }
        next unless $line =~ /^([^:]+):\s*(.*)$/;
        push @{ $r->{headers}{ lc $1 } }, $2;
        if (lc $1 eq 'set-cookie' && $2 =~ /^([^=]+)=([^;]*)(.*)$/) {
            $r->{cookies}{$1} = { value => $2, attrs => $3 };
        }
    }
    my $ct = $r->{headers}{'content-type'} ? $r->{headers}{'content-type'}[0] : '';
    $r->{json} = eval { JSON::PP->new->utf8->decode($r->{body}) } if $ct =~ /json/;
    return $r;
}

sub _write { my ($f, $s) = @_; open my $fh, '>:raw', $f or die "$f: $!"; print $fh $s; close $fh }
sub _read  { my $f = shift; open my $fh, '<:raw', $f or return ''; local $/; my $s = <$fh>; close $fh; $s // '' }

# issue_cert(NAME, ca => pa, key => rsa, reuse_key => OTHER, start =>, end =>, ku =>, eku =>, crldp => URI)
sub issue_cert {
    my ($name, %o) = @_;
    my @cmd = ("$TOP/scripts/mkpki", 'issue', pki(), $name, '--ca', $o{ca} // 'pa');
    push @cmd, '--key', $o{key} if $o{key};
    push @cmd, '--reuse-key', $o{reuse_key} if $o{reuse_key};
    push @cmd, '--start', $o{start} if $o{start};
    push @cmd, '--end', $o{end} if $o{end};
    push @cmd, '--ku', $o{ku} if $o{ku};
    push @cmd, '--eku', $o{eku} if $o{eku};
    push @cmd, '--ext', $_ for @{ $o{ext} // [] };
    push @cmd, '--csr', $o{csr} if $o{csr};
    push @cmd, '--days', $o{days} if $o{days};
    push @cmd, '--policies', $o{policies} if $o{policies};
    push @cmd, '--crldp', $o{crldp} if $o{crldp};
    system(@cmd) == 0 or die "mkpki issue $name failed\n";
    return $name;
}

sub _der_sha256 {
    my ($cmd) = @_;
    my $der = `$cmd`;
    die "openssl failed: $cmd\n" if $? || !length $der;
    return Digest::SHA::sha256_hex($der);
}
sub spki_sha256 { my $c = pki() . "/$_[0].crt"; _der_sha256("openssl x509 -in '$c' -pubkey -noout | openssl pkey -pubin -outform DER") }
sub cert_sha256 { my $c = pki() . "/$_[0].crt"; _der_sha256("openssl x509 -in '$c' -outform DER") }

# One connection, made again after db()->disconnect (the tests that stop PostgreSQL).
my $dbh;
sub db {
    _utf8_out();
    undef $dbh if $dbh && !$dbh->{Active};
    $dbh ||= DBI->connect("dbi:Pg:$ENV{ZCYCA_DB}", '', '', { RaiseError => 1, AutoCommit => 1, PrintError => 0 });
    return $dbh;
}

# Calls PostgreSQL counted (pg_stat_statements) for statements whose text is
# LIKE the pattern; the extension is made on first use.  The session look-up
# is '%FROM zcyca.sessions s JOIN zcyca.accounts%'.
my $pgss;
sub statement_calls {
    my $like = shift;
    $pgss //= db()->do('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    my ($n) = db()->selectrow_array('SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE query LIKE ?',
                                    undef, $like);
    return $n;
}

sub make_region {
    my ($code, $enabled, @providers) = @_;
    db()->do('INSERT INTO zcyca.regions (code, name, ca_enabled) VALUES (?, ?, ?)
              ON CONFLICT (code) DO UPDATE SET ca_enabled = EXCLUDED.ca_enabled', undef, $code, "区划 $code", $enabled ? 1 : 0);
    db()->do('INSERT INTO zcyca.region_providers (region_code, provider_id) VALUES (?, ?) ON CONFLICT DO NOTHING',
             undef, $code, $_) for @providers;
    return $code;
}

# make_account(login, region => CODE, name => '...', status => 'active') → id
sub make_account {
    my ($login, %o) = @_;
    return db()->selectrow_array(
        'INSERT INTO zcyca.accounts (login, display_name, region_code, status, org_id, is_org_admin)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id', undef,
        $login, $o{name} // "用户 $login", $o{region}, $o{status} // 'active', $o{org} // 1, $o{admin} ? 1 : 0);
}

# bind_cert(account_id, provider, certname [, key_id]) → binding id
sub bind_cert {
    my ($account, $provider, $cert, $key_id) = @_;
    $key_id //= spki_sha256($cert);
    my $info = `openssl x509 -in '@{[pki()]}/$cert.crt' -noout -serial -subject -issuer -nameopt RFC2253 -startdate -enddate -dateopt iso_8601`;
    my ($serial) = $info =~ /serial=(\S+)/;
    my ($nb) = $info =~ /notBefore=(.+)/;
    my ($na) = $info =~ /notAfter=(.+)/;
    return db()->selectrow_array(
        "INSERT INTO zcyca.bindings (account_id, provider_id, key_id, cert_sha256, spki_sha256, issuer_dn, serial,
                                     subject_dn, not_before, not_after, bound_by)
         VALUES (?, ?, ?, ?, ?, 'issuer', ?, 'subject', ?, ?, ?) RETURNING id", undef,
        $account, $provider, $key_id, cert_sha256($cert), spki_sha256($cert), $serial, $nb, $na, $account);
}

# A CA login over mutual TLS; returns the response.
sub login_tls {
    my ($cert, %o) = @_;
    my $url = $o{url} // tls_url('/ca/login');
    return req('POST', $url, cert => $cert, json => { provider => $o{provider} // 'pa' }, origin => 1, %o);
}

# POST /ca/challenge; returns the response with {pre} = the pre-login cookie pair.
sub challenge {
    my (%o) = @_;
    my %body = (purpose => $o{purpose} // 'login', provider => exists $o{provider} ? $o{provider} : 'pa');
    delete $body{provider} unless defined $body{provider};
    $body{account} = $o{account} if defined $o{account};
    my $r = req('POST', $o{url} // tls_url('/ca/challenge'), json => \%body, origin => 1,
                ($o{pre} || $o{cookie} ? (cookie => join('; ', grep { $_ } $o{pre}, $o{cookie})) : ()));
    my $c = $r->{cookies}{zcyca_pre};
    $r->{pre} = $c ? "zcyca_pre=$c->{value}" : $o{pre};
    return $r;
}

# DER ECDSA-Sig-Value → r||s, each left-padded to $n bytes.
sub der_to_raw {
    my ($der, $n) = @_;
    $n //= 32;
    my @i;
    my $pos = 2;
    $pos += ord(substr($der, 1, 1)) & 0x7f if ord(substr($der, 1, 1)) & 0x80;
    for (1 .. 2) {
        die "not an INTEGER\n" unless ord(substr($der, $pos, 1)) == 2;
        my $len = ord(substr($der, $pos + 1, 1));
        my $v = substr($der, $pos + 2, $len);
        $v =~ s/^\x00+//;
        push @i, ("\x00" x ($n - length $v)) . $v;
        $pos += 2 + $len;
    }
    return join '', @i;
}

# sign_text(CERTNAME, TEXT, alg => rsa|pss|ecdsa|sm2, format => der|raw|skf, sm2_id => 0|1,
#           engine_key => 'pkcs11:...' (sign on a token through the pkcs11 engine))
# → the signature, base64.
sub sign_text {
    my ($name, $text, %o) = @_;
    my $dir = File::Temp->newdir;
    _write("$dir/msg", $text);
    my $key = pki() . "/$name.key";
    my $alg = $o{alg} // 'ecdsa';
    my @cmd;
    if ($alg eq 'sm2') {
        @cmd = ('openssl', 'pkeyutl', '-sign', '-inkey', $key, '-rawin', '-digest', 'sm3',
                (($o{sm2_id} // 1) ? ('-pkeyopt', 'distid:1234567812345678') : ()), '-in', "$dir/msg", '-out', "$dir/sig");
    }
    else {
        my @k = $o{engine_key} ? ('-engine', 'pkcs11', '-keyform', 'engine', '-sign', $o{engine_key}) : ('-sign', $key);
        @cmd = ('openssl', 'dgst', '-sha256', @k,
                ($alg eq 'pss' ? ('-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32') : ()),
                '-out', "$dir/sig", "$dir/msg");
    }
    system(join(' ', map { "'$_'" } @cmd) . ' 2>/dev/null') == 0 or die "signing failed: @cmd\n";
    my $sig = _read("$dir/sig");
    my $fmt = $o{format} // 'der';
    $sig = der_to_raw($sig) if $fmt eq 'raw';
    $sig = join '', map { ("\x00" x 32) . $_ } unpack('(a32)2', der_to_raw($sig)) if $fmt eq 'skf';
    return MIME::Base64::encode_base64($sig, '');
}

# The certificate as PEM text (what a driver would send).
sub cert_text { _read(pki() . "/$_[0].crt") }

# A challenge login: fetch a challenge, sign its tbs with NAME's key, post it.
# Options: provider, alg, format, sm2_id, chain => [names], cert => name to present,
#          tamper => sub { $_[0] } on the tbs, pre, algorithm, challenge => an existing one.
sub login_challenge {
    my ($name, %o) = @_;
    my $c = $o{challenge} // challenge(provider => $o{provider}, pre => $o{pre});
    die "no challenge: $c->{code} $c->{body}\n" unless $c->{json} && $c->{json}{challenge_id};
    my $tbs = $c->{json}{tbs};
    $tbs = $o{tamper}->($tbs) if $o{tamper};
    my $body = { provider => exists $o{provider} ? $o{provider} : 'pa', challenge_id => $c->{json}{challenge_id},
                 nonce => $c->{json}{nonce}, certificate => cert_text($o{cert} // $name),
                 signature => $o{signature} // sign_text($name, $tbs, %o) };
    $body->{chain} = [ map { cert_text($_) } @{ $o{chain} } ] if $o{chain};
    $body->{algorithm} = $o{algorithm} if $o{algorithm};
    $body->{$_} = $o{override}{$_} for keys %{ $o{override} // {} };
    delete $body->{$_} for grep { !defined $body->{$_} && $_ eq 'provider' } keys %$body;
    my $r = req('POST', $o{url} // tls_url('/ca/login'), json => $body, origin => 1, cookie => $c->{pre});
    $r->{challenge} = $c;
    return $r;
}

sub code_of { my $r = shift; $r->{json} && $r->{json}{error} ? "$r->{code} $r->{json}{error}{code}" : "$r->{code} (no code)" }

sub login_of { (db()->selectrow_array('SELECT login FROM zcyca.accounts WHERE id = ?', undef, $_[0]))[0] }

# A platform user for password login (mod_authn_file reads the file per request).
sub add_user {
    my ($login, $password) = @_;
    my $file = Apache::Test::config()->{vars}{t_conf} . '/users.htpasswd';
    system("htpasswd -bB '$file' '$login' '$password' >/dev/null 2>&1") == 0 or die "htpasswd $login\n";
}

# POST /ca/password-login; returns the response with {cookie} = "zcyca_session=...".
sub password_login {
    my ($login, $password, %o) = @_;
    my $r = req('POST', tls_url('/ca/password-login'), json => { login => $login, password => $password }, origin => 1, %o);
    $r->{cookie} = "zcyca_session=$r->{cookies}{zcyca_session}{value}" if $r->{cookies}{zcyca_session};
    return $r;
}

# Bind key NAME to ACCOUNT (login) as the caller holding SESSION (cookie):
# a bind challenge for that account, signed by the key, posted to /ca/bindings.
# Options: provider, alg, purpose (of the challenge), challenge_account, no_proof, origin, tls => 1.
sub bind_key {
    my ($session, $account, $name, %o) = @_;
    my $provider = $o{provider} // 'pa';
    my $body = { account => $account, provider => $provider };
    my $pre;
    if ($o{tls}) {
        return req('POST', tls_url('/ca/bindings'), json => $body, cookie => $session, cert => $name,
                   origin => exists $o{origin} ? $o{origin} : 1);
    }
    unless ($o{no_proof}) {
        my $purpose = $o{purpose} // 'bind';
        my $c = challenge(purpose => $purpose, provider => $provider, cookie => $session,
                          ($purpose eq 'bind' ? (account => $o{challenge_account} // $account) : ()));
        die "no challenge: $c->{code} $c->{body}\n" unless $c->{json} && $c->{json}{challenge_id};
        $pre = $c->{pre};
        %$body = (%$body, challenge_id => $c->{json}{challenge_id}, nonce => $c->{json}{nonce},
                  certificate => cert_text($name), signature => sign_text($name, $c->{json}{tbs}, alg => $o{alg}));
    }
    return { body => $body, pre => $pre } if $o{body_only};
    return req('POST', tls_url('/ca/bindings'), json => $body, cookie => join('; ', grep { $_ } $session, $pre),
               origin => exists $o{origin} ? $o{origin} : 1);
}

1;
