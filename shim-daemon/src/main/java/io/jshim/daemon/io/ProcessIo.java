package io.jshim.daemon.io;

import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.sys.Posix;
import io.jshim.daemon.sys.SysException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything about one process's stdio: the three fds it is spawned with, the pumps that copy its streams on the
 * {@link IoLoop}, its console, and the end of its input. Thread-safe.
 *
 * <p>What gets copied, and what goes straight to the process:
 * <ul>
 *   <li>Without terminal and log, stdout and stderr go straight to their FIFO (opened blocking for the process,
 *       plus an extra read handle kept by the daemon), file or /dev/null. With a log, each gets a pipe pumped to
 *       its target and to the {@link LogSink}.
 *   <li>Stdin that is a file or empty goes straight to the process. A stdin FIFO is pumped into a pipe whose
 *       read end is the process's fd 0; the first end of file on the FIFO (a writer came and went) or
 *       {@link #closeStdin()} closes the pipe: end of file for the process.
 *   <li>With a terminal, fds 0, 1 and 2 are /dev/null (the workload puts the pty slave there) and
 *       {@link #attachConsole} pumps the master to stdout's target (and the log, as stdout) and stdin's target to
 *       the master. Stderr is not used, as in containerd.
 * </ul>
 * Each pump holds one fixed buffer: at most 32 + 32 + 16 KiB per process.
 */
public final class ProcessIo implements AutoCloseable {
  static final int OUTPUT_BUFFER = 32 * 1024;
  static final int INPUT_BUFFER = 16 * 1024;
  /** ^D, VEOF of a new pty: end of input for a reader in canonical mode. */
  private static final byte VEOF = 4;
  private static final int FIRST_FREE_FD = 3;
  private static final Logger log = LoggerFactory.getLogger(ProcessIo.class);

  private final IoLoop loop;
  private final Posix posix;
  private final boolean terminal;
  private final Optional<LogSink> logSink;

  // all guarded by this
  private final int[] childFds = {-1, -1, -1};
  private final List<Integer> keepFds = new ArrayList<>();
  private final List<Pump> pendingOutputs = new ArrayList<>();
  private final List<Pump> outputs = new ArrayList<>();
  private Pump stdinPump;
  private boolean stdinIsFifo;
  private Optional<Sink> consoleOut = Optional.empty();
  private int consoleIn = -1;
  private boolean consoleInPollable;
  private int console = -1;
  private boolean spawned;
  private boolean stdinClosed;
  private boolean closed;

  private ProcessIo(IoLoop loop, Posix posix, boolean terminal, Optional<LogSink> logSink) {
    this.loop = loop;
    this.posix = posix;
    this.terminal = terminal;
    this.logSink = logSink;
  }

  /**
   * {@link #open(StdioPaths, boolean, Optional, IoLoop, Posix)} with the loop's own {@link Posix}: for callers
   * that must not see {@code sys} (the task domain).
   */
  public static ProcessIo open(StdioPaths paths, boolean terminal, Optional<LogSink> log, IoLoop loop) {
    return open(paths, terminal, log, loop, loop.posix());
  }

  /**
   * Opens the stdio of one process. Never blocks: FIFOs are opened non-blocking whether or not their client has
   * opened its end yet.
   *
   * @param paths each empty (/dev/null), {@code /abs/path} or {@code file:///abs/path}: a FIFO or other
   *     non-regular file is treated as a FIFO, anything else as a regular file (output: appended to, created
   *     0640; stdin: read)
   * @throws ShimException INVALID_ARGUMENT naming the stream for binary://, relative paths and failed opens
   */
  public static ProcessIo open(StdioPaths paths, boolean terminal, Optional<LogSink> log, IoLoop loop, Posix posix) {
    Objects.requireNonNull(paths, "paths");
    StdioTarget stdin = StdioTarget.parse("stdin", paths.stdin());
    StdioTarget stdout = StdioTarget.parse("stdout", paths.stdout());
    StdioTarget stderr = StdioTarget.parse("stderr", paths.stderr());
    ProcessIo io = new ProcessIo(Objects.requireNonNull(loop, "loop"), Objects.requireNonNull(posix, "posix"),
        terminal, Objects.requireNonNull(log, "log"));
    try {
      synchronized (io) {
        TargetOpener opener = new TargetOpener(posix, io.keepFds::add);
        io.openStdin(stdin, opener);
        io.openOutput(StreamName.STDOUT, stdout, opener);
        io.openOutput(StreamName.STDERR, stderr, opener);
      }
      return io;
    } catch (RuntimeException e) {
      io.close();
      throw e;
    }
  }

  /**
   * The fds that become the process's 0, 1 and 2. They stay owned by this object; hand them to the spawn, then
   * call {@link #spawned()}.
   */
  public synchronized int[] childFds() {
    if (spawned || closed) {
      throw new IllegalStateException("the child fds are closed once the process is spawned or its I/O closed");
    }
    return childFds.clone();
  }

  /**
   * The process has its copies of the child fds: closes the daemon's (so that end of file reaches the readers)
   * and starts the pumps. Idempotent.
   */
  public void spawned() {
    List<Pump> start = new ArrayList<>();
    synchronized (this) {
      if (spawned || closed) {
        return;
      }
      spawned = true;
      closeChildFds();
      start.addAll(pendingOutputs);
      outputs.addAll(pendingOutputs);
      pendingOutputs.clear();
      if (stdinPump != null) {
        start.add(stdinPump);
      }
    }
    loop.execute(() -> start.forEach(Pump::start));
  }

  /**
   * Takes ownership of the process's pty master and starts copying it to stdout's target (and the log) and
   * stdin's target to it.
   *
   * @throws ShimException FAILED_PRECONDITION without a terminal, with a console already attached, or after
   *     {@link #close()}; the fd is closed then too
   */
  public void attachConsole(int masterFd) {
    List<Pump> start = new ArrayList<>();
    boolean eof;
    synchronized (this) {
      String problem = !terminal ? "the process has no terminal (expected: a process created with terminal set)"
          : closed ? "its I/O is closed" : console >= 0 ? "a console is attached already" : null;
      if (problem != null) {
        posix.closeQuietly(masterFd);
        throw ShimException.failedPrecondition("cannot attach a console: " + problem);
      }
      console = masterFd;
      posix.setNonBlocking(masterFd, true);
      List<Sink> sinks = new ArrayList<>();
      consoleOut.ifPresent(sinks::add);
      consoleOut = Optional.empty();
      logSink.ifPresent(l -> sinks.add(new Sink.Log(l, StreamName.STDOUT)));
      Pump out = new Pump("console", loop, posix, posix.dupAtLeast(masterFd, FIRST_FREE_FD), true, sinks,
          OUTPUT_BUFFER);
      outputs.add(out);
      start.add(out);
      if (consoleIn >= 0) {
        int in = consoleIn;
        consoleIn = -1;
        int writeFd;
        try {
          writeFd = posix.dupAtLeast(masterFd, FIRST_FREE_FD);
        } catch (RuntimeException e) {
          posix.closeQuietly(in);
          throw e;
        }
        stdinPump = new Pump("stdin", loop, posix, in, consoleInPollable,
            List.of(new Sink.Stream(posix, writeFd, "the console")), INPUT_BUFFER);
        start.add(stdinPump);
      }
      eof = stdinClosed;
    }
    loop.execute(() -> {
      start.forEach(Pump::start);
      if (eof) {
        sendEof();
      }
    });
  }

  /**
   * Resizes the console: {@code cols} wide, {@code rows} high (containerd's ResizePty width and height).
   *
   * @throws ShimException FAILED_PRECONDITION without a terminal or before {@link #attachConsole}
   */
  public synchronized void resize(int cols, int rows) {
    if (!terminal) {
      throw ShimException.failedPrecondition(
          "cannot resize: the process has no terminal (expected: a process created with terminal set)");
    }
    if (closed) {
      throw ShimException.failedPrecondition("cannot resize: the process's I/O is closed");
    }
    if (console < 0) {
      throw ShimException.failedPrecondition("cannot resize: the process's console is not attached yet");
    }
    if (cols < 0 || cols > 0xffff || rows < 0 || rows > 0xffff) {
      throw ShimException.invalidArgument(
          "console size: width " + cols + ", height " + rows + " (expected: 0..65535 each)");
    }
    posix.setWindowSize(console, rows, cols);
  }

  /**
   * End of input for the process, while the stdin FIFO's writer may stay open: copies what the FIFO holds now,
   * then stops copying stdin and closes the process's stdin pipe, or with a terminal writes ^D (VEOF) to the
   * console. Idempotent; does nothing when stdin is not a FIFO.
   */
  public void closeStdin() {
    Pump pump;
    boolean eof;
    synchronized (this) {
      if (!stdinIsFifo || stdinClosed || closed) {
        return;
      }
      stdinClosed = true;
      pump = stdinPump;
      stdinPump = null;
      posix.closeQuietly(consoleIn);
      consoleIn = -1;
      eof = terminal && console >= 0;
    }
    loop.execute(() -> {
      if (pump == null) {
        if (eof) {
          sendEof();
        }
        return;
      }
      // the client wrote its last bytes just before asking: they go in before the end of input
      pump.finishWhenEmpty();
      if (eof) {
        pump.done().thenRun(() -> loop.execute(this::sendEof));
      }
    });
  }


  /**
   * Completes when every output pump has reached end of file and handed its last byte to its sinks, or when no
   * byte has moved on any of them for {@code idle} (counted from this call at the earliest): a background process
   * may hold the output open forever, or nobody may read a full FIFO. Completes at once when nothing is pumped.
   * Completes on a pool thread, never on the I/O thread.
   */
  public CompletableFuture<Void> drained(Duration idle) {
    Objects.requireNonNull(idle, "idle");
    List<Pump> pumps;
    synchronized (this) {
      pumps = List.copyOf(outputs);
    }
    return Drain.await(loop, pumps, idle);
  }

  /** Stops every pump and closes every fd, the extra FIFO read handles and the console included; idempotent. */
  @Override
  public void close() {
    List<Pump> pumps = new ArrayList<>();
    List<Integer> fds = new ArrayList<>();
    Optional<Sink> unusedSink;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      pumps.addAll(pendingOutputs);
      pumps.addAll(outputs);
      if (stdinPump != null) {
        pumps.add(stdinPump);
      }
      closeChildFds();
      fds.addAll(keepFds);
      fds.add(consoleIn);
      fds.add(console);
      unusedSink = consoleOut;
    }
    try {
      loop.submit(() -> pumps.forEach(Pump::stop)).join();
    } catch (CompletionException e) {
      log.warn("stopping the pumps failed: {}", e.getCause().toString(), e.getCause());
    }
    // the extra read handles last: a reader that is still attached gets what the pumps handed over
    unusedSink.ifPresent(Sink::close);
    fds.forEach(posix::closeQuietly);
  }

  /** Every output pump, started or not, for tests. */
  synchronized List<Pump> outputPumps() {
    List<Pump> all = new ArrayList<>(outputs);
    all.addAll(pendingOutputs);
    return all;
  }

  /** The stdin pump, if stdin is being copied, for tests. */
  synchronized Optional<Pump> stdinPump() {
    return Optional.ofNullable(stdinPump);
  }

  private void openStdin(StdioTarget target, TargetOpener opener) {
    if (terminal) {
      childFds[0] = opener.devNull();
      if (target instanceof StdioTarget.RegularFile file) {
        consoleIn = opener.inputFile(file.path());
      } else if (target instanceof StdioTarget.Fifo fifo) {
        consoleIn = opener.inputFifo(fifo.path());
        consoleInPollable = true;
        stdinIsFifo = true;
      }
    } else if (target instanceof StdioTarget.RegularFile file) {
      childFds[0] = opener.inputFile(file.path());
    } else if (target instanceof StdioTarget.Fifo fifo) {
      int source = opener.inputFifo(fifo.path());
      int[] pipe;
      try {
        pipe = posix.pipe();
      } catch (RuntimeException e) {
        posix.closeQuietly(source);
        throw e;
      }
      childFds[0] = pipe[0];
      try {
        posix.setNonBlocking(pipe[1], true);
      } catch (RuntimeException e) {
        posix.closeQuietly(source);
        posix.closeQuietly(pipe[1]);
        throw e;
      }
      stdinPump = new Pump("stdin", loop, posix, source, true,
          List.of(new Sink.Stream(posix, pipe[1], "the process's stdin pipe")), INPUT_BUFFER);
      stdinIsFifo = true;
    } else {
      childFds[0] = opener.devNull();
    }
  }

  private void openOutput(StreamName stream, StdioTarget target, TargetOpener opener) {
    int index = stream == StreamName.STDOUT ? 1 : 2;
    if (terminal) {
      childFds[index] = opener.devNull();
      if (stream == StreamName.STDOUT) {
        consoleOut = opener.outputSink(stream, target);
      }
      return;
    }
    if (logSink.isEmpty()) {
      childFds[index] = opener.outputForProcess(stream, target);
      return;
    }
    int[] pipe = posix.pipe();
    childFds[index] = pipe[1];
    try {
      posix.setNonBlocking(pipe[0], true);
      List<Sink> sinks = new ArrayList<>(2);
      opener.outputSink(stream, target).ifPresent(sinks::add);
      sinks.add(new Sink.Log(logSink.get(), stream));
      pendingOutputs.add(new Pump(stream.criName(), loop, posix, pipe[0], true, sinks, OUTPUT_BUFFER));
    } catch (RuntimeException e) {
      posix.closeQuietly(pipe[0]);
      throw e;
    }
  }

  private void closeChildFds() {
    for (int i = 0; i < childFds.length; i++) {
      posix.closeQuietly(childFds[i]);
      childFds[i] = -1;
    }
  }

  /** Loop thread. */
  private void sendEof() {
    synchronized (this) {
      if (closed || console < 0) {
        return;
      }
      try {
        if (posix.writeNonBlocking(console, new byte[] {VEOF}, 0, 1) < 0) {
          log.warn("console input is full: end of input (^D) not delivered");
        }
      } catch (SysException e) {
        log.warn("console: end of input (^D) not delivered: {}", e.getMessage());
      }
    }
  }
}
