package io.jshim.daemon.io;

import io.jshim.daemon.sys.JnrPosix;
import io.jshim.daemon.sys.Posix;
import io.jshim.daemon.sys.TestSys;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/** A loop, Posix and the plain fd reads and writes the tests do as "the process" or as a FIFO's client. */
final class IoFixture implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  final Posix posix = JnrPosix.load();
  final IoLoop loop = IoLoop.start(posix);
  private final Path dir;

  IoFixture(Path dir) {
    this.dir = dir;
  }

  Path fifo(String name) {
    return TestSys.mkfifo(dir.resolve(name));
  }

  Path file(String name) {
    return dir.resolve(name);
  }

  /** The process's copies of {@code io}'s child fds, then {@link ProcessIo#spawned()}. */
  int[] spawn(ProcessIo io) {
    int[] child = io.childFds();
    int[] copies = new int[3];
    for (int i = 0; i < 3; i++) {
      copies[i] = posix.dupAtLeast(child[i], 3);
    }
    io.spawned();
    return copies;
  }

  void closeAll(int... fds) {
    for (int fd : fds) {
      posix.closeQuietly(fd);
    }
  }

  /** Reads exactly {@code n} bytes. */
  byte[] read(int fd, int n) {
    byte[] buf = new byte[n];
    int done = 0;
    while (done < n) {
      int got = posix.read(fd, buf, done, n - done, TIMEOUT);
      if (got == 0) {
        throw new AssertionError("end of file after " + done + " of " + n + " bytes");
      }
      done += got;
    }
    return buf;
  }

  /** Reads until end of file. */
  byte[] readToEnd(int fd) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buf = new byte[65536];
    int n;
    while ((n = posix.read(fd, buf, 0, buf.length, TIMEOUT)) > 0) {
      all.write(buf, 0, n);
    }
    return all.toByteArray();
  }

  /** A FIFO's read end, blocking; opened without waiting for a writer, so a test cannot hang here. */
  int openReader(Path fifo) {
    int fd = posix.open(fifo.toString(), Posix.O_RDONLY | Posix.O_NONBLOCK, 0);
    posix.setNonBlocking(fd, false);
    return fd;
  }

  /** A FIFO's write end, blocking; fails at once (ENXIO) rather than wait when nobody reads it. */
  int openWriter(Path fifo) {
    int fd = posix.open(fifo.toString(), Posix.O_WRONLY | Posix.O_NONBLOCK, 0);
    posix.setNonBlocking(fd, false);
    return fd;
  }

  static byte[] pattern(int length, int seed) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) (i * 31 + seed);
    }
    return bytes;
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  @Override
  public void close() {
    loop.close();
  }
}
