package io.jshim.daemon.io;

import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.sys.Posix;
import io.jshim.daemon.sys.SysException;
import java.util.Optional;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/** Opens the fds a {@link StdioTarget} stands for; a failed open is INVALID_ARGUMENT naming the stream. */
final class TargetOpener {
  private static final String DEV_NULL = "/dev/null";
  private static final String READABLE_FILE = "a FIFO, or a regular file the daemon can read";
  private static final String WRITABLE_FILE = "a FIFO, or a regular file the daemon can create or append to";

  private final Posix posix;
  private final IntConsumer keepFds;

  /** @param keepFds takes the extra read handle of every output FIFO opened, to be closed with the process */
  TargetOpener(Posix posix, IntConsumer keepFds) {
    this.posix = posix;
    this.keepFds = keepFds;
  }

  int devNull() {
    return posix.open(DEV_NULL, Posix.O_RDWR, 0);
  }

  /** A stdin file, read-only and blocking. */
  int inputFile(String path) {
    return opening("stdin", path, READABLE_FILE, () -> posix.open(path, Posix.O_RDONLY, 0));
  }

  /** A stdin FIFO, read-only and non-blocking. */
  int inputFifo(String path) {
    return opening("stdin", path, "a FIFO the daemon can open for reading", () -> FifoOpener.openInput(posix, path));
  }

  /** An output fd for the process itself: blocking. */
  int outputForProcess(StreamName stream, StdioTarget target) {
    if (target instanceof StdioTarget.RegularFile file) {
      return append(stream, file.path());
    }
    if (target instanceof StdioTarget.Fifo fifo) {
      return outputFifo(stream, fifo.path(), true);
    }
    return devNull();
  }

  /** An output for a pump; empty for /dev/null. */
  Optional<Sink> outputSink(StreamName stream, StdioTarget target) {
    if (target instanceof StdioTarget.RegularFile file) {
      return Optional.of(new Sink.RegularFile(posix, append(stream, file.path()), file.path()));
    }
    if (target instanceof StdioTarget.Fifo fifo) {
      return Optional.of(new Sink.Stream(posix, outputFifo(stream, fifo.path(), false), "FIFO " + fifo.path()));
    }
    return Optional.empty();
  }

  private int append(StreamName stream, String path) {
    return opening(stream.criName(), path, WRITABLE_FILE,
        () -> posix.open(path, Posix.O_WRONLY | Posix.O_CREAT | Posix.O_APPEND, 0640));
  }

  private int outputFifo(StreamName stream, String path, boolean blocking) {
    FifoOpener.OutputFifo fifo = opening(stream.criName(), path, "a FIFO the daemon can open for reading and writing",
        () -> FifoOpener.openOutput(posix, path, blocking));
    keepFds.accept(fifo.keepFd());
    return fifo.writeFd();
  }

  private static <T> T opening(String stream, String path, String expected, Supplier<T> open) {
    try {
      return open.get();
    } catch (SysException e) {
      throw ShimException.invalidArgument(
          "cannot open " + stream + " " + path + ": " + e.getMessage() + " (expected: " + expected + ")", e);
    }
  }
}
