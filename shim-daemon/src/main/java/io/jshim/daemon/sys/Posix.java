package io.jshim.daemon.sys;

import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

/**
 * The system calls the daemon makes, in one small interface so that the rest of the daemon never sees
 * JNR. Every fd it creates is close-on-exec from birth (O_CLOEXEC, SOCK_CLOEXEC, F_DUPFD_CLOEXEC): none
 * of these calls needs the fd side of the fork gate.
 */
public interface Posix {
  /** Open flags, Linux values. */
  int O_RDONLY = 0;
  int O_WRONLY = 1;
  int O_RDWR = 2;
  int O_CREAT = 0100;
  int O_APPEND = 02000;
  int O_NONBLOCK = 04000;

  int getpid();

  int geteuid();

  /** Marks this process a child subreaper, so orphaned descendants are re-parented to it. */
  void setChildSubreaper();

  /** Whether this process is a child subreaper. */
  boolean isChildSubreaper();

  /**
   * posix_spawn {@code path} with {@code argv} and {@code envp}; {@code fds[i]} becomes fd {@code i} in the
   * child. Every other fd the child inherits is the caller's problem (the helper closes them).
   *
   * @return the child's pid
   */
  int spawn(String path, List<String> argv, List<String> envp, int[] fds);

  /** A connected AF_UNIX stream socket pair, both ends close-on-exec. */
  int[] socketPair();

  /** open(2) with O_CLOEXEC added. */
  int open(String path, int flags, int mode);

  /** A close-on-exec duplicate of {@code fd} numbered {@code minFd} or higher. */
  int dupAtLeast(int fd, int minFd);

  void close(int fd);

  /** Closes {@code fd}, ignoring errors; for cleanup paths. */
  default void closeQuietly(int fd) {
    if (fd >= 0) {
      try {
        close(fd);
      } catch (SysException ignored) {
        // cleanup only
      }
    }
  }

  /**
   * Reads up to {@code len} bytes, waiting at most {@code timeout} for data.
   *
   * @return bytes read, 0 at end of file
   * @throws SysException with errno EAGAIN when the timeout passes with nothing to read
   */
  int read(int fd, byte[] buf, int offset, int len, Duration timeout);

  void write(int fd, byte[] buf);

  /**
   * kill(2).
   *
   * @return false when the process does not exist (ESRCH)
   */
  boolean kill(int pid, int signal);

  /**
   * The pid of a child that has exited and can be reaped, without reaping it (waitid with WNOWAIT).
   *
   * @return empty when no child has exited yet or there are no children
   */
  OptionalInt peekExitedChild();

  /**
   * Reaps {@code pid} if it has exited.
   *
   * @return the raw wait status, or empty if it is still running
   */
  OptionalInt reap(int pid);
}
