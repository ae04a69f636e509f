package io.jshim.daemon.io;

import io.jshim.daemon.error.ShimException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task's container log in the Kubernetes CRI format, one record per line:
 * {@code <RFC 3339 UTC timestamp, 9 fraction digits> <stdout|stderr> <F|P> <text>\n}. {@code F} ends a line
 * of the container's output; {@code P} is a piece of a line that continues in the next record of the same
 * stream (a chunk that ended without a newline, or a line too long for one file).
 *
 * <p>The file is rotated before a record would take it over {@link LogSpec#maxSize()}: {@code path} becomes
 * {@code path.1}, {@code path.1} becomes {@code path.2} and so on, keeping {@link LogSpec#maxFiles()} files.
 * I/O failures never reach the writer: the records are dropped and counted ({@link #droppedBytes()}), a
 * warning is logged at most every 10 seconds, and the next write opens the file again. A log file moved or
 * removed underneath is noticed by the first write a second or more after the last check (by the clock given
 * to {@link #open}) and a new one is opened at the path.
 *
 * <p>Thread-safe: stdout and stderr may be written concurrently; each write's records stay together.
 */
public final class ContainerLog implements LogSink, AutoCloseable {
  static final long WARNING_INTERVAL_SECONDS = 10;
  static final long IDENTITY_CHECK_INTERVAL_SECONDS = 1;

  private static final Logger log = LoggerFactory.getLogger(ContainerLog.class);
  private static final Duration WARNING_INTERVAL = Duration.ofSeconds(WARNING_INTERVAL_SECONDS);
  private static final Duration IDENTITY_CHECK_INTERVAL = Duration.ofSeconds(IDENTITY_CHECK_INTERVAL_SECONDS);
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);
  /** Tag, space after it, newline at the end. */
  private static final int RECORD_OVERHEAD = 3;
  private static final int FLUSH_THRESHOLD = 256 * 1024;

  private final LogSpec spec;
  private final Path logRoot;
  private final Clock clock;
  private final Object lock = new Object();

  // all fields below are guarded by lock; dropped is only written under it
  private FileChannel channel;
  private Object fileKey;
  private long size;
  private boolean closed;
  private Instant lastIdentityCheck;
  private Instant lastWarning;
  private long suppressedWarnings;
  private byte[] pending = new byte[8192];
  private int pendingLength;
  private volatile long dropped;

  private ContainerLog(LogSpec spec, Path logRoot, Clock clock, LogPaths.Opened opened) {
    this.spec = spec;
    this.logRoot = logRoot;
    this.clock = clock;
    install(opened, clock.instant());
  }

  /**
   * Checks the path against {@code logRoot} (see {@link LogSpec}: absolute, normalised, inside {@code logRoot},
   * no symbolic link on the way, a regular file if it exists), creates missing directories below
   * {@code logRoot}, and opens the file for appending.
   *
   * @param clock gives each write's timestamp
   * @throws ShimException INVALID_ARGUMENT naming the rule the path breaks or why it cannot be opened;
   *     FAILED_PRECONDITION when {@code logRoot} is not a directory
   */
  public static ContainerLog open(LogSpec spec, Path logRoot, Clock clock) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(logRoot, "logRoot");
    Objects.requireNonNull(clock, "clock");
    return new ContainerLog(spec, logRoot, clock, LogPaths.open(spec.path(), logRoot));
  }

  /** The path and rotation this log was opened with. */
  public LogSpec spec() {
    return spec;
  }

  /**
   * Bytes of formatted records that could not be written (failed writes, a file that could not be opened or
   * rotated) since the log was opened. Writes after {@link #close()} are not counted.
   */
  public long droppedBytes() {
    return dropped;
  }

  /**
   * Writes the chunk as records stamped with one timestamp: one {@code F} record per complete line and a
   * {@code P} record for a trailing piece without a newline. A {@code \r} before the newline stays in the text.
   */
  @Override
  public void write(StreamName stream, byte[] buf, int offset, int length) {
    Objects.requireNonNull(stream, "stream");
    Objects.checkFromIndexSize(offset, length, buf.length);
    if (length == 0) {
      return;
    }
    synchronized (lock) {
      if (closed) {
        return;
      }
      Instant now = clock.instant();
      if (channel == null) {
        reopenAfterFailure(now);
      } else {
        checkIdentity(now);
      }
      byte[] prefix = (TIMESTAMP.format(now) + " " + stream.criName() + " ").getBytes(StandardCharsets.US_ASCII);
      long maxText = spec.maxSize() - prefix.length - RECORD_OVERHEAD;
      int end = offset + length;
      int lineStart = offset;
      while (lineStart < end) {
        int newline = indexOfNewline(buf, lineStart, end);
        boolean complete = newline >= 0;
        int textEnd = complete ? newline : end;
        int pos = lineStart;
        do {
          int pieceEnd = (int) Math.min(textEnd, pos + maxText);
          record(prefix, complete && pieceEnd == textEnd ? 'F' : 'P', buf, pos, pieceEnd - pos, now);
          pos = pieceEnd;
        } while (pos < textEnd);
        lineStart = complete ? newline + 1 : end;
      }
      flush(now);
    }
  }

  /**
   * Closes the file and opens {@code path} again, checked as in {@link #open}: after an orchestrator moved the
   * file away, a new one is created.
   *
   * @throws ShimException INVALID_ARGUMENT when the path is now refused or cannot be opened (later writes keep
   *     trying), FAILED_PRECONDITION when the log is closed
   */
  public void reopen() {
    synchronized (lock) {
      if (closed) {
        throw ShimException.failedPrecondition("container log " + spec.path() + " is closed (expected: the log of a live task)");
      }
      closeChannel();
      install(LogPaths.open(spec.path(), logRoot), clock.instant());
    }
  }

  /** Closes the file; idempotent. Later writes are dropped without counting. */
  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      closeChannel();
    }
  }

  private void record(byte[] prefix, char tag, byte[] buf, int offset, int length, Instant now) {
    int recordLength = prefix.length + RECORD_OVERHEAD + length;
    if (channel != null && size + pendingLength + recordLength > spec.maxSize() && size + pendingLength > 0) {
      flush(now);
      if (channel != null) {
        rotate(now);
      }
    }
    if (channel == null) {
      dropped += recordLength;
      return;
    }
    ensureCapacity(pendingLength + recordLength);
    System.arraycopy(prefix, 0, pending, pendingLength, prefix.length);
    pendingLength += prefix.length;
    pending[pendingLength++] = (byte) tag;
    pending[pendingLength++] = ' ';
    System.arraycopy(buf, offset, pending, pendingLength, length);
    pendingLength += length;
    pending[pendingLength++] = '\n';
    if (pendingLength >= FLUSH_THRESHOLD) {
      flush(now);
    }
  }

  private void flush(Instant now) {
    if (pendingLength == 0) {
      return;
    }
    int length = pendingLength;
    pendingLength = 0;
    if (channel == null) {
      dropped += length;
      return;
    }
    ByteBuffer buffer = ByteBuffer.wrap(pending, 0, length);
    try {
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      size += length;
    } catch (IOException e) {
      try {
        // a short write (disk full) leaves half a record; cut the file back to the last whole one
        channel.truncate(size);
      } catch (IOException | RuntimeException ignored) {
        // the channel is gone or the disk refuses even this: the half record stays, counted as dropped
      }
      dropped += length;
      closeChannel();
      warn("cannot write: " + LogPaths.reason(e), now);
    }
  }

  private void rotate(Instant now) {
    closeChannel();
    Path path = spec.path();
    try {
      if (spec.maxFiles() == 1) {
        Files.deleteIfExists(path);
      } else {
        // rename(2) replaces the target, so the oldest kept file is overwritten, never followed if a link
        for (int n = spec.maxFiles() - 2; n >= 1; n--) {
          moveIfExists(LogPaths.rotated(path, n), LogPaths.rotated(path, n + 1));
        }
        moveIfExists(path, LogPaths.rotated(path, 1));
      }
    } catch (IOException e) {
      warn("cannot rotate: " + LogPaths.reason(e), now);
      return;
    }
    openAfterFailureOrRotation(now, "cannot open a new file after rotating");
  }

  private static void moveIfExists(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException e) {
      // a gap in the numbering, or the directory is gone: opening the new file afterwards tells which
    }
  }

  private void reopenAfterFailure(Instant now) {
    if (openAfterFailureOrRotation(now, "cannot reopen")) {
      log.info("container log {}: writing again ({} bytes dropped so far)", spec.path(), dropped);
    }
  }

  private boolean openAfterFailureOrRotation(Instant now, String what) {
    try {
      install(LogPaths.open(spec.path(), logRoot), now);
      return true;
    } catch (ShimException e) {
      warn(what + ": " + e.getMessage(), now);
      return false;
    }
  }

  /** Notices a file moved or removed underneath, which writes to the old descriptor would not. */
  private void checkIdentity(Instant now) {
    if (fileKey == null) {
      return;
    }
    if (!now.isBefore(lastIdentityCheck) && Duration.between(lastIdentityCheck, now).compareTo(IDENTITY_CHECK_INTERVAL) < 0) {
      return;
    }
    lastIdentityCheck = now;
    Optional<Object> current;
    try {
      current = LogPaths.fileKey(spec.path());
    } catch (IOException e) {
      current = Optional.empty();
    }
    if (current.isPresent() && Objects.equals(current.get(), fileKey)) {
      try {
        // someone may have truncated it (copytruncate): rotate by the real size
        size = channel.size();
      } catch (IOException e) {
        closeChannel();
        warn("cannot read its size: " + LogPaths.reason(e), now);
      }
      return;
    }
    log.info("container log {}: the file was moved or removed; opening a new one", spec.path());
    closeChannel();
    openAfterFailureOrRotation(now, "cannot open a new file after it was moved or removed");
  }

  private void install(LogPaths.Opened opened, Instant now) {
    channel = opened.channel();
    fileKey = opened.fileKey();
    size = opened.size();
    lastIdentityCheck = now;
  }

  private void closeChannel() {
    LogPaths.closeQuietly(channel);
    channel = null;
  }

  private void warn(String what, Instant now) {
    if (lastWarning == null || now.isBefore(lastWarning) || Duration.between(lastWarning, now).compareTo(WARNING_INTERVAL) >= 0) {
      log.warn("container log {}: {}; dropping output until a write succeeds ({} bytes dropped so far, {} similar warnings suppressed)",
          spec.path(), what, dropped, suppressedWarnings);
      lastWarning = now;
      suppressedWarnings = 0;
    } else {
      suppressedWarnings++;
    }
  }

  private void ensureCapacity(int needed) {
    if (needed > pending.length) {
      pending = Arrays.copyOf(pending, Math.max(needed, pending.length * 2));
    }
  }

  private static int indexOfNewline(byte[] buf, int from, int end) {
    for (int i = from; i < end; i++) {
      if (buf[i] == '\n') {
        return i;
      }
    }
    return -1;
  }
}
