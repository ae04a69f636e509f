package io.jshim.daemon.sys;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import jnr.posix.util.DefaultPOSIXHandler;

/** {@link Posix} on jnr-posix plus a few jnr-ffi bindings; the only class family that touches JNR. */
public final class JnrPosix implements Posix {
  private static volatile CompletableFuture<JnrPosix> early;

  private final POSIX posix;
  private final LinuxLibC libc;
  private final Runtime runtime;

  private JnrPosix(POSIX posix, LinuxLibC libc) {
    this.posix = posix;
    this.libc = libc;
    this.runtime = Runtime.getRuntime(libc);
  }

  /**
   * Loads the native bindings; fails loudly instead of falling back to jnr's pure-Java emulation. After
   * {@link #startLoading()}, waits for that load and returns its result.
   */
  public static JnrPosix load() {
    CompletableFuture<JnrPosix> started = early;
    if (started == null) {
      return loadNow();
    }
    try {
      return started.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  /**
   * Starts loading the bindings on a thread of its own, for {@link #load()} to pick up: at daemon start-up jnr
   * (its stub library, jnr-posix's constants) then loads on the second core while logging and the command line
   * initialise on the first.
   */
  public static void startLoading() {
    CompletableFuture<JnrPosix> loading = new CompletableFuture<>();
    early = loading;
    Thread thread = new Thread(() -> {
      try {
        loading.complete(loadNow());
      } catch (RuntimeException | Error e) {
        loading.completeExceptionally(e);
      }
    }, "jshim-jnr-load");
    thread.setDaemon(true);
    thread.start();
  }

  private static JnrPosix loadNow() {
    POSIX posix = POSIXFactory.getNativePOSIX(new DefaultPOSIXHandler());
    LinuxLibC libc = LibraryLoader.create(LinuxLibC.class).load("c");
    return new JnrPosix(posix, libc);
  }

  @Override
  public int getpid() {
    return posix.getpid();
  }

  @Override
  public int geteuid() {
    return posix.geteuid();
  }

  @Override
  public int getegid() {
    return posix.getegid();
  }

  @Override
  public void setChildSubreaper() {
    if (libc.prctl(LinuxLibC.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
      throw new SysException("prctl(PR_SET_CHILD_SUBREAPER)", errno());
    }
  }

  @Override
  public boolean isChildSubreaper() {
    Pointer value = Memory.allocateDirect(runtime, 4, true);
    if (libc.prctl(LinuxLibC.PR_GET_CHILD_SUBREAPER, value, 0, 0, 0) != 0) {
      throw new SysException("prctl(PR_GET_CHILD_SUBREAPER)", errno());
    }
    return value.getInt(0) != 0;
  }

  @Override
  public int spawn(String path, List<String> argv, List<String> envp, int[] fds) {
    for (int target = 0; target < fds.length; target++) {
      if (fds[target] < fds.length) {
        // dup2 onto its own number would keep the source's close-on-exec flag, and a low source
        // could be overwritten by an earlier action; callers pass fds above the target range
        throw new IllegalArgumentException(
            "fd " + fds[target] + " for child fd " + target + " (expected: >= " + fds.length + ")");
      }
    }
    // argv and envp in native memory owned here and kept reachable until posix_spawnp returns: jnr-posix's own
    // posix_spawnp let a GC free its copies while the vfork-style child still read them (EFAULT, or an argv
    // cut short: the helper then said "missing program to run", once in ~35000 spawns under load)
    List<Pointer> keep = new ArrayList<>();
    Pointer nativeArgv = strings(argv, keep);
    Pointer nativeEnvp = strings(envp, keep);
    Pointer nativePath = string(path, keep);
    Pointer actions = Memory.allocateDirect(runtime, LinuxLibC.SPAWN_FILE_ACTIONS_SIZE, true);
    int rc = libc.posix_spawn_file_actions_init(actions);
    if (rc != 0) {
      throw new SysException("posix_spawn_file_actions_init", rc);
    }
    try {
      for (int target = 0; target < fds.length; target++) {
        rc = libc.posix_spawn_file_actions_adddup2(actions, fds[target], target);
        if (rc != 0) {
          throw new SysException("posix_spawn_file_actions_adddup2", rc);
        }
      }
      int[] pid = new int[1];
      rc = libc.posix_spawnp(pid, nativePath, actions, null, nativeArgv, nativeEnvp);
      if (rc != 0) {
        throw new SysException("posix_spawn " + path, rc);
      }
      return pid[0];
    } finally {
      libc.posix_spawn_file_actions_destroy(actions);
      Reference.reachabilityFence(keep);
      Reference.reachabilityFence(nativeArgv);
      Reference.reachabilityFence(nativeEnvp);
      Reference.reachabilityFence(actions);
    }
  }

  /** A NULL-terminated array of C strings; the string buffers are added to {@code keep}. */
  private Pointer strings(List<String> values, List<Pointer> keep) {
    Pointer array = Memory.allocateDirect(runtime, (values.size() + 1L) * runtime.addressSize(), true);
    for (int i = 0; i < values.size(); i++) {
      array.putAddress((long) i * runtime.addressSize(), string(values.get(i), keep).address());
    }
    return array;
  }

  private Pointer string(String value, List<Pointer> keep) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    Pointer string = Memory.allocateDirect(runtime, bytes.length + 1, true);
    string.put(0, bytes, 0, bytes.length);
    keep.add(string);
    return string;
  }

  @Override
  public int[] socketPair() {
    int[] sv = new int[2];
    if (libc.socketpair(LinuxLibC.AF_UNIX, LinuxLibC.SOCK_STREAM | LinuxLibC.SOCK_CLOEXEC, 0, sv) != 0) {
      throw new SysException("socketpair", errno());
    }
    return sv;
  }

  @Override
  public int datagramSocket() {
    int fd = libc.socket(LinuxLibC.AF_UNIX, LinuxLibC.SOCK_DGRAM | LinuxLibC.SOCK_CLOEXEC, 0);
    if (fd < 0) {
      throw new SysException("socket(AF_UNIX, SOCK_DGRAM)", errno());
    }
    return fd;
  }

  @Override
  public void sendTo(int fd, String address, byte[] data) {
    UnixAddress to = UnixAddress.of(runtime, address);
    while (true) {
      long sent = libc.sendto(fd, data, data.length, LinuxLibC.MSG_NOSIGNAL, to.memory(), to.length());
      if (sent == data.length) {
        return;
      }
      if (sent >= 0) {
        // a datagram goes whole or not at all; anything else is a kernel surprise worth naming
        throw new SysException("sendto " + address + " sent " + sent + " of " + data.length + " bytes", Errnos.EIO);
      }
      int err = errno();
      if (err != Errnos.EINTR) {
        throw new SysException("sendto " + address, err);
      }
    }
  }

  @Override
  public int sealedCopy(String name, byte[] content) {
    int fd = libc.memfd_create(name, LinuxLibC.MFD_CLOEXEC | LinuxLibC.MFD_ALLOW_SEALING);
    if (fd < 0) {
      throw new SysException("memfd_create " + name, errno());
    }
    try {
      ByteBuffer rest = ByteBuffer.wrap(content);
      while (rest.hasRemaining()) {
        long n = libc.write(fd, rest, rest.remaining());
        if (n < 0 && errno() != Errnos.EINTR) {
          throw new SysException("write " + content.length + " bytes to memfd " + name, errno());
        }
        rest.position(rest.position() + (int) Math.max(n, 0));
      }
      int seals = LinuxLibC.F_SEAL_SEAL | LinuxLibC.F_SEAL_SHRINK | LinuxLibC.F_SEAL_GROW | LinuxLibC.F_SEAL_WRITE;
      if (libc.fcntl(fd, LinuxLibC.F_ADD_SEALS, seals) < 0) {
        throw new SysException("fcntl(F_ADD_SEALS) on memfd " + name, errno());
      }
      return fd;
    } catch (RuntimeException e) {
      closeQuietly(fd);
      throw e;
    }
  }

  @Override
  public int open(String path, int flags, int mode) {
    int fd = posix.open(path, flags | LinuxLibC.O_CLOEXEC, mode);
    if (fd < 0) {
      throw new SysException("open " + path, errno());
    }
    return fd;
  }

  @Override
  public int dupAtLeast(int fd, int minFd) {
    int copy = libc.fcntl(fd, LinuxLibC.F_DUPFD_CLOEXEC, minFd);
    if (copy < 0) {
      throw new SysException("fcntl(F_DUPFD_CLOEXEC) on fd " + fd, errno());
    }
    return copy;
  }

  @Override
  public void close(int fd) {
    if (posix.close(fd) != 0) {
      throw new SysException("close fd " + fd, errno());
    }
  }

  @Override
  public int read(int fd, byte[] buf, int offset, int len, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      awaitReadable(fd, deadline, timeout, "read");
      byte[] chunk = offset == 0 ? buf : new byte[len];
      int n = posix.read(fd, chunk, len);
      if (n < 0) {
        if (errno() == Errnos.EINTR) {
          continue;
        }
        throw new SysException("read fd " + fd, errno());
      }
      if (chunk != buf) {
        System.arraycopy(chunk, 0, buf, offset, n);
      }
      return n;
    }
  }

  /** Polls until {@code fd} is readable or has hung up; EAGAIN once {@code deadline} passes. */
  private void awaitReadable(int fd, long deadline, Duration timeout, String what) {
    Pointer pollfd = Memory.allocateDirect(runtime, 8, true);
    pollfd.putInt(0, fd);
    pollfd.putShort(4, LinuxLibC.POLLIN);
    while (true) {
      int waitMillis = (int) Math.max(0, Math.min(Integer.MAX_VALUE, (deadline - System.nanoTime()) / 1_000_000));
      int ready = libc.poll(pollfd, 1, waitMillis);
      if (ready < 0) {
        if (errno() == Errnos.EINTR) {
          continue;
        }
        throw new SysException("poll fd " + fd, errno());
      }
      if (ready == 0) {
        throw new SysException(what + " fd " + fd + " timed out after " + timeout.toMillis() + " ms", Errnos.EAGAIN);
      }
      return;
    }
  }

  @Override
  public void write(int fd, byte[] buf) {
    int done = 0;
    while (done < buf.length) {
      byte[] rest = done == 0 ? buf : Arrays.copyOfRange(buf, done, buf.length);
      int n = posix.write(fd, rest, rest.length);
      if (n < 0) {
        if (errno() == Errnos.EINTR) {
          continue;
        }
        throw new SysException("write fd " + fd, errno());
      }
      done += n;
    }
  }

  @Override
  public int[] pipe() {
    int[] fds = new int[2];
    if (libc.pipe2(fds, LinuxLibC.O_CLOEXEC) != 0) {
      throw new SysException("pipe2", errno());
    }
    return fds;
  }

  @Override
  public void setNonBlocking(int fd, boolean on) {
    int flags = libc.fcntl(fd, LinuxLibC.F_GETFL, 0);
    if (flags < 0) {
      throw new SysException("fcntl(F_GETFL) on fd " + fd, errno());
    }
    int wanted = on ? flags | LinuxLibC.O_NONBLOCK : flags & ~LinuxLibC.O_NONBLOCK;
    if (wanted != flags && libc.fcntl(fd, LinuxLibC.F_SETFL, wanted) < 0) {
      throw new SysException("fcntl(F_SETFL) on fd " + fd, errno());
    }
  }

  @Override
  public int readNonBlocking(int fd, byte[] buf, int offset, int len) {
    ByteBuffer target = ByteBuffer.wrap(buf, offset, len);
    while (true) {
      long n = libc.read(fd, target, len);
      if (n >= 0) {
        return (int) n;
      }
      int err = errno();
      switch (err) {
        case Errnos.EINTR:
          continue;
        case Errnos.EAGAIN:
          return -1;
        case Errnos.EIO:
          // a pty master reads EIO once no slave fd is open any more: that is its end of file
          return 0;
        default:
          throw new SysException("read fd " + fd, err);
      }
    }
  }

  @Override
  public int writeNonBlocking(int fd, byte[] buf, int offset, int len) {
    ByteBuffer source = ByteBuffer.wrap(buf, offset, len);
    while (true) {
      long n = libc.write(fd, source, len);
      if (n >= 0) {
        return (int) n;
      }
      int err = errno();
      if (err == Errnos.EINTR) {
        continue;
      }
      if (err == Errnos.EAGAIN) {
        return -1;
      }
      throw new SysException("write fd " + fd, err);
    }
  }

  @Override
  public Received receive(int fd, byte[] buf, int offset, int len, Duration timeout) {
    Objects.checkFromIndexSize(offset, len, buf.length);
    long deadline = System.nanoTime() + timeout.toNanos();
    Message message = new Message(runtime, len);
    while (true) {
      awaitReadable(fd, deadline, timeout, "recvmsg");
      long n = libc.recvmsg(fd, message.header(), LinuxLibC.MSG_CMSG_CLOEXEC);
      if (n < 0) {
        int err = errno();
        if (err == Errnos.EINTR || err == Errnos.EAGAIN) {
          continue;
        }
        throw new SysException("recvmsg fd " + fd, err);
      }
      message.copyData(buf, offset, (int) n);
      int[] fds = message.receivedFds();
      for (int i = 1; i < fds.length; i++) {
        closeQuietly(fds[i]);
      }
      return new Received((int) n, fds.length == 0 ? OptionalInt.empty() : OptionalInt.of(fds[0]));
    }
  }

  @Override
  public void setWindowSize(int fd, int rows, int cols) {
    if (rows < 0 || rows > 0xffff || cols < 0 || cols > 0xffff) {
      throw new IllegalArgumentException("window size: " + cols + "x" + rows + " (expected: 0..65535 each)");
    }
    Pointer winsize = Memory.allocateDirect(runtime, 8, true);
    winsize.putShort(0, (short) rows);
    winsize.putShort(2, (short) cols);
    if (libc.ioctl(fd, LinuxLibC.TIOCSWINSZ, winsize) != 0) {
      throw new SysException("ioctl(TIOCSWINSZ) on fd " + fd, errno());
    }
  }

  @Override
  public Epoll epoll() {
    return JnrEpoll.create(libc, runtime);
  }

  @Override
  public boolean kill(int pid, int signal) {
    if (pid <= 0) {
      throw new IllegalArgumentException("pid: " + pid + " (expected: > 0; never a process group)");
    }
    if (posix.kill(pid, signal) == 0) {
      return true;
    }
    if (errno() == Errnos.ESRCH) {
      return false;
    }
    throw new SysException("kill " + pid + " with signal " + signal, errno());
  }

  @Override
  public OptionalInt peekExitedChild() {
    return waitExited(LinuxLibC.WEXITED | LinuxLibC.WNOHANG | LinuxLibC.WNOWAIT);
  }

  @Override
  public OptionalInt awaitExitedChild() {
    return waitExited(LinuxLibC.WEXITED | LinuxLibC.WNOWAIT);
  }

  private OptionalInt waitExited(int options) {
    Pointer info = Memory.allocateDirect(runtime, LinuxLibC.SIGINFO_SIZE, true);
    while (true) {
      int rc = libc.waitid(LinuxLibC.P_ALL, 0, info, options);
      if (rc == 0) {
        int pid = info.getInt(LinuxLibC.SIGINFO_PID_OFFSET);
        return pid > 0 ? OptionalInt.of(pid) : OptionalInt.empty();
      }
      int err = errno();
      if (err == Errnos.EINTR) {
        continue;
      }
      if (err == Errnos.ECHILD) {
        return OptionalInt.empty();
      }
      throw new SysException("waitid(P_ALL, WNOWAIT)", err);
    }
  }

  @Override
  public OptionalInt reap(int pid) {
    int[] status = new int[1];
    while (true) {
      int rc = posix.waitpid(pid, status, LinuxLibC.WNOHANG);
      if (rc == pid) {
        return OptionalInt.of(status[0]);
      }
      if (rc == 0) {
        return OptionalInt.empty();
      }
      int err = errno();
      if (err == Errnos.EINTR) {
        continue;
      }
      throw new SysException("waitpid " + pid, err);
    }
  }

  @Override
  public void mount(String source, String target, String type, long flags, String data) {
    if (libc.mount(source, target, type, flags, data) != 0) {
      throw new SysException("mount " + (source == null ? "" : source + " ") + "on " + target
          + (type == null ? "" : " type " + type) + " flags 0x" + Long.toHexString(flags), errno());
    }
  }

  @Override
  public void unmount(String target, int flags) {
    if (libc.umount2(target, flags) != 0) {
      throw new SysException("umount2 " + target + (flags == 0 ? "" : " flags " + flags), errno());
    }
  }

  private int errno() {
    return posix.errno();
  }

  @Override
  public OptionalInt pidfdOpen(int pid) {
    if (pid <= 0) {
      throw new IllegalArgumentException("pid: " + pid + " (expected: > 0)");
    }
    // pidfds are close-on-exec from birth
    long fd = libc.syscall(LinuxLibC.SYS_PIDFD_OPEN, pid, 0, 0, 0);
    if (fd >= 0) {
      return OptionalInt.of((int) fd);
    }
    if (errno() == Errnos.ESRCH) {
      return OptionalInt.empty();
    }
    throw new SysException("pidfd_open " + pid, errno());
  }

  @Override
  public boolean pidfdSignal(int pidfd, int signal) {
    if (libc.syscall(LinuxLibC.SYS_PIDFD_SEND_SIGNAL, pidfd, signal, 0, 0) == 0) {
      return true;
    }
    if (errno() == Errnos.ESRCH) {
      return false;
    }
    throw new SysException("pidfd_send_signal " + pidfd + " with signal " + signal, errno());
  }

  @Override
  public boolean pidfdExited(int pidfd) {
    Pointer pollfd = Memory.allocateDirect(runtime, 8, true);
    pollfd.putInt(0, pidfd);
    pollfd.putShort(4, LinuxLibC.POLLIN);
    while (true) {
      int ready = libc.poll(pollfd, 1, 0);
      if (ready >= 0) {
        return ready > 0;
      }
      if (errno() != Errnos.EINTR) {
        throw new SysException("poll pidfd " + pidfd, errno());
      }
    }
  }

  @Override
  public ExitNotices exitNotices() {
    return JnrExitNotices.open(libc, runtime);
  }

  @Override
  public DevicePrograms devicePrograms() {
    return new JnrDevicePrograms(this, libc, runtime);
  }
}
