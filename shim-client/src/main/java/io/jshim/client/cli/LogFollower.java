package io.jshim.client.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Reads a container log file line by line while it grows, across rotations. The daemon rotates by renaming the file
 * to {@code path.1} and starting a new one at {@code path}; when the path names another file than the one open
 * (or none), the open one is read to its end and the new one from its start. A line is handed out once its newline
 * has been written; a last line without one only when the file is finished.
 */
final class LogFollower implements AutoCloseable {
  /** Receives each line of the log, in order. */
  @FunctionalInterface
  interface Sink {
    /**
     * Takes one line.
     *
     * @param file the file it was read from (its name when it was opened)
     * @param number its line number in that file, from 1
     * @param line the line without its newline
     */
    void line(Path file, long number, String line);
  }

  private static final int BUFFER = 64 * 1024;

  private final Path path;
  private final Sink sink;
  private OpenFile current;

  LogFollower(Path path, Sink sink) {
    this.path = Objects.requireNonNull(path, "path");
    this.sink = Objects.requireNonNull(sink, "sink");
  }

  /**
   * Reads a whole file that no longer changes, such as a rotated one; a missing file has no lines.
   *
   * @param file the file
   * @param sink receives its lines
   * @throws IOException if it cannot be read
   */
  static void readFile(Path file, Sink sink) throws IOException {
    OpenFile open = OpenFile.open(file);
    if (open == null) {
      return;
    }
    try (open) {
      open.readAvailable(sink);
      open.finish(sink);
    }
  }

  /**
   * Reads what the log has now, following a rotation.
   *
   * @return whether anything was read or a rotation was followed
   * @throws IOException if a file cannot be read
   */
  boolean poll() throws IOException {
    if (current == null) {
      current = OpenFile.open(path);
      if (current == null) {
        return false;
      }
    }
    boolean progressed = current.readAvailable(sink);
    Object now = fileKey(path);
    if (now != null && now.equals(current.key)) {
      if (Files.size(path) < current.position) {
        // Truncated in place (copytruncate): what is there now is new.
        current.restart();
        progressed = true;
      }
      return progressed;
    }
    // Rotated: what was written before the rename is in the open file; finish it, then start on the new one.
    current.readAvailable(sink);
    current.finish(sink);
    current.close();
    current = OpenFile.open(path);
    if (current != null) {
      current.readAvailable(sink);
    }
    return true;
  }

  /**
   * Reads until {@code stopped} says the writer is gone and the log has been read to its end: once it says so, one
   * more {@code interval} is waited for the writer's last lines.
   *
   * @param stopped tells whether the task has stopped; asked only when there is nothing to read
   * @param interval how long to wait before looking again
   * @throws IOException if a file cannot be read
   * @throws InterruptedException if interrupted while waiting
   */
  void follow(BooleanSupplier stopped, Duration interval) throws IOException, InterruptedException {
    boolean stopSeen = false;
    while (true) {
      if (poll()) {
        continue;
      }
      if (stopSeen) {
        break;
      }
      stopSeen = stopped.getAsBoolean();
      Thread.sleep(Math.max(1, interval.toMillis()));
    }
    finish();
  }

  /**
   * Reads what is left of the open file, a last line without newline included.
   *
   * @throws IOException if it cannot be read
   */
  void finish() throws IOException {
    if (current != null) {
      current.readAvailable(sink);
      current.finish(sink);
    }
  }

  @Override
  public void close() throws IOException {
    if (current != null) {
      current.close();
      current = null;
    }
  }

  private static Object fileKey(Path file) throws IOException {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** One open log file, with the bytes of a line whose newline has not been read yet. */
  private static final class OpenFile implements AutoCloseable {
    final Path name;
    final FileChannel channel;
    final Object key;
    final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
    long position;
    long lineNumber;

    private OpenFile(Path name, FileChannel channel, Object key) {
      this.name = name;
      this.channel = channel;
      this.key = key;
    }

    /** Opens the file the path names, or answers {@code null} if there is none. */
    static OpenFile open(Path path) throws IOException {
      while (true) {
        Object before = fileKey(path);
        if (before == null) {
          return null;
        }
        FileChannel channel;
        try {
          channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
          continue;
        } catch (AccessDeniedException e) {
          throw new IOException("cannot read log file " + path
              + ": permission denied (expected: a file jshimctl's user may read)", e);
        }
        // The same key before and after the open means the channel has the file the key names, not a newer one.
        if (before.equals(fileKey(path))) {
          return new OpenFile(path, channel, before);
        }
        channel.close();
      }
    }

    /** Hands out every complete line there is now; answers whether any bytes were read. */
    boolean readAvailable(Sink sink) throws IOException {
      boolean read = false;
      while (true) {
        buffer.clear();
        int n = channel.read(buffer, position);
        if (n <= 0) {
          return read;
        }
        read = true;
        position += n;
        byte[] bytes = buffer.array();
        int start = 0;
        for (int i = 0; i < n; i++) {
          if (bytes[i] == '\n') {
            partial.write(bytes, start, i - start);
            emit(sink);
            start = i + 1;
          }
        }
        partial.write(bytes, start, n - start);
      }
    }

    /** Hands out a last line without newline. */
    void finish(Sink sink) {
      if (partial.size() > 0) {
        emit(sink);
      }
    }

    void restart() {
      position = 0;
      lineNumber = 0;
      partial.reset();
    }

    private void emit(Sink sink) {
      String line = partial.toString(StandardCharsets.UTF_8);
      partial.reset();
      sink.line(name, ++lineNumber, line);
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
