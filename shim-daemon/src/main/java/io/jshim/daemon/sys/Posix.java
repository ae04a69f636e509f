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
  /** umount2 flag: detach now, finish the unmount once the mount is no longer busy. */
  int MNT_DETACH = 2;

  int getpid();

  int geteuid();

  int getegid();

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

  /** A new, unbound AF_UNIX datagram socket, close-on-exec. */
  int datagramSocket();

  /**
   * Sends {@code data} as one datagram from the socket {@code fd} to the AF_UNIX socket at {@code address};
   * blocks while the receiver's queue is full.
   *
   * @param address an absolute filesystem path, or {@code '@'} followed by a name in the abstract namespace
   * @throws IllegalArgumentException when {@code address} is neither, holds a NUL byte or is too long
   * @throws SysException with the errno of sendto(2), e.g. ENOENT or ECONNREFUSED when nothing listens there
   */
  void sendTo(int fd, String address, byte[] data);

  /**
   * A close-on-exec memfd named {@code name} holding {@code content}, sealed so that nobody can change its
   * size or its bytes again, nor remove the seals (F_SEAL_SEAL, SHRINK, GROW, WRITE). Executing it through
   * {@code /proc/self/fd/N} runs a copy that no process can write, whatever it opens the copy by.
   *
   * @return the memfd
   */
  int sealedCopy(String name, byte[] content);

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

  /** A pipe, both ends close-on-exec (pipe2 with O_CLOEXEC): {read end, write end}. */
  int[] pipe();

  /** Sets or clears O_NONBLOCK on {@code fd}'s open file description, which every dup of it shares. */
  void setNonBlocking(int fd, boolean on);

  /**
   * One read(2) on a non-blocking fd.
   *
   * @return bytes read; 0 at end of file, which includes EIO from a pty master whose slave side is closed
   *     everywhere; -1 when nothing is there now (EAGAIN)
   * @throws SysException for any other error
   */
  int readNonBlocking(int fd, byte[] buf, int offset, int len);

  /**
   * One write(2) on a non-blocking fd; on a regular file or a blocking fd it may write everything.
   *
   * @return bytes written, -1 when the fd cannot take any now (EAGAIN)
   * @throws SysException with errno {@link Errnos#EPIPE} when nobody reads the pipe any more, or another errno
   */
  int writeNonBlocking(int fd, byte[] buf, int offset, int len);

  /**
   * Receives up to {@code len} bytes from a socket, waiting at most {@code timeout}, with the first fd of
   * any SCM_RIGHTS message that comes with them (received close-on-exec; any further fds are closed).
   *
   * @return the byte count, 0 at end of file, and the fd if one came
   * @throws SysException with errno EAGAIN when the timeout passes with nothing to read
   */
  Received receive(int fd, byte[] buf, int offset, int len, Duration timeout);

  /** Sets a terminal's window size (TIOCSWINSZ); on a pty master it reaches the slave side. */
  void setWindowSize(int fd, int rows, int cols);

  /** A new epoll instance, close-on-exec, with its own wake-up eventfd. */
  Epoll epoll();

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
   * Blocks until a child has exited and returns its pid without reaping it (waitid with WNOWAIT, no WNOHANG).
   *
   * @return empty at once when this process has no children at all
   */
  OptionalInt awaitExitedChild();

  /**
   * Reaps {@code pid} if it has exited.
   *
   * @return the raw wait status, or empty if it is still running
   */
  OptionalInt reap(int pid);

  /**
   * mount(2).
   *
   * @param source the device or directory; may be null for a remount or a propagation change
   * @param type the filesystem type; may be null for a bind, remount or propagation change
   * @param flags the {@code MS_*} flags
   * @param data the filesystem options, comma-separated; may be null
   * @throws SysException with the errno the kernel refused with
   */
  void mount(String source, String target, String type, long flags, String data);

  /**
   * umount2(2) of the topmost mount at {@code target}.
   *
   * @param flags 0 or {@link #MNT_DETACH}
   * @throws SysException with errno EINVAL when {@code target} is not a mount point, or another errno
   */
  void unmount(String target, int flags);

  /**
   * pidfd_open(2): a close-on-exec descriptor that names the process {@code pid} for good, even once its pid is
   * reused; works for processes that are not our children.
   *
   * @return empty when no process has that pid (ESRCH)
   */
  OptionalInt pidfdOpen(int pid);

  /**
   * pidfd_send_signal(2).
   *
   * @return false when the process has exited (ESRCH)
   */
  boolean pidfdSignal(int pidfd, int signal);

  /** Whether the process of {@code pidfd} has exited (the pidfd polls readable); does not wait. */
  boolean pidfdExited(int pidfd);

  /**
   * Subscribes to the kernel's thread-exit notices for the whole host.
   *
   * @throws SysException when the kernel refuses (no CAP_NET_ADMIN, not the initial network namespace, or no
   *     process-events connector in the kernel)
   */
  ExitNotices exitNotices();

  /** The eBPF device filters of cgroup v2 directories (bpf(2)); each call opens and closes what it needs. */
  DevicePrograms devicePrograms();
}
