package io.jshim.daemon.spawn;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.daemon.spawn.ForkGate.Side;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The same workload against a reader-preference RW lock and against the gate: one group kept busy by
 * overlapping holders. The RW lock starves the other group; the gate lets it in within two handoffs.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ForkGateStarvationTest {
  private static final int BUSY_THREADS = 8;
  private static final long SECTION_MILLIS = 4;
  private static final Duration PATIENCE = Duration.ofSeconds(1);

  @Test
  void readerPreferenceRwLock_readersKeptBusy_writerStarves() throws Exception {
    ReaderPreferenceLock lock = new ReaderPreferenceLock();
    try (Load load = new Load(() -> {
      lock.readLock();
      try {
        Thread.sleep(SECTION_MILLIS);
      } finally {
        lock.readUnlock();
      }
    })) {
      load.awaitRunning();

      boolean writerGotIn = lock.tryWriteLock(PATIENCE);

      assertThat(writerGotIn).as("writer entered while readers overlapped").isFalse();
    }
  }

  @Test
  void forkGate_fdSideKeptBusy_forkEntersWithinTwoHandoffs() throws Exception {
    assertOtherSideGetsIn(Side.FD, Side.FORK);
  }

  @Test
  void forkGate_forkSideKeptBusy_fdEntersWithinTwoHandoffs() throws Exception {
    assertOtherSideGetsIn(Side.FORK, Side.FD);
  }

  private static void assertOtherSideGetsIn(Side busy, Side starved) throws Exception {
    ForkGate gate = ForkGate.create();
    try (Load load = new Load(() -> {
      try (ForkGate.Ticket ticket = gate.enter(busy)) {
        Thread.sleep(SECTION_MILLIS);
      }
    })) {
      load.awaitRunning();

      Optional<ForkGate.Ticket> ticket = gate.tryEnter(starved, PATIENCE);

      assertThat(ticket).as(starved + " entered while " + busy + " overlapped").isPresent();
      ticket.get().close();
    }
    assertThat(gate.stats().maxHandoffsWaited()).isBetween(1, 2);
  }

  /** Section bodies that may sleep. */
  private interface Section {
    void run() throws InterruptedException;
  }

  /** {@link #BUSY_THREADS} threads repeating a section, started a little apart so they overlap. */
  private static final class Load implements AutoCloseable {
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();
    private final Semaphore started = new Semaphore(0);

    Load(Section section) throws InterruptedException {
      for (int i = 0; i < BUSY_THREADS; i++) {
        Thread thread = new Thread(() -> {
          started.release();
          try {
            while (!stop.get()) {
              section.run();
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }, "busy-" + i);
        thread.start();
        threads.add(thread);
        Thread.sleep(1);
      }
    }

    void awaitRunning() throws InterruptedException {
      started.acquire(BUSY_THREADS);
      Thread.sleep(20);
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      for (Thread thread : threads) {
        thread.join(5000);
      }
    }
  }

  /** The classic first readers-writers solution: readers never wait for a waiting writer. */
  private static final class ReaderPreferenceLock {
    private final Semaphore room = new Semaphore(1);
    private int readers;

    void readLock() throws InterruptedException {
      synchronized (this) {
        if (readers++ == 0) {
          room.acquire();
        }
      }
    }

    void readUnlock() {
      synchronized (this) {
        if (--readers == 0) {
          room.release();
        }
      }
    }

    boolean tryWriteLock(Duration timeout) throws InterruptedException {
      if (room.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        room.release();
        return true;
      }
      return false;
    }
  }
}
