package io.jshim.daemon.io;

import io.jshim.daemon.sys.Posix;
import java.util.Objects;

/** Where a {@link Pump} writes what it read. A sink that owns an fd closes it in {@link #close()}. */
sealed interface Sink {
  /**
   * Offers bytes.
   *
   * @return how many it took (possibly fewer than {@code length}), or -1 when it cannot take any now
   * @throws RuntimeException when it is broken for good (EPIPE, ENOSPC, ...)
   */
  int write(byte[] buf, int offset, int length);

  /** Releases the sink's fd, if it has one. */
  void close();

  /** For log messages: "FIFO /run/x/stdout". */
  String describe();

  /** A non-blocking pipe, FIFO or pty fd: takes part of a chunk, or nothing until epoll says it is writable. */
  final class Stream implements Sink {
    private final Posix posix;
    private final int fd;
    private final String name;

    Stream(Posix posix, int fd, String name) {
      this.posix = posix;
      this.fd = fd;
      this.name = name;
    }

    /** The fd to wait on for {@link io.jshim.daemon.sys.Epoll#OUT}. */
    int fd() {
      return fd;
    }

    @Override
    public int write(byte[] buf, int offset, int length) {
      return posix.writeNonBlocking(fd, buf, offset, length);
    }

    @Override
    public void close() {
      posix.closeQuietly(fd);
    }

    @Override
    public String describe() {
      return name;
    }
  }

  /** A regular file opened for append: writes to it do not wait for a reader, so it takes every chunk. */
  final class RegularFile implements Sink {
    private final Posix posix;
    private final int fd;
    private final String path;

    RegularFile(Posix posix, int fd, String path) {
      this.posix = posix;
      this.fd = fd;
      this.path = path;
    }

    @Override
    public int write(byte[] buf, int offset, int length) {
      int n = posix.writeNonBlocking(fd, buf, offset, length);
      if (n <= 0) {
        throw new IllegalStateException("file " + path + " took no bytes");
      }
      return n;
    }

    @Override
    public void close() {
      posix.closeQuietly(fd);
    }

    @Override
    public String describe() {
      return "file " + path;
    }
  }

  /** The container log: sees every chunk once, as it is read. */
  final class Log implements Sink {
    private final LogSink log;
    private final StreamName stream;

    Log(LogSink log, StreamName stream) {
      this.log = Objects.requireNonNull(log, "log");
      this.stream = Objects.requireNonNull(stream, "stream");
    }

    @Override
    public int write(byte[] buf, int offset, int length) {
      log.write(stream, buf, offset, length);
      return length;
    }

    @Override
    public void close() {
      // the log outlives the process
    }

    @Override
    public String describe() {
      return "the container log (" + stream.criName() + ")";
    }
  }
}
