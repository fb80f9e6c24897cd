package ZcOcsp;
# A real OCSP responder for the tests, on 127.0.0.1 only: a small HTTP
# front (RFC 6960 appendix A, POST) that hands each request to OpenSSL's
# own responder (`openssl ocsp -index ... -reqin ... -respout ...`).
# `openssl ocsp -port` itself would listen on every interface.
use strict;
use warnings FATAL => 'all';
use IO::Socket::INET ();
use POSIX ();

# start(port => P, dir => D, index => I, ca => crt, key => key) → pid; each
# request is logged as one line "request" in D/responder.log.
sub start {
    my (%o) = @_;
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
        system("openssl ocsp -index '$o{index}' -rsigner '$o{ca}' -rkey '$o{key}' -CA '$o{ca}' -ndays 1 "
             . "-reqin '$o{dir}/req.der' -respout '$o{dir}/resp.der' >/dev/null 2>&1");
        my $resp = do { local $/; open my $f, '<:raw', "$o{dir}/resp.der" or undef; $f ? <$f> : '' } // '';
        open my $log, '>>', "$o{dir}/responder.log";
        print $log "request\n";
        close $log;
        print $c "HTTP/1.0 200 OK\r\nContent-Type: application/ocsp-response\r\nContent-Length: "
              . length($resp) . "\r\nConnection: close\r\n\r\n$resp";
        close $c;
    }
    POSIX::_exit(0);
}

1;
