package io.jshim.daemon.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EpollTest {
  private final Posix posix = JnrPosix.load();
  private final Epoll epoll = posix.epoll();
  private final int[] pipe = posix.pipe();

  @AfterEach
  void close() {
    epoll.close();
    posix.closeQuietly(pipe[0]);
    posix.closeQuietly(pipe[1]);
  }

  @Test
  void create_epollAndWakeFd_areCloseOnExec() {
    int[] fds = TestSys.epollFds(epoll);

    assertThat(TestSys.isCloseOnExec(fds[0])).isTrue();
    assertThat(TestSys.isCloseOnExec(fds[1])).isTrue();
    assertThat(TestSys.isNonBlocking(fds[1])).isTrue();
  }

  @Test
  void wait_nothingReady_timesOutWithZero() {
    epoll.add(pipe[0], Epoll.IN, 1);

    assertThat(epoll.wait(50)).isZero();
  }

  @Test
  void wait_dataWritten_reportsInWithTheFullToken() {
    long token = 0x7edc_ba98_7654_3210L;
    epoll.add(pipe[0], Epoll.IN, token);
    posix.write(pipe[1], new byte[] {1});

    assertThat(epoll.wait(5_000)).isEqualTo(1);
    assertThat(epoll.token(0)).isEqualTo(token);
    assertThat(epoll.events(0) & Epoll.IN).isEqualTo(Epoll.IN);
  }

  @Test
  void wait_writableAndReadable_reportsBothFds() {
    epoll.add(pipe[0], Epoll.IN, 10);
    epoll.add(pipe[1], Epoll.OUT, 11);
    posix.write(pipe[1], new byte[] {1});

    int n = epoll.wait(5_000);

    assertThat(n).isEqualTo(2);
    assertThat(new long[] {epoll.token(0), epoll.token(1)}).containsExactlyInAnyOrder(10, 11);
  }

  @Test
  void wait_writerClosed_reportsHupWithoutAskingForIt() {
    epoll.add(pipe[0], Epoll.IN, 3);
    posix.close(pipe[1]);

    assertThat(epoll.wait(5_000)).isEqualTo(1);
    assertThat(epoll.events(0) & Epoll.HUP).isEqualTo(Epoll.HUP);
  }

  @Test
  void modify_toOut_stopsReportingIn() {
    epoll.add(pipe[0], Epoll.IN, 1);
    posix.write(pipe[1], new byte[] {1});
    epoll.modify(pipe[0], Epoll.OUT, 1);

    assertThat(epoll.wait(50)).isZero();
  }

  @Test
  void remove_readyFd_isNoLongerReported() {
    epoll.add(pipe[0], Epoll.IN, 1);
    posix.write(pipe[1], new byte[] {1});
    epoll.remove(pipe[0]);

    assertThat(epoll.wait(50)).isZero();
  }

  @Test
  void wakeUp_fromAnotherThread_endsAnEndlessWait() throws Exception {
    CompletableFuture<Integer> waited = CompletableFuture.supplyAsync(() -> epoll.wait(-1));
    Thread.sleep(100);

    epoll.wakeUp();

    assertThat(waited.get(5, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void wakeUp_beforeWait_isConsumedByOneWait() {
    epoll.wakeUp();
    epoll.wakeUp();

    assertThat(epoll.wait(5_000)).isZero();
    assertThat(epoll.wait(50)).isZero();
  }
}
