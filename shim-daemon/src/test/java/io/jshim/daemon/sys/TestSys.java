package io.jshim.daemon.sys;

import java.nio.file.Path;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/** System calls only tests need: FIFOs, ptys, sending fds, binding datagram sockets, and looking at fd flags. */
public final class TestSys {
  private static final int O_NOCTTY = 0400;
  private static final int F_GETFD = 1;
  private static final int F_GETFL = 3;
  private static final int FD_CLOEXEC = 1;
  private static final long TIOCSPTLCK = 0x40045431L;
  private static final long TIOCGPTN = 0x80045430L;

  /** libc calls for tests, beside the daemon's {@link LinuxLibC}. */
  public interface TestLibC {
    int mkfifo(String path, int mode);

    int ioctl(int fd, long request, Pointer arg);

    long sendmsg(int fd, Pointer msg, int flags);

    int fcntl(int fd, int cmd, int arg);

    int bind(int fd, Pointer addr, int addrlen);
  }

  private static final TestLibC LIBC = LibraryLoader.create(TestLibC.class).load("c");
  private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

  private TestSys() {}

  /** A pty pair: the master and an open slave. */
  public record Pty(int master, int slave) {}

  /** Makes a FIFO at {@code path}, mode 0600. */
  public static Path mkfifo(Path path) {
    if (LIBC.mkfifo(path.toString(), 0600) != 0) {
      throw new SysException("mkfifo " + path, errno());
    }
    return path;
  }

  /** Opens a new pty through /dev/ptmx; both fds close-on-exec, neither a controlling terminal. */
  public static Pty openPty(Posix posix) {
    int master = posix.open("/dev/ptmx", Posix.O_RDWR | O_NOCTTY, 0);
    try {
      Pointer arg = Memory.allocateDirect(RUNTIME, 4, true);
      ioctl(master, TIOCSPTLCK, arg, "TIOCSPTLCK");
      ioctl(master, TIOCGPTN, arg, "TIOCGPTN");
      int slave = posix.open("/dev/pts/" + arg.getInt(0), Posix.O_RDWR | O_NOCTTY, 0);
      return new Pty(master, slave);
    } catch (RuntimeException e) {
      posix.closeQuietly(master);
      throw e;
    }
  }

  /** A terminal's window size (TIOCGWINSZ) as {rows, cols}. */
  public static int[] windowSize(int fd) {
    Pointer winsize = Memory.allocateDirect(RUNTIME, 8, true);
    ioctl(fd, LinuxLibC.TIOCGWINSZ, winsize, "TIOCGWINSZ");
    return new int[] {Short.toUnsignedInt(winsize.getShort(0)), Short.toUnsignedInt(winsize.getShort(2))};
  }

  /** Sends {@code data} over a Unix socket with {@code fds} attached in one SCM_RIGHTS message. */
  public static void sendFds(int socket, byte[] data, int... fds) {
    int controlLength = 16 + ((fds.length * 4 + 7) & ~7);
    Pointer memory = Memory.allocateDirect(RUNTIME, 56 + 16 + data.length + controlLength, true);
    long base = memory.address();
    long iov = base + 56;
    long dataAt = iov + 16;
    long control = dataAt + data.length;
    memory.put(72, data, 0, data.length);
    memory.putAddress(16, iov);
    memory.putLong(24, 1);
    memory.putAddress(56, dataAt);
    memory.putLong(64, data.length);
    if (fds.length > 0) {
      memory.putAddress(32, control);
      memory.putLong(40, controlLength);
      int at = 72 + data.length;
      memory.putLong(at, 16 + fds.length * 4L);
      memory.putInt(at + 8, LinuxLibC.SOL_SOCKET);
      memory.putInt(at + 12, LinuxLibC.SCM_RIGHTS);
      for (int i = 0; i < fds.length; i++) {
        memory.putInt(at + 16 + 4L * i, fds[i]);
      }
    }
    long sent = LIBC.sendmsg(socket, memory, 0);
    if (sent != data.length) {
      throw new SysException("sendmsg fd " + socket, sent < 0 ? errno() : Errnos.EINVAL);
    }
  }

  /**
   * A close-on-exec AF_UNIX datagram socket bound to {@code address} (a path, or '@' and an abstract name),
   * standing in for systemd's notification socket.
   */
  public static int bindDatagram(Posix posix, String address) {
    UnixAddress at = UnixAddress.of(RUNTIME, address);
    int fd = posix.datagramSocket();
    if (LIBC.bind(fd, at.memory(), at.length()) != 0) {
      int err = errno();
      posix.closeQuietly(fd);
      throw new SysException("bind " + address, err);
    }
    return fd;
  }

  /** The next datagram on {@code fd} as UTF-8 text (at most 256 bytes), waiting up to {@code timeout}. */
  public static String receiveText(Posix posix, int fd, java.time.Duration timeout) {
    byte[] buf = new byte[256];
    Received received = posix.receive(fd, buf, 0, buf.length, timeout);
    return new String(buf, 0, received.length(), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Whether {@code fd} is open. */
  public static boolean isOpen(int fd) {
    return LIBC.fcntl(fd, F_GETFD, 0) >= 0;
  }

  /** Whether {@code fd} has FD_CLOEXEC. */
  public static boolean isCloseOnExec(int fd) {
    int flags = LIBC.fcntl(fd, F_GETFD, 0);
    if (flags < 0) {
      throw new SysException("fcntl(F_GETFD) fd " + fd, errno());
    }
    return (flags & FD_CLOEXEC) != 0;
  }

  /** Whether {@code fd}'s open file description has O_NONBLOCK. */
  public static boolean isNonBlocking(int fd) {
    int flags = LIBC.fcntl(fd, F_GETFL, 0);
    if (flags < 0) {
      throw new SysException("fcntl(F_GETFL) fd " + fd, errno());
    }
    return (flags & Posix.O_NONBLOCK) != 0;
  }

  /** The epoll fd and wake-up eventfd behind an {@link Epoll} made by {@link JnrPosix}. */
  public static int[] epollFds(Epoll epoll) {
    JnrEpoll jnr = (JnrEpoll) epoll;
    return new int[] {jnr.fd(), jnr.wakeFd()};
  }

  private static void ioctl(int fd, long request, Pointer arg, String name) {
    if (LIBC.ioctl(fd, request, arg) != 0) {
      throw new SysException("ioctl(" + name + ") fd " + fd, errno());
    }
  }

  private static int errno() {
    return LastError.getLastError(RUNTIME);
  }
}
