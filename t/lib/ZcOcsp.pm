package ZcOcsp;
# A real OCSP responder for the tests, on 127.0.0.1 only: a small HTTP
# front (RFC 6960 appendix A, POST) that hands each request to OpenSSL's
# own responder (`openssl ocsp -index ... -reqin ... -respout ...`).
# `openssl ocsp -port` itself would listen on every interface.
use strict;
use warnings FATAL => 'all';
use IO::Socket::INET ();
use POSIX ();

# The issuerKeyHash (SHA-1 of the public key, upper-case hex) that OCSP
# requests name for a CA certificate, as openssl computes it.
sub key_hash {
    my ($crt) = @_;
    my $text = `openssl ocsp -issuer '$crt' -serial 1 -no_nonce -req_text -reqout /dev/null 2>/dev/null`;
    my ($h) = $text =~ /Issuer Key Hash:\s*([0-9A-F]+)/ or die "no issuer key hash for $crt\n";
    return $h;
}

# start(port => P, dir => D, cas => [{ ca => crt, key => key, index => index.txt }, ...]) → pid
# (or one CA as index => I, ca => crt, key => key).  Each request is answered
# by the CA whose key its CertID names (signed by that CA), or by the first
# CA when none matches (whose answer is then "unknown"), and logged as one
# line "request issuerKeyHash=HEX serial=HEX" in D/responder.log.
sub start {
    my (%o) = @_;
    my @cas = @{ $o{cas} // [{ ca => $o{ca}, key => $o{key}, index => $o{index} }] };
    $_->{hash} = key_hash($_->{ca}) for @cas;
    my $srv = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $o{port}, Listen => 16, ReuseAddr => 1,
                                    Proto => 'tcp') or die "responder: cannot listen on 127.0.0.1:$o{port}: $!\n";
    my $pid = fork // die "fork: $!";
    if ($pid) { close $srv; return $pid }
    $SIG{TERM} = sub { POSIX::_exit(0) };
    while (my $c = $srv->accept) {
        my ($len, $line) = (0);
        while (defined($line = <$c>) && $line ne "\r\n") { $len = $1 if $line =~ /^Content-Length:\s*(\d+)/i }
        my $body = '';
        read($c, $body, $len) if $len;
        open my $rq, '>:raw', "$o{dir}/req.der" or next;
        print $rq $body;
        close $rq;
        unlink "$o{dir}/resp.der";
        my $text = `openssl ocsp -reqin '$o{dir}/req.der' -req_text 2>/dev/null`;
        my ($kh) = $text =~ /Issuer Key Hash:\s*([0-9A-F]+)/;
        my ($serial) = $text =~ /Serial Number:\s*([0-9A-F]+)/;
        my ($ca) = ((grep { $kh && $_->{hash} eq $kh } @cas), $cas[0]);
        system("openssl ocsp -index '$ca->{index}' -rsigner '$ca->{ca}' -rkey '$ca->{key}' -CA '$ca->{ca}' -ndays 1 "
             . "-reqin '$o{dir}/req.der' -respout '$o{dir}/resp.der' >/dev/null 2>&1");
        my $resp = do { local $/; open my $f, '<:raw', "$o{dir}/resp.der" or undef; $f ? <$f> : '' } // '';
        open my $log, '>>', "$o{dir}/responder.log";
        printf $log "request issuerKeyHash=%s serial=%s\n", $kh // '-', $serial // '-';
        close $log;
        print $c "HTTP/1.0 200 OK\r\nContent-Type: application/ocsp-response\r\nContent-Length: "
              . length($resp) . "\r\nConnection: close\r\n\r\n$resp";
        close $c;
    }
    POSIX::_exit(0);
}

1;
