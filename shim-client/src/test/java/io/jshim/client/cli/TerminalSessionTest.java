package io.jshim.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.jline.terminal.Attributes;
import org.jline.terminal.Attributes.ControlChar;
import org.jline.terminal.Attributes.ControlFlag;
import org.jline.terminal.Attributes.InputFlag;
import org.jline.terminal.Attributes.LocalFlag;
import org.jline.terminal.Attributes.OutputFlag;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.ExternalTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The JLine side that can be checked without a real terminal: the raw settings, and attach/resize/restore on an
 * external (in-memory) terminal. Raw mode on a real tty is not tested here.
 */
@Timeout(10)
class TerminalSessionTest {

  /**
   * A terminal whose keys the test types and whose screen it reads, with JLine's line discipline in memory (no pty,
   * so its settings can still be read after close); paused until attached, as the CLI expects.
   */
  static Terminal externalTerminal(PipedInputStream keys, ByteArrayOutputStream screen) throws IOException {
    return new ExternalTerminal(null, "test", "xterm", keys, screen, StandardCharsets.UTF_8,
        Terminal.SignalHandler.SIG_DFL, true, null, new Size(80, 24));
  }

  @Test
  void raw_cookedSettings_turnsOffEchoLineEditingSignalsAndOutputProcessing() {
    Attributes cooked = new Attributes();
    cooked.setLocalFlags(EnumSet.of(LocalFlag.ECHO, LocalFlag.ICANON, LocalFlag.ISIG, LocalFlag.IEXTEN),
        true);
    cooked.setInputFlags(EnumSet.of(InputFlag.ICRNL, InputFlag.IXON, InputFlag.BRKINT), true);
    cooked.setOutputFlag(OutputFlag.OPOST, true);
    cooked.setControlFlag(ControlFlag.PARENB, true);
    cooked.setControlChar(ControlChar.VMIN, 0);
    cooked.setControlChar(ControlChar.VTIME, 5);
    cooked.setControlChar(ControlChar.VINTR, 3);

    Attributes raw = TerminalSession.raw(cooked);

    assertThat(raw.getLocalFlag(LocalFlag.ECHO)).isFalse();
    assertThat(raw.getLocalFlag(LocalFlag.ICANON)).isFalse();
    assertThat(raw.getLocalFlag(LocalFlag.ISIG)).as("Ctrl-C is a byte for the container").isFalse();
    assertThat(raw.getLocalFlag(LocalFlag.IEXTEN)).isFalse();
    assertThat(raw.getInputFlag(InputFlag.ICRNL)).isFalse();
    assertThat(raw.getInputFlag(InputFlag.IXON)).isFalse();
    assertThat(raw.getInputFlag(InputFlag.BRKINT)).isFalse();
    assertThat(raw.getOutputFlag(OutputFlag.OPOST)).isFalse();
    assertThat(raw.getControlFlag(ControlFlag.PARENB)).isFalse();
    assertThat(raw.getControlFlag(ControlFlag.CS8)).isTrue();
    assertThat(raw.getControlChar(ControlChar.VMIN)).isEqualTo(1);
    assertThat(raw.getControlChar(ControlChar.VTIME)).isZero();
    assertThat(raw.getControlChar(ControlChar.VINTR)).as("other settings kept").isEqualTo(3);
    assertThat(cooked.getLocalFlag(LocalFlag.ECHO)).as("the original is not changed").isTrue();
  }

  @Test
  void attachAndClose_externalTerminal_rawWhileAttachedRestoredAfter() throws IOException {
    PipedInputStream keys = new PipedInputStream();
    PipedOutputStream typing = new PipedOutputStream(keys);
    ByteArrayOutputStream screen = new ByteArrayOutputStream();
    Terminal terminal = externalTerminal(keys, screen);
    boolean echoBefore = terminal.getAttributes().getLocalFlag(LocalFlag.ECHO);

    TerminalSession session = TerminalSession.attach(terminal, screen);
    boolean echoWhileAttached = terminal.getAttributes().getLocalFlag(LocalFlag.ECHO);
    typing.write("ab\u0003".getBytes(StandardCharsets.UTF_8));
    typing.flush();
    byte[] read = new byte[3];
    int n = 0;
    while (n < 3) {
      n += session.input().read(read, n, 3 - n);
    }
    session.close();

    assertThat(echoBefore).isTrue();
    assertThat(echoWhileAttached).isFalse();
    assertThat(read).as("Ctrl-C arrives as byte 3").containsExactly('a', 'b', 3);
    assertThat(screen.size()).as("nothing echoed").isZero();
    assertThat(terminal.getAttributes().getLocalFlag(LocalFlag.ECHO)).isTrue();
    assertThat(terminal.getAttributes().getLocalFlag(LocalFlag.ICANON)).isTrue();
    typing.close();
  }

  @Test
  void sizeAndOnResize_followTheTerminal() throws IOException {
    PipedInputStream keys = new PipedInputStream();
    PipedOutputStream typing = new PipedOutputStream(keys);
    ByteArrayOutputStream screen = new ByteArrayOutputStream();
    Terminal terminal = externalTerminal(keys, screen);
    AtomicInteger resizes = new AtomicInteger();

    try (TerminalSession session = TerminalSession.attach(terminal, screen)) {
      assertThat(session.size()).isEqualTo(new WindowSize(80, 24));
      session.onResize(resizes::incrementAndGet);

      terminal.setSize(new Size(100, 30));
      terminal.raise(Terminal.Signal.WINCH);

      assertThat(resizes).hasValue(1);
      assertThat(session.size()).isEqualTo(new WindowSize(100, 30));
    }
    terminal.raise(Terminal.Signal.WINCH);
    assertThat(resizes).as("no handler after close").hasValue(1);
    typing.close();
  }

  @Test
  void close_twice_isHarmless() throws IOException {
    PipedInputStream keys = new PipedInputStream();
    PipedOutputStream typing = new PipedOutputStream(keys);
    Terminal terminal = externalTerminal(keys, new ByteArrayOutputStream());
    TerminalSession session = TerminalSession.attach(terminal, new ByteArrayOutputStream());

    session.close();
    session.close();

    assertThat(terminal.getAttributes().getLocalFlag(LocalFlag.ECHO)).isTrue();
    typing.close();
  }
}
