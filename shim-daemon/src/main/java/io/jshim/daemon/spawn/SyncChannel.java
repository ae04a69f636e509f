package io.jshim.daemon.spawn;

import io.jshim.daemon.sys.Posix;
import io.jshim.daemon.sys.Received;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The daemon's end of one spawn's sync socket. Every read is a recvmsg: the CONSOLE record brings the pty
 * master as SCM_RIGHTS, and a plain read would make the kernel drop (close) it.
 */
final class SyncChannel implements AutoCloseable {
  private static final byte GO = 'G';
  private static final byte HOOKS_DONE = 'H';

  private final Posix posix;
  private final int fd;
  private boolean closed;
  private int receivedFd = -1;

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
    if (decoded.type() != SyncRecord.Type.CONSOLE && receivedFd >= 0) {
      // only a CONSOLE record carries an fd; anything else is not ours to keep
      posix.closeQuietly(receivedFd);
      receivedFd = -1;
    }
    return Optional.of(decoded.withMessage(message));
  }

  /** The fd that came with the last CONSOLE record, now owned by the caller. */
  OptionalInt takeReceivedFd() {
    int fd = receivedFd;
    receivedFd = -1;
    return fd < 0 ? OptionalInt.empty() : OptionalInt.of(fd);
  }

  void sendGo() {
    posix.write(fd, new byte[] {GO});
  }

  /** Lets a workload stopped at HOOKS go on. */
  void sendHooksDone() {
    posix.write(fd, new byte[] {HOOKS_DONE});
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      posix.closeQuietly(fd);
      posix.closeQuietly(receivedFd);
      receivedFd = -1;
    }
  }

  private boolean readFully(byte[] buf, Duration timeout, boolean eofAllowed) {
    int done = 0;
    while (done < buf.length) {
      Received received = posix.receive(fd, buf, done, buf.length - done, timeout);
      int n = received.length();
      if (received.fd().isPresent()) {
        posix.closeQuietly(receivedFd);
        receivedFd = received.fd().getAsInt();
      }
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
