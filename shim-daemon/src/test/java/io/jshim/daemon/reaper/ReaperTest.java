package io.jshim.daemon.reaper;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.daemon.sys.ExitNotices;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Exit routing without real processes: the fake decides who exits when. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ReaperTest {
  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

  private final FakePosix posix = new FakePosix();
  private final ExecutorService completions = Executors.newSingleThreadExecutor();
  private final Reaper reaper = Reaper.start(posix, completions, Clock.fixed(NOW, ZoneOffset.UTC));

  @AfterEach
  void stop() {
    reaper.close();
    completions.shutdownNow();
  }

  @Test
  void exitWatch_claimedChildExits_reaperIsWokenWithoutAWakeUpCall() throws Exception {
    try (ExitWatch watch = ExitWatch.start(posix, reaper); Window window = reaper.openWindow()) {
      Child child = window.claim(200);

      posix.exit(200, 5 << 8);

      // nothing calls wakeUp() here, and the reaper's own safety sweep comes a second after its start: an exit
      // completed well before that was reported by the watch
      assertThat(child.exit().get(500, TimeUnit.MILLISECONDS)).isEqualTo(new ExitStatus(200, 5, NOW));
    }
  }

  @Test
  void claim_exitReapedInsideOpenWindowBeforeTheClaim_isKeptForTheClaim() throws Exception {
    try (Window window = reaper.openWindow()) {
      posix.exit(100, 3 << 8);
      reaper.wakeUp();
      awaitReaped(1);

      Child child = window.claim(100);

      assertThat(child.exit().get(5, TimeUnit.SECONDS)).isEqualTo(new ExitStatus(100, 3, NOW));
    }
  }

  @Test
  @Timeout(10)
  void adopt_noticeArrivesAfterExit_exitCompletesWithTheNoticesStatus() throws Exception {
    posix.offerExitNotices();
    Child child = reaper.adopt(310).orElseThrow();
    posix.notice(310, 311, 0);
    awaitNoticesRead(1);
    assertThat(child.exit()).as("a thread's notice while the process runs").isNotDone();

    posix.adoptedExits(310);
    posix.notice(310, 310, 9);

    assertThat(child.exit().get(5, TimeUnit.SECONDS)).isEqualTo(new ExitStatus(310, 128 + 9, NOW));
    assertThat(child.signal(9)).isFalse();
    awaitClosedSubscriptions(1);
    assertThat(posix.subscriptions()).as("one subscription, closed once nothing is adopted").isEqualTo(1);
  }

  @Test
  void adopt_threadAndProcessNoticesTogether_lastNoticeDecides() throws Exception {
    posix.offerExitNotices();
    Child child = reaper.adopt(320).orElseThrow();

    posix.adoptedExits(320);
    posix.notices(new ExitNotices.Notice(320, 322, 0), new ExitNotices.Notice(320, 320, 5 << 8));

    assertThat(child.exit().get(5, TimeUnit.SECONDS)).isEqualTo(new ExitStatus(320, 5, NOW));
  }

  @Test
  void adopt_exitWithoutNotice_completesUnknownAfterTheGrace() throws Exception {
    posix.offerExitNotices();
    Child child = reaper.adopt(330).orElseThrow();
    long start = System.nanoTime();

    posix.adoptedExits(330);
    reaper.wakeUp();

    assertThat(child.exit().get(8, TimeUnit.SECONDS)).isEqualTo(new ExitStatus(330, ExitStatus.UNKNOWN, NOW));
    assertThat(System.nanoTime() - start).as("waited for a notice first")
        .isGreaterThanOrEqualTo(Adoptions.NOTICE_GRACE.toNanos());
  }

  @Test
  void adopt_noticeForAnotherPid_isIgnored() throws Exception {
    posix.offerExitNotices();
    Child child = reaper.adopt(340).orElseThrow();

    posix.adoptedExits(340);
    posix.notices(new ExitNotices.Notice(341, 341, 3 << 8), new ExitNotices.Notice(340, 340, 4 << 8));

    assertThat(child.exit().get(5, TimeUnit.SECONDS)).isEqualTo(new ExitStatus(340, 4, NOW));
  }

  private void awaitNoticesRead(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (posix.noticesRead() < count && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(posix.noticesRead()).isEqualTo(count);
  }

  private void awaitClosedSubscriptions(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (posix.closedSubscriptions() < count && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(posix.closedSubscriptions()).isEqualTo(count);
  }

  @Test
  void adopt_noticesRefused_processExitsLater_exitCompletesWithUnknownStatus() throws Exception {
    Child child = reaper.adopt(300).orElseThrow();
    assertThat(child.adopted()).isTrue();
    assertThat(child.signal(15)).isTrue();
    assertThat(posix.kills()).containsExactly("pidfd:300:15");

    posix.adoptedExits(300);
    reaper.wakeUp();

    assertThat(child.exit().get(5, TimeUnit.SECONDS)).isEqualTo(new ExitStatus(300, ExitStatus.UNKNOWN, NOW));
    assertThat(child.signal(9)).as("never signalled once gone").isFalse();
  }

  @Test
  void pidStillNamesIt_adoptedProcess_trueUntilItsPidfdTurnsReadable() {
    Child child = reaper.adopt(350).orElseThrow();
    assertThat(child.pidStillNamesIt()).isTrue();

    posix.adoptedExits(350);

    assertThat(child.pidStillNamesIt()).as("exited, perhaps reaped by its new parent and the pid reused").isFalse();
  }

  @Test
  void adopt_noSuchProcess_isEmpty() {
    posix.noSuchProcess(301);

    assertThat(reaper.adopt(301)).isEmpty();
  }

  @Test
  void adopt_adoptedProcess_cannotBePinnedForAnAction() {
    Child child = reaper.adopt(302).orElseThrow();

    assertThat(child.whileUnreaped(() -> { throw new AssertionError("must not run"); })).isFalse();
  }

  @Test
  @Timeout(10)
  void exited_recordedExit_completesAtOnceWithIt() throws Exception {
    ExitStatus recorded = new ExitStatus(303, 4, NOW.minusSeconds(60));

    Child child = reaper.exited(303, recorded);

    assertThat(child.exit().get(5, TimeUnit.SECONDS)).isEqualTo(recorded);
    assertThat(child.signal(9)).isFalse();
  }

  @Test
  void reap_unknownPidWithNoWindowOpen_isDroppedAsOrphan() throws Exception {
    posix.exit(200, 0);
    reaper.wakeUp();
    awaitReaped(1);

    assertThat(reaper.orphanCount()).isEqualTo(1);
    try (Window window = reaper.openWindow()) {
      assertThat(window.claim(200).exit()).isNotDone();
    }
  }

  @Test
  void signal_afterTheChildWasReaped_returnsFalseAndKillsNothing() throws Exception {
    Child child = reaper.watch(300);
    posix.exit(300, 9);
    reaper.wakeUp();

    assertThat(child.exit().get(5, TimeUnit.SECONDS).status()).isEqualTo(137);
    assertThat(child.signal(15)).isFalse();
    assertThat(posix.kills()).isEmpty();
  }

  @Test
  void signal_beforeTheExit_reachesTheProcess() {
    Child child = reaper.watch(400);

    assertThat(child.signal(15)).isTrue();
    assertThat(posix.kills()).containsExactly("400:15");
  }

  @Test
  void reap_manyExitsFromOneWakeUp_allRouted() throws Exception {
    java.util.List<Child> children = new java.util.ArrayList<>();
    for (int pid = 1000; pid < 1200; pid++) {
      children.add(reaper.watch(pid));
      posix.exit(pid, (pid % 256) << 8);
    }
    reaper.wakeUp();

    for (Child child : children) {
      assertThat(child.exit().get(5, TimeUnit.SECONDS).status()).isEqualTo(child.pid() % 256);
    }
  }

  @Test
  void fromWaitStatus_signalled_is128PlusSignal() {
    assertThat(ExitStatus.fromWaitStatus(1, 0x0000, NOW).status()).isZero();
    assertThat(ExitStatus.fromWaitStatus(1, 0x0300, NOW).status()).isEqualTo(3);
    assertThat(ExitStatus.fromWaitStatus(1, 9, NOW).status()).isEqualTo(137);
    assertThat(ExitStatus.fromWaitStatus(1, 15 | 0x80, NOW).status()).as("core dumped").isEqualTo(143);
  }

  private void awaitReaped(long count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (reaper.reapedCount() < count && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(reaper.reapedCount()).isGreaterThanOrEqualTo(count);
  }
}
