package ZcConn;
# One HTTP/1.1 keep-alive connection over TLS, as a browser keeps one:
# every request goes down the same socket, so tests can check what the
# module remembers per connection.  Dies if the server closes it.
use strict;
use warnings FATAL => 'all';
use IO::Socket::SSL ();
use JSON::PP ();

# ZcConn->new('https://127.0.0.1:PORT', ca => FILE)
sub new {
    my ($class, $base, %o) = @_;
    my ($host, $port) = $base =~ m{^https://([^:/]+):(\d+)} or die "ZcConn: $base is not https://host:port\n";
    my $s = IO::Socket::SSL->new(PeerHost => $host, PeerPort => $port, SSL_ca_file => $o{ca},
                                 SSL_verifycn_name => $host, Timeout => 20)
        or die "ZcConn: cannot connect to $base: $IO::Socket::SSL::SSL_ERROR\n";
    return bless { sock => $s, host => "$host:$port", served => 0 }, $class;
}

# $c->get(PATH, cookie => 'k=v', accept => TYPE) → { code, headers => {lc => value}, body, json }
sub get {
    my ($self, $path, %o) = @_;
    my $s = $self->{sock};
    my $req = "GET $path HTTP/1.1\r\nHost: $self->{host}\r\nConnection: keep-alive\r\n";
    $req .= "Cookie: $o{cookie}\r\n" if $o{cookie};
    $req .= "Accept: $o{accept}\r\n" if $o{accept};
    print {$s} "$req\r\n" or die "ZcConn: write failed: $!\n";
    my $head = '';
    while ($head !~ /\r\n\r\n\z/) {
        my $n = sysread($s, my $ch, 1);
        die "ZcConn: connection closed after $self->{served} responses\n" unless $n;
        $head .= $ch;
    }
    my ($code) = $head =~ m{^HTTP/1\.1 (\d+)} or die "ZcConn: no status line in $head\n";
    my %h;
    $h{ lc $1 } = $2 while $head =~ /^([^:\r\n]+):\s*([^\r\n]*)/mg;
    my $body = '';
    if (($h{'transfer-encoding'} // '') =~ /chunked/i) {   # a CGI's output
        while (1) {
            (my $size = $self->_line) =~ s/[;\r\n].*//s;
            $size = hex $size;
            last if $size == 0;
            $body .= $self->_bytes($size);
            $self->_line;
        }
        $self->_line;                                        # no trailers: the last CRLF
    }
    else {
        defined $h{'content-length'} or die "ZcConn: a response without a length\n";
        $body = $self->_bytes($h{'content-length'});
    }
    $self->{served}++;
    my $r = { code => $code, headers => \%h, body => $body };
    $r->{json} = eval { JSON::PP->new->utf8->decode($body) } if ($h{'content-type'} // '') =~ /json/;
    return $r;
}

sub _line {
    my $self = shift;
    my $line = '';
    while ($line !~ /\r\n\z/) {
        sysread($self->{sock}, my $ch, 1) or die "ZcConn: connection closed in a chunked body\n";
        $line .= $ch;
    }
    return $line;
}

sub _bytes {
    my ($self, $want) = @_;
    my $buf = '';
    while (length $buf < $want) {
        sysread($self->{sock}, $buf, $want - length $buf, length $buf) or die "ZcConn: connection closed in a body\n";
    }
    return $buf;
}

# How many responses came down this one connection.
sub served { $_[0]{served} }

sub close { $_[0]{sock}->close(SSL_no_shutdown => 1) }

1;
