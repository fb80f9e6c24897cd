package ZcConn;
# One HTTP/1.1 keep-alive connection over TLS, as a browser keeps one:
# every request goes down the same socket, so tests can check what the
# module remembers per connection.  Dies if the server closes it.
use strict;
use warnings FATAL => 'all';
use IO::Socket::SSL ();
use JSON::PP ();

# ZcConn->new('https://127.0.0.1:PORT', ca => FILE, from => LOCAL ADDRESS)
sub new {
    my ($class, $base, %o) = @_;
    my ($host, $port) = $base =~ m{^https://([^:/]+):(\d+)} or die "ZcConn: $base is not https://host:port\n";
    my $s = IO::Socket::SSL->new(PeerHost => $host, PeerPort => $port, SSL_ca_file => $o{ca},
                                 ($o{from} ? (LocalAddr => $o{from}) : ()),
                                 SSL_verifycn_name => $host, Timeout => 20)
        or die "ZcConn: cannot connect to $base: $IO::Socket::SSL::SSL_ERROR\n";
    return bless { sock => $s, host => "$host:$port", served => 0 }, $class;
}

# $c->get(PATH, cookie => 'k=v', accept => TYPE) → { code, headers => {lc => value}, body, json }
sub get { my ($self, $path, %o) = @_; $self->request('GET', $path, %o) }

# $c->request(METHOD, PATH, cookie =>, accept =>, headers => {name => value}, body => BYTES)
# → as get.  A body goes with its Content-Length.
sub request {
    my ($self, $method, $path, %o) = @_;
    my $s = $self->{sock};
    my $req = "$method $path HTTP/1.1\r\nHost: $self->{host}\r\nConnection: keep-alive\r\n";
    $req .= "Cookie: $o{cookie}\r\n" if $o{cookie};
    $req .= "Accept: $o{accept}\r\n" if $o{accept};
    $req .= "$_: $o{headers}{$_}\r\n" for sort keys %{ $o{headers} // {} };
    $req .= 'Content-Length: ' . length($o{body}) . "\r\n" if defined $o{body};
    $req .= "\r\n";
    $req .= $o{body} if defined $o{body};
    print {$s} $req or die "ZcConn: write failed: $!\n";
    my $head = $self->_until("\r\n\r\n", "connection closed after $self->{served} responses");
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

# Reads go through a buffer: whole TLS records at a time, not a byte per call.
sub _fill {
    my ($self, $why) = @_;
    my $n = sysread($self->{sock}, $self->{buf}, 16384, length($self->{buf} //= ''));
    die "ZcConn: $why\n" unless $n;
}

# Everything up to and including the next $end.
sub _until {
    my ($self, $end, $why) = @_;
    my $i;
    $self->_fill($why) while ($i = index($self->{buf} // '', $end)) < 0;
    return substr($self->{buf}, 0, $i + length $end, '');
}

sub _line { $_[0]->_until("\r\n", 'connection closed in a chunked body') }

sub _bytes {
    my ($self, $want) = @_;
    $self->_fill('connection closed in a body') while length($self->{buf} // '') < $want;
    return substr($self->{buf}, 0, $want, '');
}

# How many responses came down this one connection.
sub served { $_[0]{served} }

sub close { $_[0]{sock}->close(SSL_no_shutdown => 1) }

1;
