package io.jshim.daemon.spawn;

import static io.jshim.daemon.spawn.ForkGate.Side.FD;
import static io.jshim.daemon.spawn.ForkGate.Side.FORK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jshim.daemon.spawn.ForkGate.Side;
import io.jshim.daemon.spawn.ForkGate.Stats;
import io.jshim.daemon.spawn.ForkGate.Ticket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ForkGateTest {

  private static final long WAIT_SECONDS = 10;

  private ForkGate gate = ForkGate.create();
  private final List<Thread> threads = new ArrayList<>();

  @AfterEach
  void gateIsQuiescentAndThreadsAreDone() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    for (Thread t : threads) {
      t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      assertThat(t.isAlive()).as("helper thread %s still running", t.getName()).isFalse();
    }
    Stats s = gate.stats();
    assertThat(s.activeHolders()).as("activeHolders in %s", s).isZero();
    assertThat(s.activeSide()).as("activeSide in %s", s).isNull();
    assertThat(s.forkWaiting()).as("forkWaiting in %s", s).isZero();
    assertThat(s.fdWaiting()).as("fdWaiting in %s", s).isZero();
    assertThat(s.maxHandoffsWaited()).as("maxHandoffsWaited in %s", s).isLessThanOrEqualTo(2);
  }

  @ParameterizedTest
  @EnumSource(Side.class)
  @Timeout(30)
  void enter_sameSideWithNoOtherWaiter_neverWaits(Side side) throws Exception {
    int n = 8;
    CountDownLatch allIn = new CountDownLatch(n);
    CountDownLatch leave = new CountDownLatch(1);
    List<CompletableFuture<Void>> holders = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      holders.add(run(() -> {
        try (Ticket t = gate.enter(side)) {
          assertThat(t.side()).isEqualTo(side);
          allIn.countDown();
          leave.await();
        }
        return null;
      }));
    }

    assertThat(allIn.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("all %d entered together", n).isTrue();
    Stats s = gate.stats();
    assertThat(s.activeHolders()).isEqualTo(n);
    assertThat(s.activeSide()).isEqualTo(side);
    assertThat(side == FORK ? s.forkWaits() : s.fdWaits()).isZero();
    assertThat(s.handoffs()).isZero();

    leave.countDown();
    for (CompletableFuture<Void> h : holders) {
      h.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }
    assertThat(side == FORK ? gate.stats().forkEntries() : gate.stats().fdEntries()).isEqualTo(n);
  }

  @ParameterizedTest
  @EnumSource(Side.class)
  @Timeout(30)
  void enter_otherSideHeld_waitsUntilClosed(Side held) throws Exception {
    Ticket first = gate.enter(held);
    CountDownLatch entered = new CountDownLatch(1);
    CompletableFuture<Ticket> other = run(() -> {
      Ticket t = gate.enter(held.other());
      entered.countDown();
      return t;
    });
    awaitStats(s -> waiting(s, held.other()) == 1);

    assertThat(entered.await(50, TimeUnit.MILLISECONDS)).as("entered while other side held").isFalse();
    assertThat(gate.stats().activeHolders()).isEqualTo(1);

    first.close();
    assertThat(entered.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    Ticket t = other.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(t.side()).isEqualTo(held.other());
    assertThat(gate.stats().activeSide()).isEqualTo(held.other());
    t.close();
  }

  @Test
  @Timeout(30)
  void enter_otherSideWaiting_closesRoomAndHandsOffWholeBatch() throws Exception {
    Ticket fork1 = gate.enter(FORK);
    List<CompletableFuture<Ticket>> fdWaiters = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      fdWaiters.add(run(() -> gate.enter(FD)));
    }
    awaitStats(s -> s.fdWaiting() == 3);

    // Closure: FORK is inside and admissible by side, yet a new FORK arrival must queue behind FD.
    CompletableFuture<Ticket> fork2 = run(() -> gate.enter(FORK));
    awaitStats(s -> s.forkWaiting() == 1);
    assertThat(fork2).isNotDone();
    assertThat(gate.stats().activeHolders()).isEqualTo(1);

    fork1.close();
    List<Ticket> fdTickets = new ArrayList<>();
    for (CompletableFuture<Ticket> w : fdWaiters) {
      fdTickets.add(w.get(WAIT_SECONDS, TimeUnit.SECONDS));
    }
    Stats afterFlip = gate.stats();
    assertThat(afterFlip.activeSide()).isEqualTo(FD);
    assertThat(afterFlip.activeHolders()).isEqualTo(3);
    assertThat(afterFlip.handoffs()).isEqualTo(1);
    assertThat(afterFlip.maxBatch()).isEqualTo(3);
    assertThat(afterFlip.forkWaiting()).isEqualTo(1);

    fdTickets.get(0).close();
    fdTickets.get(1).close();
    assertThat(gate.stats().forkWaiting()).isEqualTo(1);
    assertThat(fork2).isNotDone();
    fdTickets.get(2).close();

    fork2.get(WAIT_SECONDS, TimeUnit.SECONDS).close();
    Stats end = gate.stats();
    assertThat(end.handoffs()).isEqualTo(2);
    assertThat(end.maxHandoffsWaited()).as("fork2 waited the FD phase and its own").isEqualTo(2);
    assertThat(end.forkEntries()).isEqualTo(2);
    assertThat(end.fdEntries()).isEqualTo(3);
    assertThat(end.forkWaits()).isEqualTo(1);
    assertThat(end.fdWaits()).isEqualTo(3);
  }

  @ParameterizedTest
  @EnumSource(Side.class)
  @Timeout(30)
  void tryEnterTimeout_lastWaiterTimesOut_reopensRoomForClosedOutSide(Side held) throws Exception {
    Ticket first = gate.enter(held);
    CompletableFuture<Optional<Ticket>> w1 = run(() -> gate.tryEnter(held.other(), Duration.ofSeconds(1)));
    awaitStats(s -> waiting(s, held.other()) == 1);
    CompletableFuture<Ticket> second = run(() -> gate.enter(held));
    awaitStats(s -> waiting(s, held) == 1);
    assertThat(w1).as("w1 timed out before the closed-out arrival queued; scenario not set up").isNotDone();

    assertThat(w1.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEmpty();
    // The withdrawal admitted `second` under the gate's lock before w1 returned.
    Stats s = gate.stats();
    assertThat(waiting(s, held)).isZero();
    assertThat(s.activeHolders()).as("first still held, second admitted").isEqualTo(2);
    assertThat(s.activeSide()).isEqualTo(held);
    Ticket t2 = second.get(WAIT_SECONDS, TimeUnit.SECONDS);

    t2.close();
    first.close();
    assertThat(gate.stats().handoffs()).as("the reopening").isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Side.class)
  @Timeout(30)
  void enterInterruptibly_lastWaiterInterrupted_reopensRoomForClosedOutSide(Side held) throws Exception {
    Ticket first = gate.enter(held);
    Thread[] w1Thread = new Thread[1];
    CompletableFuture<Ticket> w1 = run(() -> {
      w1Thread[0] = Thread.currentThread();
      return gate.enterInterruptibly(held.other());
    });
    awaitStats(s -> waiting(s, held.other()) == 1);
    CompletableFuture<Ticket> second = run(() -> gate.enter(held));
    awaitStats(s -> waiting(s, held) == 1);

    w1Thread[0].interrupt();
    assertThatThrownBy(() -> w1.get(WAIT_SECONDS, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(InterruptedException.class);
    Stats s = gate.stats();
    assertThat(waiting(s, held)).isZero();
    assertThat(waiting(s, held.other())).isZero();
    assertThat(s.activeHolders()).as("first still held, second admitted").isEqualTo(2);
    Ticket t2 = second.get(WAIT_SECONDS, TimeUnit.SECONDS);

    first.close();
    t2.close();
  }

  @Test
  @Timeout(30)
  void tryEnterTimeout_notLastWaiterTimesOut_keepsRoomClosed() throws Exception {
    Ticket fork1 = gate.enter(FORK);
    CompletableFuture<Optional<Ticket>> fdQuitter = run(() -> gate.tryEnter(FD, Duration.ofSeconds(1)));
    CompletableFuture<Ticket> fdStayer = run(() -> gate.enter(FD));
    awaitStats(s -> s.fdWaiting() == 2);
    CompletableFuture<Ticket> fork2 = run(() -> gate.enter(FORK));
    awaitStats(s -> s.forkWaiting() == 1);

    assertThat(fdQuitter.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEmpty();
    assertThat(gate.stats().forkWaiting()).isEqualTo(1);
    assertThat(fork2).isNotDone();

    fork1.close();
    Ticket fd = fdStayer.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(fork2).isNotDone();
    fd.close();
    fork2.get(WAIT_SECONDS, TimeUnit.SECONDS).close();
  }

  @Test
  @Timeout(30)
  void tryEnter_otherSideWaiting_neverBarges() throws Exception {
    Ticket fork1 = gate.enter(FORK);
    CompletableFuture<Ticket> fdWaiter = run(() -> gate.enter(FD));
    awaitStats(s -> s.fdWaiting() == 1);

    assertThat(run(() -> gate.tryEnter(FORK)).get(WAIT_SECONDS, TimeUnit.SECONDS)).isEmpty();
    assertThat(run(() -> gate.tryEnter(FORK, Duration.ZERO)).get(WAIT_SECONDS, TimeUnit.SECONDS)).isEmpty();
    assertThat(gate.tryEnter(FD)).isEmpty();
    Stats s = gate.stats();
    assertThat(s.forkWaits()).as("tryEnter does not count as a wait").isZero();
    assertThat(s.activeHolders()).isEqualTo(1);

    fork1.close();
    fdWaiter.get(WAIT_SECONDS, TimeUnit.SECONDS).close();
  }

  @Test
  void tryEnter_freeOrSameSide_entersAtOnce() {
    Ticket a = gate.tryEnter(FD).orElseThrow();
    Ticket b = gate.tryEnter(FD).orElseThrow();
    assertThat(gate.tryEnter(FORK)).isEmpty();
    assertThat(gate.stats().activeHolders()).isEqualTo(2);
    a.close();
    b.close();
    gate.tryEnter(FORK).orElseThrow().close();
  }

  @Test
  @Timeout(30)
  void tryEnterTimeout_otherSideHeldThroughout_returnsEmptyAndWithdraws() throws Exception {
    Ticket fd = gate.enter(FD);
    long start = System.nanoTime();
    Optional<Ticket> t = run(() -> gate.tryEnter(FORK, Duration.ofMillis(50))).get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(t).isEmpty();
    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
    Stats s = gate.stats();
    assertThat(s.forkWaits()).isEqualTo(1);
    assertThat(s.forkWaiting()).isZero();
    assertThat(s.forkEntries()).isZero();
    assertThat(run(() -> gate.tryEnter(FORK, Duration.ofNanos(-1))).get(WAIT_SECONDS, TimeUnit.SECONDS)).isEmpty();
    assertThat(gate.stats().forkWaits()).as("non-positive timeout never waits").isEqualTo(1);
    fd.close();
  }

  @Test
  void enterInterruptibly_alreadyInterrupted_throwsAndHoldsNothing() {
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> gate.enterInterruptibly(FORK)).isInstanceOf(InterruptedException.class);
      assertThat(Thread.currentThread().isInterrupted()).isFalse();
      assertThat(gate.stats().forkEntries()).isZero();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  @Timeout(60)
  void enterInterruptibly_interruptRacingWithHandoff_admissionWinsAndKeepsFlag() throws Exception {
    long[] outcomes = raceGiveUpWithHandoff(true);
    System.out.printf("ForkGate interrupt race: %d admitted, %d interrupted%n", outcomes[0], outcomes[1]);
  }

  @Test
  @Timeout(60)
  void tryEnterTimeout_timeoutRacingWithHandoff_admissionWins() throws Exception {
    long[] outcomes = raceGiveUpWithHandoff(false);
    System.out.printf("ForkGate timeout race: %d admitted, %d timed out%n", outcomes[0], outcomes[1]);
  }

  /**
   * Rounds of: FORK held, 4 FD waiters, then an interrupt (or their timeouts) racing with closing FORK.
   * Whoever the handoff counted must get a ticket (T1) and keep its interrupt; whoever gave up must
   * hold nothing. Returns {admitted, gave up}.
   */
  private long[] raceGiveUpWithHandoff(boolean interrupt) throws Exception {
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    long admitted = 0;
    long gaveUp = 0;
    for (int round = 0; round < 300; round++) {
      Ticket fork = gate.enter(FORK);
      List<Thread> waiterThreads = new CopyOnWriteArrayList<>();
      AtomicBoolean released = new AtomicBoolean();
      List<CompletableFuture<Boolean>> waiters = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        long timeoutNanos = rnd.nextLong(50_000, 1_000_000);
        waiters.add(run(() -> {
          waiterThreads.add(Thread.currentThread());
          Optional<Ticket> t;
          try {
            t = interrupt ? Optional.of(gate.enterInterruptibly(FD))
                : gate.tryEnter(FD, Duration.ofNanos(timeoutNanos));
          } catch (InterruptedException e) {
            return false;
          }
          if (t.isEmpty()) {
            return false;
          }
          try (Ticket ticket = t.get()) {
            while (!released.get()) {
              Thread.onSpinWait(); // not a blocking wait: a kept interrupt would cut it short
            }
            if (interrupt) {
              assertThat(Thread.currentThread().isInterrupted()).as("interrupt kept").isTrue();
            }
            return ticket.side() == FD;
          }
        }));
      }
      if (interrupt) {
        awaitStats(s -> s.fdWaiting() == 4);
        waiterThreads.forEach(Thread::interrupt);
        spin(rnd.nextLong(0, 20_000));
      } else {
        while (waiterThreads.size() < 4) {
          Thread.onSpinWait();
        }
        spin(rnd.nextLong(0, 1_000_000));
      }
      fork.close();
      released.set(true);
      for (CompletableFuture<Boolean> w : waiters) {
        if (w.get(WAIT_SECONDS, TimeUnit.SECONDS)) {
          admitted++;
        } else {
          gaveUp++;
        }
      }
      awaitStats(s -> s.activeHolders() == 0);
      assertThat(gate.stats().fdEntries()).as("round %d", round).isEqualTo(admitted);
    }
    return new long[] {admitted, gaveUp};
  }

  @Test
  void close_twice_throwsIllegalStateException() {
    Ticket t = gate.enter(FORK);
    t.close();
    assertThatThrownBy(t::close).isInstanceOf(IllegalStateException.class);
    assertThat(gate.stats().activeHolders()).isZero();
    gate.enter(FD).close();
  }

  @Test
  void enter_nestedWithDebugReentrancy_throwsIllegalStateException() throws Exception {
    gate = ForkGate.create(true);
    try (Ticket t = gate.enter(FORK)) {
      assertThat(t.side()).isEqualTo(FORK);
      assertThatThrownBy(() -> gate.enter(FORK)).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> gate.enter(FD)).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> gate.tryEnter(FORK)).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> gate.tryEnter(FD, Duration.ofMillis(1))).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> gate.enterInterruptibly(FORK)).isInstanceOf(IllegalStateException.class);
      assertThat(gate.stats().activeHolders()).isEqualTo(1);
      ForkGate.create(true).enter(FD).close(); // another gate is not nesting
    }
    gate.enter(FD).close();
    gate.tryEnter(FORK).orElseThrow().close();
  }

  @Test
  @Timeout(30)
  void close_fromOtherThreadWithDebugReentrancy_throwsIllegalStateException() throws Exception {
    gate = ForkGate.create(true);
    Ticket t = gate.enter(FD);
    assertThatThrownBy(() -> run(() -> {
      t.close();
      return null;
    }).get(WAIT_SECONDS, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
    assertThat(gate.stats().activeHolders()).isEqualTo(1);
    t.close();
  }

  @Test
  void enter_nestedWithoutDebug_isNotChecked() {
    try (Ticket outer = gate.enter(FD); Ticket inner = gate.enter(FD)) {
      assertThat(List.of(outer.side(), inner.side())).containsOnly(FD);
      assertThat(gate.stats().activeHolders()).isEqualTo(2);
    }
  }

  @ParameterizedTest
  @EnumSource(Side.class)
  @Timeout(30)
  void tryEnterTimeout_otherSideKeptBusy_getsInWithinTwoHandoffs(Side busy) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    List<CompletableFuture<Void>> loaders = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      loaders.add(run(() -> {
        while (!stop.get()) {
          try (Ticket t = gate.enter(busy)) {
            assertThat(t.side()).isEqualTo(busy);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
          }
        }
        return null;
      }));
    }
    awaitStats(s -> (busy == FORK ? s.forkEntries() : s.fdEntries()) > 20);
    try {
      for (int round = 0; round < 5; round++) {
        Optional<Ticket> t = gate.tryEnter(busy.other(), Duration.ofSeconds(WAIT_SECONDS));
        assertThat(t).as("round %d", round).isPresent();
        t.get().close();
      }
    } finally {
      stop.set(true);
    }
    for (CompletableFuture<Void> l : loaders) {
      l.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }
    assertThat(gate.stats().maxHandoffsWaited()).isLessThanOrEqualTo(2);
  }

  @Test
  @Timeout(60)
  void stress_randomSectionsTimeoutsAndInterrupts_keepExclusionAndBounds() throws Exception {
    gate = ForkGate.create(true);
    long runNanos = TimeUnit.MILLISECONDS.toNanos(1500);
    int perSide = 4;
    AtomicInteger[] inside = {new AtomicInteger(), new AtomicInteger()};
    AtomicInteger[] maxInside = {new AtomicInteger(), new AtomicInteger()};
    AtomicLong violations = new AtomicLong();
    AtomicLong progress = new AtomicLong();
    AtomicLong timeouts = new AtomicLong();
    AtomicLong interrupts = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    List<Thread> workers = new ArrayList<>();

    for (Side side : Side.values()) {
      for (int w = 0; w < perSide; w++) {
        workers.add(start("stress-" + side + "-" + w, () -> {
          ThreadLocalRandom rnd = ThreadLocalRandom.current();
          int me = side.ordinal();
          int them = side.other().ordinal();
          while (!stop.get()) {
            Ticket t;
            try {
              int mode = rnd.nextInt(10);
              if (mode < 4) {
                t = gate.enter(side);
              } else if (mode < 6) {
                t = gate.enterInterruptibly(side);
              } else {
                Duration timeout = Duration.ofNanos(rnd.nextLong(-10_000, 300_000));
                Optional<Ticket> o = gate.tryEnter(side, timeout);
                if (o.isEmpty()) {
                  timeouts.incrementAndGet();
                  continue;
                }
                t = o.get();
              }
            } catch (InterruptedException e) {
              interrupts.incrementAndGet();
              continue;
            }
            try (t) {
              int now = inside[me].incrementAndGet();
              maxInside[me].accumulateAndGet(now, Math::max);
              if (inside[them].get() != 0) {
                violations.incrementAndGet();
              }
              long csNanos = rnd.nextLong(0, 200_000);
              if (rnd.nextBoolean()) {
                spin(csNanos);
              } else {
                LockSupport.parkNanos(csNanos);
              }
              if (inside[them].get() != 0) {
                violations.incrementAndGet();
              }
              inside[me].decrementAndGet();
            }
            progress.incrementAndGet();
            Thread.interrupted();
          }
          return null;
        }, errors));
      }
    }
    Thread interrupter = start("stress-interrupter", () -> {
      ThreadLocalRandom rnd = ThreadLocalRandom.current();
      while (!stop.get()) {
        workers.get(rnd.nextInt(workers.size())).interrupt();
        LockSupport.parkNanos(rnd.nextLong(100_000, 1_000_000));
      }
      return null;
    }, errors);

    // Watchdog: progress must never stall (a lost wakeup would park everyone for good).
    long end = System.nanoTime() + runNanos;
    long lastProgress = -1;
    long lastChange = System.nanoTime();
    while (System.nanoTime() < end) {
      Thread.sleep(50);
      long p = progress.get();
      if (p != lastProgress) {
        lastProgress = p;
        lastChange = System.nanoTime();
      }
      assertThat(System.nanoTime() - lastChange).as("stall; %s", gate.stats())
          .isLessThan(TimeUnit.SECONDS.toNanos(2));
    }
    stop.set(true);
    interrupter.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    for (Thread w : workers) {
      w.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
      assertThat(w.isAlive()).as("%s stuck; %s", w.getName(), gate.stats()).isFalse();
    }

    Stats s = gate.stats();
    assertThat(errors).isEmpty();
    assertThat(violations.get()).as("I1 violations; %s", s).isZero();
    assertThat(maxInside[FORK.ordinal()].get()).as("FORK concurrency; %s", s).isGreaterThan(1);
    assertThat(maxInside[FD.ordinal()].get()).as("FD concurrency; %s", s).isGreaterThan(1);
    assertThat(s.maxHandoffsWaited()).as("P2; %s", s).isLessThanOrEqualTo(2);
    assertThat(s.forkEntries() + s.fdEntries()).isEqualTo(progress.get());
    assertThat(timeouts.get()).as("timeouts exercised").isPositive();
    assertThat(interrupts.get()).as("interrupts exercised").isPositive();
    System.out.printf("ForkGate stress: %d entries, %d timeouts, %d interrupts, max inside FORK=%d FD=%d; %s%n",
        progress.get(), timeouts.get(), interrupts.get(),
        maxInside[0].get(), maxInside[1].get(), s);
  }

  private static void spin(long nanos) {
    long end = System.nanoTime() + nanos;
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
  }

  private static int waiting(Stats s, Side side) {
    return side == FORK ? s.forkWaiting() : s.fdWaiting();
  }

  private void awaitStats(Predicate<Stats> condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    Stats s;
    while (!condition.test(s = gate.stats())) {
      assertThat(System.nanoTime() - deadline).as("condition never met; last %s", s).isNegative();
      Thread.sleep(1);
    }
  }

  /** Runs {@code body} on a new daemon thread that the after-each hook joins. */
  private <T> CompletableFuture<T> run(Callable<T> body) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        result.complete(body.call());
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    }, "forkgate-test-" + threads.size());
    t.setDaemon(true);
    threads.add(t);
    t.start();
    return result;
  }

  private Thread start(String name, Callable<?> body, ConcurrentLinkedQueue<Throwable> errors) {
    Thread t = new Thread(() -> {
      try {
        body.call();
      } catch (Throwable e) {
        errors.add(e);
      }
    }, name);
    t.setDaemon(true);
    threads.add(t);
    t.start();
    return t;
  }
}
