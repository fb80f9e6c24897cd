#!/usr/bin/perl
# Prints the process environment as the kernel holds it, one NAME=value per
# line, duplicates included (Perl's %ENV would hide a second entry).
print "Content-Type: text/plain\n\n";
open my $fh, '<', '/proc/self/environ' or die "environ: $!";
local $/;
print "$_\n" for split /\0/, <$fh>;
