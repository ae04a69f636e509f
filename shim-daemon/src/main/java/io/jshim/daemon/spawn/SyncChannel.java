package io.jshim.daemon.spawn;

import io.jshim.daemon.sys.Posix;
import java.time.Duration;
import java.util.Optional;

/** The daemon's end of one spawn's sync socket. */
final class SyncChannel implements AutoCloseable {
  private static final byte GO = 'G';

  private final Posix posix;
  private final int fd;
  private boolean closed;

  SyncChannel(Posix posix, int fd) {
    this.posix = posix;
    this.fd = fd;
  }

  /**
   * The next record, or empty at end of file (every copy of the other end is closed).
   *
   * @throws io.jshim.daemon.sys.SysException with EAGAIN when nothing arrives within {@code timeout}
   */
  Optional<SyncRecord> next(Duration timeout) {
    byte[] header = new byte[SyncRecord.HEADER_SIZE];
    if (!readFully(header, timeout, true)) {
      return Optional.empty();
    }
    SyncRecord.Header decoded = SyncRecord.header(header);
    byte[] message = new byte[decoded.length()];
    if (!readFully(message, timeout, false)) {
      throw new IllegalStateException("sync socket closed inside a record");
    }
    return Optional.of(decoded.withMessage(message));
  }

  void sendGo() {
    posix.write(fd, new byte[] {GO});
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      posix.closeQuietly(fd);
    }
  }

  private boolean readFully(byte[] buf, Duration timeout, boolean eofAllowed) {
    int done = 0;
    while (done < buf.length) {
      int n = posix.read(fd, buf, done, buf.length - done, timeout);
      if (n == 0) {
        if (done == 0 && eofAllowed) {
          return false;
        }
        throw new IllegalStateException("sync socket closed after " + done + " of " + buf.length + " bytes");
      }
      done += n;
    }
    return true;
  }
}
