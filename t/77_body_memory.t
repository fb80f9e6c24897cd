# Request bodies are read into as much room as their Content-Length asks for,
# not ZcyCAMaxBody for every request (issue 13, finding 8).  The zcyca_idle
# host allows 16 MB bodies; six connections each send the headers of a small
# POST and hold its body back, and the children's mapped memory must not grow
# by anything near 6 x 16 MB while they wait.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use FindBin ();
use lib "$FindBin::Bin/lib";
use ZcTest;
use IO::Socket::SSL ();
use Time::HiRes ();

plan tests => 2, need_module('zcyca');

# VmSize of each httpd child, in kB.  scripts/check fixes glibc's mmap
# threshold (MALLOC_MMAP_THRESHOLD_), so every allocation past 128 kB is a
# mapping of its own, there while it lives, and VmSize shows it.
sub children_vm {
    my $ppid = do { local @ARGV = (Apache::Test::vars('t_logs') . '/httpd.pid'); <> } or die "no httpd.pid";
    chomp $ppid;
    my %kb;
    for my $st (glob '/proc/[0-9]*/status') {
        open my $fh, '<', $st or next;
        my %f = map { /^(\w+):\s*(\d+)/ ? ($1, $2) : () } <$fh>;
        $kb{ ($st =~ m{/proc/(\d+)/})[0] } = $f{VmSize} // 0 if ($f{PPid} // 0) == $ppid;
    }
    return \%kb;
}

# Growth of the children that were there both times (a child the MPM starts
# meanwhile brings its thread stacks and arenas, which are not ours).
sub growth {
    my ($a, $b) = @_;
    my $kb = 0;
    $kb += $b->{$_} - $a->{$_} for grep { exists $b->{$_} } keys %$a;
    return $kb;
}

my $port = (idle_url() =~ /:(\d+)$/)[0];
my $body = '{"purpose":"login"}';

# Six connections that send a small POST's headers and hold its body back.
sub hold {
    my @held;
    for (1 .. 6) {
        my $s = IO::Socket::SSL->new(PeerAddr => '127.0.0.1', PeerPort => $port, SSL_verify_mode => 0)
            or die "connect: $IO::Socket::SSL::SSL_ERROR";
        print $s "POST /ca/challenge HTTP/1.1\r\nHost: 127.0.0.1:$port\r\nOrigin: https://127.0.0.1:$port\r\n"
            . "Content-Type: application/json\r\nContent-Length: " . length($body) . "\r\n\r\n" . substr($body, 0, 5);
        push @held, $s;
    }
    Time::HiRes::sleep(1.5);   # the handlers are now waiting for the rest of their bodies
    return @held;
}

sub release {
    my $answered = 0;
    print $_ substr($body, 5) for @_;
    for my $s (@_) {
        my $line = <$s> // '';
        $answered++ if $line =~ m{^HTTP/1\.1 200 };
        close $s;
    }
    return $answered;
}

release(hold());           # once first, so that the MPM has the children it wants
sleep 1;
my $before = children_vm();
my @held = hold();
my $during = children_vm();
is(release(@held), 6, 'six small bodies sent slowly are all answered');
cmp_ok(growth($before, $during), '<', 16 * 1024, 'waiting for them maps less than one ZcyCAMaxBody (16 MB) more, not six')
    or diag('VmSize of the children grew by ' . growth($before, $during) . ' kB');
