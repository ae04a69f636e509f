package io.jshim.daemon.spawn;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The xor fork gate: any number of {@link Side#FORK} holders together, or any number of
 * {@link Side#FD} holders together, never a mix (spec: {@code shared/design/fork-gate.md}).
 *
 * <p>Phase-fair with batch handoff: once one side waits, new arrivals of the side inside wait too;
 * when the side inside drains, every waiter of the other side enters at once. A waiter therefore
 * enters by the second handoff after it starts waiting. A waiter that gives up and was the last of
 * its side reopens the room for the other side's waiters it was holding back.
 *
 * <p>Sections must be short leaves (syscalls only, no blocking I/O, no logging). Not reentrant: a
 * nested enter by a thread that already holds a ticket is a bug and can deadlock;
 * {@link #create(boolean)} with {@code true} detects it. {@code enter} has acquire and
 * {@link Ticket#close()} release semantics. Typical use:
 * {@code try (var t = gate.enter(Side.FORK)) { spawn(); }}
 */
public final class ForkGate {

  /** The two mutually exclusive groups. */
  public enum Side {
    /** Duplicating the fd table: every {@code posix_spawn}/{@code fork}/{@code clone}. */
    FORK,
    /** Creating an fd and only later marking it close-on-exec. */
    FD;

    Side other() {
      return this == FORK ? FD : FORK;
    }
  }

  /** Proof of being inside the gate on {@link #side()}; close it exactly once, on the entering thread. */
  public interface Ticket extends AutoCloseable {
    /** The side this ticket holds. */
    Side side();

    /**
     * Leaves the gate; the last holder out hands the room to the other side's waiters.
     *
     * @throws IllegalStateException if already closed, or (debug mode) closed by another thread
     */
    @Override
    void close();
  }

  /**
   * A consistent snapshot of the gate's counters.
   *
   * @param forkEntries        admissions on the fork side (immediate or by handoff)
   * @param fdEntries          admissions on the fd side
   * @param forkWaits          fork arrivals that had to wait (including those that later gave up)
   * @param fdWaits            fd arrivals that had to wait
   * @param handoffs           batch admissions of waiters (phase flips and reopenings after a withdrawal)
   * @param maxBatch           largest number of waiters admitted by one handoff
   * @param maxHandoffsWaited  most handoffs any admitted waiter saw, counting its own; must be at most 2
   * @param activeHolders      open tickets
   * @param activeSide         side of the open tickets, {@code null} when there are none
   * @param forkWaiting        fork threads waiting now
   * @param fdWaiting          fd threads waiting now
   */
  public record Stats(long forkEntries, long fdEntries, long forkWaits, long fdWaits, long handoffs,
      long maxBatch, int maxHandoffsWaited, int activeHolders, Side activeSide, int forkWaiting, int fdWaiting) {}

  private enum Mode { TRY, UNINTERRUPTIBLE, INTERRUPTIBLE, TIMED }

  /** One side's waiting room; guarded by {@link #lock}. */
  private final class Room {
    final Condition admitted = lock.newCondition();
    /** The {@link #handoffs} count at each waiter's arrival, oldest first; its size is the waiter count. */
    final ArrayDeque<Long> waitingSince = new ArrayDeque<>();
    long gen; // bumped by every batch admission of this side
    long entries;
    long waits;
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final Room[] rooms = {new Room(), new Room()}; // indexed by Side.ordinal()
  private final ThreadLocal<Ticket> held; // null unless debugging reentrancy

  // Guarded by lock.
  private int active;
  private Side side;
  private long handoffs;
  private long maxBatch;
  private int maxHandoffsWaited;

  private ForkGate(boolean debugReentrancy) {
    this.held = debugReentrancy ? new ThreadLocal<>() : null;
  }

  /** A gate without reentrancy checks (for production). */
  public static ForkGate create() {
    return new ForkGate(false);
  }

  /**
   * A gate that, if {@code debugReentrancy}, throws {@link IllegalStateException} on a nested enter
   * by a thread already holding a ticket of this gate and on a ticket closed by another thread.
   */
  public static ForkGate create(boolean debugReentrancy) {
    return new ForkGate(debugReentrancy);
  }

  /** Enters {@code side}, waiting as long as needed; an interrupt is remembered, not acted on. */
  public Ticket enter(Side side) {
    try {
      return acquire(side, Mode.UNINTERRUPTIBLE, 0L);
    } catch (InterruptedException e) {
      throw new AssertionError("uninterruptible wait was interrupted", e);
    }
  }

  /**
   * Enters {@code side}, waiting until admitted or interrupted. An interrupt that races with
   * admission loses: the ticket is returned and the interrupt flag is set again.
   *
   * @throws InterruptedException if interrupted before admission (nothing is held then)
   */
  public Ticket enterInterruptibly(Side side) throws InterruptedException {
    return acquire(side, Mode.INTERRUPTIBLE, 0L);
  }

  /** Enters {@code side} only if admissible right now; never passes a waiting other side. */
  public Optional<Ticket> tryEnter(Side side) {
    try {
      return Optional.ofNullable(acquire(side, Mode.TRY, 0L));
    } catch (InterruptedException e) {
      throw new AssertionError("non-waiting enter was interrupted", e);
    }
  }

  /**
   * Enters {@code side}, waiting at most {@code timeout}; a non-positive timeout is exactly
   * {@link #tryEnter(Side)}. A timeout or interrupt that races with admission loses.
   *
   * @return the ticket, or empty if the timeout elapsed first
   * @throws InterruptedException if interrupted before admission (nothing is held then)
   */
  public Optional<Ticket> tryEnter(Side side, Duration timeout) throws InterruptedException {
    if (timeout.isNegative() || timeout.isZero()) {
      return tryEnter(side);
    }
    long nanos = timeout.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : timeout.toNanos();
    return Optional.ofNullable(acquire(side, Mode.TIMED, nanos));
  }

  /** A consistent snapshot of the counters and the current state. */
  public Stats stats() {
    lock.lock();
    try {
      Room fork = room(Side.FORK);
      Room fd = room(Side.FD);
      return new Stats(fork.entries, fd.entries, fork.waits, fd.waits, handoffs, maxBatch, maxHandoffsWaited, active,
          side, fork.waitingSince.size(), fd.waitingSince.size());
    } finally {
      lock.unlock();
    }
  }

  /** Returns the ticket, or null when a TRY/TIMED attempt gave up. */
  private Ticket acquire(Side s, Mode mode, long nanos) throws InterruptedException {
    Objects.requireNonNull(s, "side");
    if (held != null && held.get() != null) {
      throw new IllegalStateException("nested ForkGate enter(" + s + ") while holding " + held.get().side());
    }
    if ((mode == Mode.INTERRUPTIBLE || mode == Mode.TIMED) && Thread.interrupted()) {
      throw new InterruptedException();
    }
    Room r = room(s);
    lock.lock();
    try {
      if ((active == 0 || side == s) && room(s.other()).waitingSince.isEmpty()) {
        active++;
        side = s;
        r.entries++;
        return issue(s);
      }
      if (mode == Mode.TRY) {
        return null;
      }
      long since = handoffs;
      r.waitingSince.addLast(since);
      r.waits++;
      // Admission is only ever granted by a batch handoff, which bumps gen: never re-compete, never barge.
      long g = r.gen;
      long deadline = System.nanoTime() + nanos;
      try {
        while (r.gen == g) {
          if (mode == Mode.UNINTERRUPTIBLE) {
            r.admitted.awaitUninterruptibly();
          } else if (mode == Mode.INTERRUPTIBLE) {
            r.admitted.await();
          } else {
            long left = deadline - System.nanoTime();
            if (left <= 0L) {
              withdraw(s, since);
              return null;
            }
            r.admitted.awaitNanos(left);
          }
        }
      } catch (InterruptedException e) {
        if (r.gen == g) {
          withdraw(s, since);
          throw e;
        }
        // T1: the handoff already counted us in active; give the ticket, keep the interrupt.
        Thread.currentThread().interrupt();
      }
      return issue(s);
    } finally {
      assert invariantsHold() : stats();
      lock.unlock();
    }
  }

  private Ticket issue(Side s) {
    GateTicket t = new GateTicket(s, held != null ? Thread.currentThread() : null);
    if (held != null) {
      held.set(t);
    }
    return t;
  }

  private Room room(Side s) {
    return rooms[s.ordinal()];
  }

  /** Admits every waiter of {@code s} at once (P4); the caller has checked that {@code s} may hold the room. */
  private void admit(Side s) {
    Room r = room(s);
    int n = r.waitingSince.size();
    handoffs++;
    // Measured here, not when a waiter wakes: handoffs after its admission are not its wait.
    maxHandoffsWaited = Math.max(maxHandoffsWaited, (int) (handoffs - r.waitingSince.getFirst()));
    r.waitingSince.clear();
    active += n;
    side = s;
    r.entries += n;
    r.gen++;
    maxBatch = Math.max(maxBatch, n);
    r.admitted.signalAll();
  }

  /** A waiter of {@code s} that arrived at handoff count {@code since} gives up without having been admitted. */
  private void withdraw(Side s, long since) {
    Room r = room(s);
    r.waitingSince.removeFirstOccurrence(since); // waiters with the same arrival count are interchangeable
    // T2: if this was the last s-waiter, other-side waiters held back only by the closure it caused would
    // otherwise stay parked until the current phase drains, or forever if the room were empty.
    if (r.waitingSince.isEmpty() && !room(s.other()).waitingSince.isEmpty() && (active == 0 || side == s.other())) {
      admit(s.other());
    }
  }

  private void release(GateTicket t) {
    if (t.owner != null && t.owner != Thread.currentThread()) {
      throw new IllegalStateException("ForkGate ticket closed by " + Thread.currentThread().getName()
          + " but held by " + t.owner.getName());
    }
    lock.lock();
    try {
      if (t.closed) {
        throw new IllegalStateException("ForkGate ticket already closed");
      }
      t.closed = true;
      if (--active == 0) {
        // I4: the last one out hands off in the same critical section, so no waiter outlives an empty room.
        if (!room(side.other()).waitingSince.isEmpty()) {
          admit(side.other());
        } else {
          side = null;
        }
      }
    } finally {
      assert invariantsHold() : stats();
      lock.unlock();
    }
    if (held != null) {
      held.remove();
    }
  }

  /** I2 (every waiter has a reason to wait) and I4 (an empty room has no side); checked under -ea. */
  private boolean invariantsHold() {
    for (Side s : Side.values()) {
      if (!room(s).waitingSince.isEmpty()
          && !(active > 0 && (side == s.other() || !room(s.other()).waitingSince.isEmpty()))) {
        return false;
      }
    }
    return active >= 0 && (active == 0) == (side == null);
  }

  private final class GateTicket implements Ticket {
    private final Side side;
    private final Thread owner; // only in debug mode
    private boolean closed;     // guarded by lock

    GateTicket(Side side, Thread owner) {
      this.side = side;
      this.owner = owner;
    }

    @Override
    public Side side() {
      return side;
    }

    @Override
    public void close() {
      release(this);
    }
  }
}
