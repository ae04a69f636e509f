package io.jshim.daemon.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReceiveTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final Posix posix = JnrPosix.load();
  private final int[] sockets = posix.socketPair();
  private final int[] pipe = posix.pipe();

  @AfterEach
  void close() {
    for (int fd : new int[] {sockets[0], sockets[1], pipe[0], pipe[1]}) {
      posix.closeQuietly(fd);
    }
  }

  @Test
  void receive_recordWithAnFd_returnsBytesAndACloseOnExecFd() {
    byte[] header = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    TestSys.sendFds(sockets[1], header, pipe[1]);
    byte[] buf = new byte[16];

    Received received = posix.receive(sockets[0], buf, 0, 16, TIMEOUT);

    assertThat(received.length()).isEqualTo(16);
    assertThat(buf).isEqualTo(header);
    int fd = received.fd().orElseThrow();
    try {
      assertThat(TestSys.isCloseOnExec(fd)).isTrue();
      posix.write(fd, new byte[] {42});
      byte[] one = new byte[1];
      assertThat(posix.read(pipe[0], one, 0, 1, TIMEOUT)).isEqualTo(1);
      assertThat(one[0]).isEqualTo((byte) 42);
    } finally {
      posix.close(fd);
    }
  }

  @Test
  void receive_withOffset_fillsOnlyThatRange() {
    TestSys.sendFds(sockets[1], "abc".getBytes(StandardCharsets.US_ASCII));
    byte[] buf = "......".getBytes(StandardCharsets.US_ASCII);

    Received received = posix.receive(sockets[0], buf, 2, 3, TIMEOUT);

    assertThat(received.length()).isEqualTo(3);
    assertThat(received.fd()).isEmpty();
    assertThat(new String(buf, StandardCharsets.US_ASCII)).isEqualTo("..abc.");
  }

  @Test
  void receive_twoFds_keepsTheFirstAndClosesTheSecond() throws Exception {
    int[] other = posix.pipe();
    try {
      TestSys.sendFds(sockets[1], new byte[] {1}, pipe[0], other[0]);
      posix.close(other[0]);

      Received received = posix.receive(sockets[0], new byte[1], 0, 1, TIMEOUT);

      int fd = received.fd().orElseThrow();
      posix.close(fd);
      // the write end sees EPIPE only when every read end, including the one received, is closed
      assertThatThrownBy(() -> posix.writeNonBlocking(other[1], new byte[1], 0, 1))
          .isInstanceOfSatisfying(SysException.class, e -> assertThat(e.errno()).isEqualTo(Errnos.EPIPE));
    } finally {
      posix.closeQuietly(other[0]);
      posix.closeQuietly(other[1]);
    }
  }

  @Test
  void receive_headerInPieces_deliversTheFdWithTheFirstPiece() {
    TestSys.sendFds(sockets[1], "0123456789abcdef".getBytes(StandardCharsets.US_ASCII), pipe[1]);
    byte[] buf = new byte[16];

    Received first = posix.receive(sockets[0], buf, 0, 4, TIMEOUT);
    Received rest = posix.receive(sockets[0], buf, 4, 12, TIMEOUT);

    assertThat(first.length()).isEqualTo(4);
    assertThat(first.fd()).isPresent();
    posix.close(first.fd().getAsInt());
    assertThat(rest.length()).isEqualTo(12);
    assertThat(rest.fd()).isEmpty();
    assertThat(new String(buf, StandardCharsets.US_ASCII)).isEqualTo("0123456789abcdef");
  }

  @Test
  void receive_peerClosed_returnsZeroWithoutFd() {
    posix.close(sockets[1]);

    Received received = posix.receive(sockets[0], new byte[4], 0, 4, TIMEOUT);

    assertThat(received).isEqualTo(new Received(0, java.util.OptionalInt.empty()));
  }

  @Test
  void receive_nothingSent_throwsEagainAfterTheTimeout() {
    assertThatThrownBy(() -> posix.receive(sockets[0], new byte[4], 0, 4, Duration.ofMillis(50)))
        .isInstanceOfSatisfying(SysException.class, e -> assertThat(e.errno()).isEqualTo(Errnos.EAGAIN));
  }
}
