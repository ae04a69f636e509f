package io.jshim.daemon.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NonBlockingIoTest {
  private final Posix posix = JnrPosix.load();
  private int[] pipe = {-1, -1};

  @AfterEach
  void closePipe() {
    posix.closeQuietly(pipe[0]);
    posix.closeQuietly(pipe[1]);
  }

  @Test
  void pipe_bothEnds_areCloseOnExecAndBlocking() {
    pipe = posix.pipe();

    assertThat(TestSys.isCloseOnExec(pipe[0])).isTrue();
    assertThat(TestSys.isCloseOnExec(pipe[1])).isTrue();
    assertThat(TestSys.isNonBlocking(pipe[0])).isFalse();
    assertThat(TestSys.isNonBlocking(pipe[1])).isFalse();
  }

  @Test
  void setNonBlocking_onAndOff_togglesOnlyThatEnd() {
    pipe = posix.pipe();

    posix.setNonBlocking(pipe[0], true);
    assertThat(TestSys.isNonBlocking(pipe[0])).isTrue();
    assertThat(TestSys.isNonBlocking(pipe[1])).isFalse();
    posix.setNonBlocking(pipe[0], false);
    assertThat(TestSys.isNonBlocking(pipe[0])).isFalse();
  }

  @Test
  void readNonBlocking_emptyPipe_returnsMinusOne() {
    pipe = posix.pipe();
    posix.setNonBlocking(pipe[0], true);

    assertThat(posix.readNonBlocking(pipe[0], new byte[16], 0, 16)).isEqualTo(-1);
  }

  @Test
  void readNonBlocking_withOffset_fillsOnlyThatRange() {
    pipe = posix.pipe();
    posix.setNonBlocking(pipe[0], true);
    posix.write(pipe[1], "hello".getBytes(StandardCharsets.US_ASCII));
    byte[] buf = "..........".getBytes(StandardCharsets.US_ASCII);

    int n = posix.readNonBlocking(pipe[0], buf, 3, 4);

    assertThat(n).isEqualTo(4);
    assertThat(new String(buf, StandardCharsets.US_ASCII)).isEqualTo("...hell...");
  }

  @Test
  void readNonBlocking_writerClosed_returnsZero() {
    pipe = posix.pipe();
    posix.setNonBlocking(pipe[0], true);
    posix.write(pipe[1], new byte[] {7});
    posix.close(pipe[1]);
    pipe[1] = -1;
    byte[] buf = new byte[8];

    assertThat(posix.readNonBlocking(pipe[0], buf, 0, 8)).isEqualTo(1);
    assertThat(posix.readNonBlocking(pipe[0], buf, 0, 8)).isZero();
  }

  @Test
  void writeNonBlocking_fullPipe_returnsMinusOneAndKeepsEveryByteAccepted() {
    pipe = posix.pipe();
    posix.setNonBlocking(pipe[1], true);
    byte[] chunk = new byte[4096];
    long accepted = 0;
    int n;
    while ((n = posix.writeNonBlocking(pipe[1], chunk, 0, chunk.length)) > 0) {
      accepted += n;
    }

    assertThat(n).isEqualTo(-1);
    assertThat(accepted).isGreaterThanOrEqualTo(4096);
    long drained = 0;
    posix.setNonBlocking(pipe[0], true);
    while ((n = posix.readNonBlocking(pipe[0], chunk, 0, chunk.length)) > 0) {
      drained += n;
    }
    assertThat(drained).isEqualTo(accepted);
  }

  @Test
  void writeNonBlocking_readerClosed_throwsEpipe() {
    pipe = posix.pipe();
    posix.close(pipe[0]);
    pipe[0] = -1;

    assertThatThrownBy(() -> posix.writeNonBlocking(pipe[1], new byte[1], 0, 1))
        .isInstanceOfSatisfying(SysException.class, e -> assertThat(e.errno()).isEqualTo(Errnos.EPIPE));
  }

  @Test
  void writeNonBlocking_withOffset_writesOnlyThatRange() {
    pipe = posix.pipe();
    byte[] buf = "0123456789".getBytes(StandardCharsets.US_ASCII);

    assertThat(posix.writeNonBlocking(pipe[1], buf, 2, 5)).isEqualTo(5);
    byte[] got = new byte[10];
    int n = posix.read(pipe[0], got, 0, 10, Duration.ofSeconds(5));
    assertThat(new String(got, 0, n, StandardCharsets.US_ASCII)).isEqualTo("23456");
  }
}
