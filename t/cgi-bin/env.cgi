#!/usr/bin/perl
# Prints the CGI environment, so tests can see what a backend would see.
print "Content-Type: text/plain\n\n";
print "$_=$ENV{$_}\n" for sort keys %ENV;
