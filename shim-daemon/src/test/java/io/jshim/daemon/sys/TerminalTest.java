package io.jshim.daemon.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TerminalTest {
  private final Posix posix = JnrPosix.load();
  private final TestSys.Pty pty = TestSys.openPty(posix);

  @AfterEach
  void close() {
    posix.closeQuietly(pty.master());
    posix.closeQuietly(pty.slave());
  }

  @Test
  void setWindowSize_onTheMaster_isSeenOnTheSlave() {
    posix.setWindowSize(pty.master(), 40, 132);

    assertThat(TestSys.windowSize(pty.slave())).containsExactly(40, 132);
  }

  @Test
  void readNonBlocking_masterAfterTheSlaveClosed_returnsZero() {
    posix.setNonBlocking(pty.master(), true);
    posix.write(pty.slave(), "bye\n".getBytes(StandardCharsets.US_ASCII));
    posix.close(pty.slave());
    byte[] buf = new byte[64];

    StringBuilder got = new StringBuilder();
    int n;
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while ((n = posix.readNonBlocking(pty.master(), buf, 0, buf.length)) != 0 && System.nanoTime() < deadline) {
      if (n > 0) {
        got.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
      }
    }

    assertThat(n).isZero();
    assertThat(got.toString()).isEqualTo("bye\r\n");
  }

  @Test
  void openPty_bothEnds_areCloseOnExec() {
    assertThat(TestSys.isCloseOnExec(pty.master())).isTrue();
    assertThat(TestSys.isCloseOnExec(pty.slave())).isTrue();
  }
}
