package io.jshim.daemon.sys;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.daemon.Privileged;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The kernel's exit notices for real processes (root only: the subscription needs CAP_NET_ADMIN). */
@Tag("privileged")
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ExitNoticesTest {
  private final JnrPosix posix = JnrPosix.load();
  private int[] stdio;

  @BeforeEach
  void openStdio() {
    Privileged.assumeRoot();
    int devnull = posix.open("/dev/null", Posix.O_RDWR, 0);
    stdio = new int[] {posix.dupAtLeast(devnull, 10), posix.dupAtLeast(devnull, 10), posix.dupAtLeast(devnull, 10)};
    posix.close(devnull);
  }

  @AfterEach
  void closeStdio() {
    if (stdio != null) {
      for (int fd : stdio) {
        posix.closeQuietly(fd);
      }
    }
  }

  @Test
  void read_processExitsWithStatus_noticeCarriesTheWaitStatusReapGets() throws Exception {
    try (ExitNotices notices = posix.exitNotices()) {
      int pid = spawn("exit", "42");

      List<ExitNotices.Notice> mine = noticesOf(notices, pid, 1);

      assertThat(mine).containsExactly(new ExitNotices.Notice(pid, pid, 42 << 8));
      assertThat(reap(pid)).isEqualTo(42 << 8);
    }
  }

  @Test
  void read_processKilledBySignal_noticeCarriesTheSignal() throws Exception {
    try (ExitNotices notices = posix.exitNotices()) {
      int pid = spawn("sleep", "60");
      posix.kill(pid, 15);

      List<ExitNotices.Notice> mine = noticesOf(notices, pid, 1);

      assertThat(mine).extracting(ExitNotices.Notice::waitStatus).containsExactly(15);
      assertThat(reap(pid)).isEqualTo(15);
    }
  }

  @Test
  void read_mainThreadEndsFirst_lastNoticeHasTheProcessesStatus() throws Exception {
    try (ExitNotices notices = posix.exitNotices()) {
      int pid = spawn("last-thread", "7", "0.3");

      List<ExitNotices.Notice> mine = noticesOf(notices, pid, 2);

      assertThat(mine).hasSize(2);
      assertThat(mine.get(0)).as("the main thread's own end").isEqualTo(new ExitNotices.Notice(pid, pid, 0));
      assertThat(mine.get(1).thread()).isNotEqualTo(pid);
      assertThat(mine.get(1).waitStatus()).as("the last thread's notice: the status waitpid gives").isEqualTo(7 << 8);
      assertThat(reap(pid)).isEqualTo(7 << 8);
    }
  }

  @Test
  void close_twice_secondDoesNothing() {
    ExitNotices notices = posix.exitNotices();
    notices.close();
    notices.close();
  }

  private int spawn(String... args) {
    List<String> argv = new ArrayList<>(List.of(Privileged.testbin().toString()));
    argv.addAll(List.of(args));
    return posix.spawn(argv.get(0), argv, List.of(), stdio);
  }

  private static List<ExitNotices.Notice> noticesOf(ExitNotices notices, int pid, int count) {
    List<ExitNotices.Notice> mine = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (mine.size() < count && System.nanoTime() < deadline) {
      for (ExitNotices.Notice notice : notices.read(Duration.ofMillis(200))) {
        if (notice.pid() == pid) {
          mine.add(notice);
        }
      }
    }
    return mine;
  }

  private int reap(int pid) throws InterruptedException {
    OptionalInt status;
    while ((status = posix.reap(pid)).isEmpty()) {
      Thread.sleep(5);
    }
    return status.getAsInt();
  }
}
