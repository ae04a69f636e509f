package io.jshim.client.cli;

import io.jshim.client.ShimClient;
import io.jshim.client.ShimClientException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Optional;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The stdio of one process that {@code run} or {@code exec} attaches to the CLI, in one of three shapes:
 * <ul>
 *   <li>plain: stdout and stderr as {@link RunStdio} plans them, stdin {@code /dev/null};
 *   <li>interactive ({@code -i}): the same, plus a stdin FIFO that the CLI's stdin is copied into;
 *   <li>terminal ({@code -t}): a stdin FIFO fed from the raw terminal and a stdout FIFO copied to it (the process's
 *       pty carries stdout and stderr), the pty's size following the terminal's.
 * </ul>
 * The FIFOs live in a private temporary directory. The CLI opens its end of each before the daemon opens the other
 * (at Create or Exec) and in read-write mode, so neither side blocks in {@code open}; at the end of the CLI's input the
 * stdin FIFO is closed and the process's stdin closed with {@code CloseIO}.
 */
final class ProcessStdio implements AutoCloseable {
  private final PrivateTempDir dir;
  private final RunStdio output;
  private final RunStdio.Relay terminalOutput;
  private final FileChannel stdinFifo;
  private final Path stdinPath;
  private final InputStream stdinSource;
  private final TerminalSession session;
  private StdinRelay stdinRelay;
  /** The last resize sent; only assigned inside {@link PtyResizer#update()}, which is synchronized. */
  private CompletableFuture<Void> resizes = CompletableFuture.completedFuture(null);

  private ProcessStdio(PrivateTempDir dir, RunStdio output, RunStdio.Relay terminalOutput, FileChannel stdinFifo,
      Path stdinPath, InputStream stdinSource, TerminalSession session) {
    this.dir = dir;
    this.output = output;
    this.terminalOutput = terminalOutput;
    this.stdinFifo = stdinFifo;
    this.stdinPath = stdinPath;
    this.stdinSource = stdinSource;
    this.session = session;
  }

  /**
   * Plans stdio without a terminal.
   *
   * @param interactive whether to pass the CLI's stdin to the process
   * @param stdin the CLI's stdin; read only if {@code interactive}
   * @return the plan; close it when the process is gone
   * @throws IOException if a FIFO cannot be made
   */
  static ProcessStdio plain(boolean interactive, InputStream stdin) throws IOException {
    RunStdio output = RunStdio.forThisProcess();
    if (!interactive) {
      return new ProcessStdio(null, output, null, null, null, null, null);
    }
    PrivateTempDir dir = null;
    try {
      dir = PrivateTempDir.create("jshim-stdin-");
      Path fifo = dir.path().resolve("stdin");
      return new ProcessStdio(dir, output, null, openStdinFifo(fifo), fifo, stdin, null);
    } catch (IOException | RuntimeException e) {
      output.close();
      if (dir != null) {
        dir.close();
      }
      throw e;
    }
  }

  /**
   * Plans stdio for a process with a pty attached to {@code session}.
   *
   * @param session the CLI's terminal in raw mode; closed with this plan, also if this method fails
   * @return the plan; close it when the process is gone
   * @throws IOException if a FIFO cannot be made
   */
  static ProcessStdio terminal(TerminalSession session) throws IOException {
    PrivateTempDir dir = null;
    FileChannel stdin = null;
    try {
      dir = PrivateTempDir.create("jshim-tty-");
      Path stdinPath = dir.path().resolve("stdin");
      stdin = openStdinFifo(stdinPath);
      Path stdoutPath = dir.path().resolve("stdout");
      RunStdio.mkfifo(stdoutPath);
      RunStdio.Relay out = RunStdio.Relay.start(stdoutPath, session.output());
      return new ProcessStdio(dir, null, out, stdin, stdinPath, session.input(), session);
    } catch (IOException | RuntimeException e) {
      closeQuietly(stdin);
      if (dir != null) {
        dir.close();
      }
      session.close();
      throw e;
    }
  }

