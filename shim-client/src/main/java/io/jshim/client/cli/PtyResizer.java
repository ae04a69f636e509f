package io.jshim.client.cli;

import io.jshim.client.ShimClient;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Gives a process's pty the size of the CLI's terminal: once after start and again on every {@code SIGWINCH}. A size
 * the terminal does not know, or the size sent last, is not sent.
 */
final class PtyResizer {
  /** Receives the sizes to send: the daemon's {@code ResizePty}, whose width is the columns and height the rows. */
  @FunctionalInterface
  interface Target {
    void resize(int columns, int rows);
  }

  private final Supplier<WindowSize> terminalSize;
  private final Target target;
  private WindowSize sent;

  PtyResizer(Supplier<WindowSize> terminalSize, Target target) {
    this.terminalSize = Objects.requireNonNull(terminalSize, "terminalSize");
    this.target = Objects.requireNonNull(target, "target");
  }

  /**
   * Reads the terminal's size and sends it if it is known and new.
   *
   * @return whether a size was sent
   */
  synchronized boolean update() {
    WindowSize size = terminalSize.get();
    if (size == null || !size.known() || size.equals(sent)) {
      return false;
    }
    int columns = Math.min(size.columns(), ShimClient.MAX_PTY_DIMENSION);
    int rows = Math.min(size.rows(), ShimClient.MAX_PTY_DIMENSION);
    target.resize(columns, rows);
    sent = size;
    return true;
  }
}
