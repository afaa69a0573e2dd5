/**
 * The fork helper's program (fork-helper.ts), in Perl: `perl-base` is part of every Debian and Ubuntu system, and
 * its POSIX module gives `setsid`, `dup2`, `waitpid` with the raw status (so a signal death stays apart from an
 * `exit 143`) and `syscall` gives `pidfd_open`. A small interpreter (~5 MiB) forks in ~0.1 ms, where Node's fork of
 * the whole server costs ~1 ms and grows with it.
 *
 * Orders arrive on stdin as `<byte length>\n<payload>`, the payload's fields separated by NUL (which no argument,
 * path or environment entry can hold):
 *   - `s id cwd stdin(0|1) shell command env...`: fork; the child leads a new session, has the output pipe as fds 1
 *     and 2 and the input pipe (or /dev/null) as fd 0, enters `cwd`, takes exactly `env`, and execs
 *     `shell -c command`. The child reports through a close-on-exec pipe once it is set up (or that `chdir`
 *     failed: nothing runs), and the start is answered then, while the kernel still loads the shell: a shell
 *     that cannot be exec'd (no /bin/sh) ends with 127, as a missing command does in a shell.
 *   - `c id`: the server holds its own ends of that child's pipes now: close ours (else the child's stdin would
 *     never see EOF).
 * Answers on stdout, one line each: `r` (ready), `p id pid outfd [infd]` (started: the server opens
 * `/proc/<helper>/fd/<fd>` to get its ends), `e id errno stage` (nothing runs; stage `c`: chdir, `f`: fork or
 * pipe), `x id code` (exited), `k id signo` (killed by a signal). Exits are seen through each child's pidfd,
 * so the loop is one `select` and no signal handler can race it. Every descriptor it opens is close-on-exec (Perl's
 * own, and pidfds always), so no child inherits another's pipes. It ignores the signals a terminal or supervisor
 * sends the server's group; EOF on stdin (the server is gone) ends it, and the watchdog ends the groups.
 * @module
 */

/** The script, run as `perl -e`; its first line marks the process for `ps` (test/support/server.ts). */
export const FORK_HELPER_SCRIPT = String.raw`# edgeproc-fork-helper
use strict; use warnings; use POSIX ();
my @quiet = qw(INT HUP TERM QUIT PIPE);
$SIG{$_} = 'IGNORE' for @quiet;
my (%kids, %held);
my $in = '';
sub say_ {
  my $s = shift;
  while (length $s) { my $n = syswrite(STDOUT, $s); exit 0 unless defined $n; substr($s, 0, $n) = '' }
}
my $self = syscall(434, 0 + $$, 0);
exit 3 if $self < 0;
POSIX::close($self);
say_("r\n");
sub start {
  my ($id, $cwd, $stdin, $shell, $cmd, @env) = @_;
  my ($or, $ow, $ir, $iw, $er, $ew);
  pipe($or, $ow) or return say_("e $id " . ($! + 0) . " f\n");
  if ($stdin eq '1') { pipe($ir, $iw) or return say_("e $id " . ($! + 0) . " f\n") }
  pipe($er, $ew) or return say_("e $id " . ($! + 0) . " f\n");
  my $pid = fork;
  return say_("e $id " . ($! + 0) . " f\n") unless defined $pid;
  if ($pid == 0) {
    close $er;
    POSIX::setsid();
    $SIG{$_} = 'DEFAULT' for @quiet;
    if ($ir) { POSIX::dup2(fileno $ir, 0) } else { open(STDIN, '<', '/dev/null') }
    POSIX::dup2(fileno $ow, 1);
    POSIX::dup2(fileno $ow, 2);
    unless (chdir $cwd) { syswrite($ew, ($! + 0) . ' c'); POSIX::_exit(127) }
    %ENV = ();
    for (@env) { my ($k, $v) = split /=/, $_, 2; $ENV{$k} = $v }
    # Set up: the start is answered now, while the kernel loads the shell. A shell that cannot be exec'd ends
    # with 127, as a missing command does in a shell.
    syswrite($ew, 'ok');
    close $ew;
    { no warnings 'exec'; exec { $shell } $shell, '-c', $cmd; }
    POSIX::_exit(127);
  }
  close $ow; close $ew; close $ir if $ir;
  my $got = '';
  1 while !defined sysread($er, $got, 64);
  close $er;
  if ($got ne 'ok') { waitpid($pid, 0); return say_("e $id " . ($got eq '' ? '0 x' : $got) . "\n") }
  my $pidfd = syscall(434, 0 + $pid, 0);
  $kids{$pid} = [$id, $pidfd];
  $held{$id} = [$or, $iw ? ($iw) : ()];
  say_("p $id $pid " . fileno($or) . ($iw ? ' ' . fileno($iw) : '') . "\n");
}
sub reap {
  my ($pid) = @_;
  return unless waitpid($pid, POSIX::WNOHANG()) == $pid;
  my $status = $?;
  my ($id, $pidfd) = @{ delete $kids{$pid} };
  POSIX::close($pidfd) if $pidfd >= 0;
  say_(($status & 127) ? "k $id " . ($status & 127) . "\n" : "x $id " . ($status >> 8) . "\n");
}
for (;;) {
  my $rin = '';
  vec($rin, 0, 1) = 1;
  for (values %kids) { vec($rin, $_->[1], 1) = 1 if $_->[1] >= 0 }
  # A child without a pidfd (none left) is polled each second instead.
  my $poll = (grep { $_->[1] < 0 } values %kids) ? 1 : undef;
  my $n = select(my $rout = $rin, undef, undef, $poll);
  next if $n < 0;
  for my $pid (keys %kids) { my $fd = $kids{$pid}[1]; reap($pid) if $fd < 0 || vec($rout, $fd, 1) }
  next unless vec($rout, 0, 1);
  my $got = sysread(STDIN, $in, 65536, length $in);
  exit 0 unless $got;
  while ($in =~ /\A(\d+)\n/) {
    my ($len, $head) = ($1, length($1) + 1);
    last if length($in) < $head + $len;
    my $order = substr($in, $head, $len);
    substr($in, 0, $head + $len) = '';
    my @f = split /\0/, $order, -1;
    my $op = shift @f;
    if ($op eq 's') { start(@f) } elsif ($op eq 'c') { delete $held{$f[0]} }
  }
}
`;