  /** Makes the FIFO and opens it read-write: that never blocks, and the daemon's read-only open finds a writer. */
  private static FileChannel openStdinFifo(Path fifo) throws IOException {
    RunStdio.mkfifo(fifo);
    return new RandomAccessFile(fifo.toFile(), "rw").getChannel();
  }

  boolean terminal() {
    return session != null;
  }

  /** The CLI's terminal size, when attached to a terminal that knows one (a 0x0 size counts as unknown). */
  Optional<WindowSize> windowSize() {
    if (session == null) {
      return Optional.empty();
    }
    WindowSize size = session.size();
    return size.known() ? Optional.of(size) : Optional.empty();
  }

  String stdin() {
    return stdinPath == null ? "" : stdinPath.toString();
  }

  String stdout() {
    return output != null ? output.stdout() : terminalOutput.fifo().toString();
  }

  /** With a terminal, empty: the pty carries stderr with stdout. */
  String stderr() {
    return output != null ? output.stderr() : "";
  }

  /**
   * Starts relaying once the daemon has opened its ends (after {@code start}): drops the CLI's own holds on the
   * output FIFOs, starts copying stdin, and with a terminal sends its size now and on every change.
   *
   * @param client the daemon the process runs under
   * @param id the task id
   * @param execId the exec id, empty for the task's init process
   * @param err where to report failures of those calls
   */
  void started(ShimClient client, String id, String execId, PrintWriter err) {
    if (output != null) {
      output.started();
    }
    if (terminalOutput != null) {
      terminalOutput.release();
    }
    if (session != null) {
      PtyResizer resizer = new PtyResizer(session::size, (columns, rows) -> {
        // Each resize waits for the one before: two calls in flight could reach the daemon in either order and
        // leave the pty with the older size.
        resizes = resizes.exceptionally(error -> null)
            .thenCompose(ignored -> client.io().resizePtyAsync(id, execId, columns, rows))
            .whenComplete((ignored, error) -> {
              if (error != null && !processGone(error)) {
                report(err, "cannot resize the terminal", error);
              }
            });
      });
      // The handler goes in before the first size is read, so a resize in between is not missed.
      session.onResize(resizer::update);
      resizer.update();
    }
    if (stdinFifo != null) {
      stdinRelay = StdinRelay.start(stdinSource, stdinFifo, () -> {
        try {
          client.io().closeStdin(id, execId);
        } catch (ShimClientException e) {
          if (!processGone(e)) {
            report(err, "cannot close the container's stdin", e);
          }
        }
      });
    }
  }

  /**
   * After the process has exited: stops copying stdin and waits until the output relays have copied everything, at
   * most {@code timeout}.
   *
   * @param timeout how long to wait in all
   * @throws InterruptedException if interrupted while waiting
   */
  void drain(Duration timeout) throws InterruptedException {
    if (stdinRelay != null) {
      stdinRelay.stop();
    }
    if (output != null) {
      output.drain(timeout);
    }
    if (terminalOutput != null) {
      terminalOutput.release();
      terminalOutput.await(timeout);
    }
  }

  /** Stops the relays, restores the terminal and removes the FIFOs. */
  @Override
  public void close() {
    if (stdinRelay != null) {
      stdinRelay.stop();
    }
    closeQuietly(stdinFifo);
    if (terminalOutput != null) {
      terminalOutput.release();
    }
    if (output != null) {
      output.close();
    }
    if (session != null) {
      session.close();
    }
    if (dir != null) {
      dir.close();
    }
  }

  /** A process that has exited (or was deleted) answers NOT_FOUND or FAILED_PRECONDITION: nothing to report. */
  private static boolean processGone(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
    return cause instanceof ShimClientException e
        && (e.kind() == ShimClientException.Kind.NOT_FOUND
            || e.kind() == ShimClientException.Kind.FAILED_PRECONDITION);
  }

  private static void report(PrintWriter err, String what, Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
    // With a terminal in raw mode a newline does not return the carriage: begin and end the line explicitly.
    err.print("\rjshimctl: " + what + ": " + JshimCtl.describe(cause) + "\r\n");
    err.flush();
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      // Closing a FIFO does not fail in a way that matters here.
    }
  }
}
