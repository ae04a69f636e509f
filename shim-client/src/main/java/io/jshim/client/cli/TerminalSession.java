package io.jshim.client.cli;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.EnumSet;
import org.jline.terminal.Attributes;
import org.jline.terminal.Attributes.ControlChar;
import org.jline.terminal.Attributes.ControlFlag;
import org.jline.terminal.Attributes.InputFlag;
import org.jline.terminal.Attributes.LocalFlag;
import org.jline.terminal.Attributes.OutputFlag;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The CLI's terminal while a container's pty is attached to it ({@code run -t}, {@code exec -t}), through JLine: raw
 * mode from {@link #attach} until {@link #close()}, which restores the terminal's settings. In raw mode nothing is
 * echoed or edited locally and Ctrl-C, Ctrl-Z, Ctrl-\ are bytes for the container, as with {@code ctr run -t}. JLine
 * also restores the settings from a shutdown hook if the JVM exits without closing the session.
 */
final class TerminalSession implements AutoCloseable {
  private final Terminal terminal;
  private final Attributes original;
  private final InputStream input;
  private final OutputStream output;
  private boolean closed;

  private TerminalSession(Terminal terminal, Attributes original, InputStream input, OutputStream output) {
    this.terminal = terminal;
    this.original = original;
    this.input = input;
    this.output = output;
  }

  /**
   * Attaches to this process's own terminal: its stdin must be a terminal, and its stdout or stderr (the window size
   * is read from it). The container's output goes to stdout.
   *
   * <p>JLine's {@code exec} provider is used, which changes the settings with {@code stty}: the native providers of
   * JLine 3.30 set them from a zeroed {@code termios}, which loses the line speed (the terminal says
   * {@code speed 0 baud} afterwards, and a serial console stops working; jline3 issue 2170). The input is read from
   * fd 0 directly: JLine's own input stream would switch the terminal to polling reads ({@code VMIN=0, VTIME=1}).
   *
   * @return the session, in raw mode
   * @throws IOException if stdin is not a terminal
   */
  static TerminalSession openSystem() throws IOException {
    Terminal terminal;
    try {
      terminal = TerminalBuilder.builder()
          .system(true)
          .provider("exec")
          .dumb(false)
          // JLine would otherwise reset SIGINT and friends to their defaults, undoing the SignalForwarder.
          .nativeSignals(false)
          .systemOutput(TerminalBuilder.SystemOutput.SysOutOrSysErr)
          .build();
    } catch (IllegalStateException | IOException e) {
      throw new IOException("-t: stdin is not a terminal (expected: a terminal to attach the container's pty to; "
          + "use -i without -t to pass stdin through)", e);
    }
    return attach(terminal, new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out));
  }

  /**
   * Attaches to {@code terminal}, reading keys from its own input stream.
   *
   * @param terminal the terminal to attach to; the session closes it
   * @param output where the container's output goes
   * @return the session, in raw mode
   */
  static TerminalSession attach(Terminal terminal, OutputStream output) {
    return attach(terminal, terminal.input(), output);
  }

  /**
   * Puts {@code terminal} into raw mode and resumes its input if it was built paused (an external terminal whose
   * input pump would otherwise echo what arrives before raw mode).
   *
   * @param terminal the terminal to attach to; the session closes it
   * @param input where the keys come from
   * @param output where the container's output goes
   * @return the session, in raw mode
   */
  static TerminalSession attach(Terminal terminal, InputStream input, OutputStream output) {
    Attributes original = terminal.getAttributes();
    terminal.setAttributes(raw(original));
    if (terminal.paused()) {
      terminal.resume();
    }
    return new TerminalSession(terminal, original, input, output);
  }

  /**
   * The raw mode of {@code cfmakeraw(3)}, which docker and containerd's {@code ctr} use for an attached terminal:
   * no input translation or flow control, no output processing, no echo, no line editing, no signal characters,
   * 8-bit characters, and a read returns as soon as one byte is there.
   *
   * @param original the terminal's settings
   * @return a copy of them in raw mode
   */
  static Attributes raw(Attributes original) {
    Attributes raw = new Attributes(original);
    raw.setInputFlags(EnumSet.of(InputFlag.IGNBRK, InputFlag.BRKINT, InputFlag.PARMRK, InputFlag.ISTRIP,
        InputFlag.INLCR, InputFlag.IGNCR, InputFlag.ICRNL, InputFlag.IXON), false);
    raw.setOutputFlag(OutputFlag.OPOST, false);
    raw.setLocalFlags(EnumSet.of(LocalFlag.ECHO, LocalFlag.ECHONL, LocalFlag.ICANON, LocalFlag.ISIG,
        LocalFlag.IEXTEN), false);
    raw.setControlFlag(ControlFlag.PARENB, false);
    raw.setControlFlag(ControlFlag.CS8, true);
    raw.setControlChar(ControlChar.VMIN, 1);
    raw.setControlChar(ControlChar.VTIME, 0);
    return raw;
  }

  /**
   * The terminal's input, raw.
   *
   * @return the input stream
   */
  InputStream input() {
    return input;
  }

  /**
   * Where the container's output goes.
   *
   * @return the output stream
   */
  OutputStream output() {
    return output;
  }

  /**
   * The terminal's current window size.
   *
   * @return columns and rows, 0 where the terminal does not know
   */
  WindowSize size() {
    Size size = terminal.getSize();
    return new WindowSize(size.getColumns(), size.getRows());
  }

  /**
   * Runs {@code action} on every window size change ({@code SIGWINCH}) until {@link #close()}.
   *
   * @param action what to do; runs on a signal thread, so it must not block for long
   */
  void onResize(Runnable action) {
    terminal.handle(Terminal.Signal.WINCH, signal -> action.run());
  }

  /** Restores the terminal's settings and releases it; a second call does nothing. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      terminal.handle(Terminal.Signal.WINCH, Terminal.SignalHandler.SIG_DFL);
      output.flush();
    } catch (IOException | RuntimeException e) {
      // Restoring the settings below matters more.
    }
    try {
      terminal.setAttributes(original);
    } finally {
      try {
        terminal.close();
      } catch (IOException e) {
        // The settings are restored; nothing else is left to release.
      }
    }
  }
}
