package io.jshim.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import jnr.posix.SpawnFileAction;
import jnr.posix.util.DefaultPOSIXHandler;

/** The syscalls of the benchmark, on jnr-posix and {@link BenchLibC}; every failure is an exception. */
final class NativeOps {
  private static final int SIGKILL = 9;

  private final POSIX posix;
  private final BenchLibC libc;
  private final Runtime runtime;

  private NativeOps(POSIX posix, BenchLibC libc) {
    this.posix = posix;
    this.libc = libc;
    this.runtime = Runtime.getRuntime(libc);
  }

  /** Loads the native bindings; refuses jnr's pure-Java fallback. */
  static NativeOps load() {
    POSIX posix = POSIXFactory.getNativePOSIX(new DefaultPOSIXHandler());
    BenchLibC libc = LibraryLoader.create(BenchLibC.class).load("c");
    return new NativeOps(posix, libc);
  }

  String glibcVersion() {
    return libc.gnu_get_libc_version();
  }

  int geteuid() {
    return posix.geteuid();
  }

  /** The racy step one: both ends inheritable until {@link #markCloexec}. */
  void pipeInheritable(int[] fds) {
    if (libc.pipe(fds) != 0) {
      throw failure("pipe");
    }
  }

  void markCloexec(int fd) {
    if (libc.fcntl(fd, BenchLibC.F_SETFD, BenchLibC.FD_CLOEXEC) != 0) {
      throw failure("fcntl(F_SETFD, FD_CLOEXEC) on fd " + fd);
    }
  }

  /** A pipe that is close-on-exec from birth. */
  void pipeCloexec(int[] fds) {
    if (libc.pipe2(fds, BenchLibC.O_CLOEXEC) != 0) {
      throw failure("pipe2(O_CLOEXEC)");
    }
  }

  /** The inode of a pipe end, as {@code pipe:[INODE]} names it. */
  long inode(int fd) {
    return posix.fstat(fd).ino();
  }

  /** A close-on-exec memfd at {@code minFd} or above. */
  int memfd(String name, int minFd) {
    int fd = libc.memfd_create(name, BenchLibC.MFD_CLOEXEC);
    if (fd < 0) {
      throw failure("memfd_create " + name);
    }
    return atLeast(fd, minFd);
  }

  /** A close-on-exec AF_UNIX stream pair, both fds at {@code minFd} or above. */
  int[] socketPair(int minFd) {
    int[] sv = new int[2];
    if (libc.socketpair(BenchLibC.AF_UNIX, BenchLibC.SOCK_STREAM | BenchLibC.SOCK_CLOEXEC, 0, sv) != 0) {
      throw failure("socketpair");
    }
    sv[0] = atLeast(sv[0], minFd);
    sv[1] = atLeast(sv[1], minFd);
    return sv;
  }

  /** /dev/null, close-on-exec, at {@code minFd} or above. */
  int devNull(int minFd) {
    int fd = posix.open("/dev/null", BenchLibC.O_RDWR | BenchLibC.O_CLOEXEC, 0);
    if (fd < 0) {
      throw failure("open /dev/null");
    }
    return atLeast(fd, minFd);
  }

  /** Moves {@code fd} to {@code minFd} or above (close-on-exec), so a spawn's dup2 actions cannot clobber it. */
  private int atLeast(int fd, int minFd) {
    if (fd >= minFd) {
      return fd;
    }
    int copy = libc.fcntl(fd, BenchLibC.F_DUPFD_CLOEXEC, minFd);
    int err = errno();
    close(fd);
    if (copy < 0) {
      throw new IllegalStateException("fcntl(F_DUPFD_CLOEXEC) on fd " + fd + ": errno " + err);
    }
    return copy;
  }

  void close(int fd) {
    if (posix.close(fd) != 0) {
      throw failure("close fd " + fd);
    }
  }

  /**
   * posix_spawn (glibc: clone(CLONE_VM|CLONE_VFORK), so this returns once the child has exec'd) with
   * {@code fds[i]} on the child's fd {@code i}; every other fd is inherited unless close-on-exec.
   */
  int spawn(String path, List<String> argv, List<String> env, int[] fds) {
    List<SpawnFileAction> actions = new ArrayList<>(fds.length);
    for (int target = 0; target < fds.length; target++) {
      if (fds[target] < fds.length) {
        throw new IllegalArgumentException("fd " + fds[target] + " for child fd " + target + " (expected: >= " + fds.length + ")");
      }
      actions.add(SpawnFileAction.dup(fds[target], target));
    }
    long pid = posix.posix_spawnp(path, actions, argv, env);
    if (pid <= 0) {
      throw failure("posix_spawn " + path);
    }
    return (int) pid;
  }

  /** Waits for this one child (never waitpid(-1)) and returns its raw wait status. */
  int waitFor(int pid) {
    int[] status = new int[1];
    while (true) {
      int rc = posix.waitpid(pid, status, 0);
      if (rc == pid) {
        return status[0];
      }
      if (errno() != 4 /* EINTR */) {
        throw failure("waitpid " + pid);
      }
    }
  }

  /** Kills a child left behind by a failed run. */
  void kill(int pid) {
    posix.kill(pid, SIGKILL);
  }

  /** Reads exactly {@code buf.length} bytes, or returns false on end of file before the first byte. */
  boolean readFully(int fd, byte[] buf) {
    int done = 0;
    byte[] chunk = new byte[buf.length];
    while (done < buf.length) {
      int n = posix.read(fd, chunk, buf.length - done);
      if (n < 0) {
        if (errno() == 4) {
          continue;
        }
        throw failure("read fd " + fd);
      }
      if (n == 0) {
        if (done == 0) {
          return false;
        }
        throw new IllegalStateException("read fd " + fd + ": end of file inside a record");
      }
      System.arraycopy(chunk, 0, buf, done, n);
      done += n;
    }
    return true;
  }

  void write(int fd, byte[] buf) {
    int n = posix.write(fd, buf, buf.length);
    if (n != buf.length) {
      throw failure("write fd " + fd);
    }
  }

  /** The whole content of a memfd (or any seekable fd), read with pread from offset 0. */
  String readAll(int fd) {
    StringBuilder text = new StringBuilder();
    byte[] buf = new byte[8192];
    long offset = 0;
    while (true) {
      int n = posix.pread(fd, buf, buf.length, (int) offset);
      if (n < 0) {
        throw failure("pread fd " + fd);
      }
      if (n == 0) {
        return text.toString();
      }
      text.append(new String(buf, 0, n, StandardCharsets.UTF_8));
      offset += n;
    }
  }

  /** Native-order 32-bit int at {@code offset} (the helper's records are in the machine's byte order). */
  static int intAt(byte[] buf, int offset) {
    return ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder()).getInt(offset);
  }

  private int errno() {
    return LastError.getLastError(runtime);
  }

  private IllegalStateException failure(String what) {
    return new IllegalStateException(what + ": errno " + errno());
  }
}
