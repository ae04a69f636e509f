package io.jshim.daemon.reaper;

import io.jshim.daemon.sys.Posix;
import io.jshim.daemon.sys.SysException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's one reaper: woken by an {@link ExitWatch} (or any {@link #wakeUp} caller), it reaps every exited child until none is left and routes
 * each exit by pid to its {@link Child}.
 *
 * <p>Exits of pids nobody has claimed yet are buffered while any {@link Window} is open, so a process
 * that dies between its spawn and its registration is never lost. Exits of other unknown pids (orphans
 * re-parented to this subreaper) are reaped and dropped.
 */
public final class Reaper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Reaper.class);
  /** A missed wake-up costs at most this much latency; the exit watch is the normal trigger. */
  private static final Duration SAFETY_SWEEP = Duration.ofSeconds(1);

  private final Posix posix;
  private final Executor completions;
  private final Clock clock;
  private final Semaphore wakeups = new Semaphore(0);
  // released when a child may have come to exist, for an ExitWatch that found none
  private final Semaphore childrenMayExist = new Semaphore(0);
  private final Object sweepLock = new Object();
  private long sweeps;
  private final Object lock = new Object();
  private final Map<Integer, Child> watched = new HashMap<>();
  private final Map<Integer, ExitStatus> unclaimed = new HashMap<>();
  private final Adoptions adoptions;
  private final AtomicLong reapedCount = new AtomicLong();
  private final AtomicLong orphanCount = new AtomicLong();
  private final Thread thread;
  private int openWindows;
  private volatile boolean closed;

  private Reaper(Posix posix, Executor completions, Clock clock) {
    this.posix = posix;
    this.completions = completions;
    this.clock = clock;
    this.adoptions = new Adoptions(posix, clock, this::complete);
    this.thread = new Thread(this::run, "jshim-reaper");
    this.thread.setDaemon(true);
  }

  /**
   * Starts the reaper thread. The caller starts an {@link ExitWatch} (or wires SIGCHLD) to {@link #wakeUp()} it.
   *
   * @param completions runs the exit futures' completions, so no waiter runs on the reaper thread
   */
  public static Reaper start(Posix posix, Executor completions, Clock clock) {
    Reaper reaper = new Reaper(Objects.requireNonNull(posix, "posix"),
        Objects.requireNonNull(completions, "completions"), Objects.requireNonNull(clock, "clock"));
    reaper.thread.start();
    return reaper;
  }

  /** Asks the reaper to look for exited children; safe to call from any thread. */
  public void wakeUp() {
    wakeups.release();
  }

  /** Opens a window during which exits of unclaimed pids are kept for {@link Window#claim}. */
  public Window openWindow() {
    synchronized (lock) {
      openWindows++;
    }
    childrenMayExist.release();
    return new Window(this);
  }

  /** Watches a pid that is known to be alive or not yet reaped (outside any window). */
  public Child watch(int pid) {
    return claim(pid);
  }

  /**
   * Signals {@code pid}: through its {@link Child} when it is watched (so a reaped pid is never
   * signalled), directly otherwise (a process that is not our child, e.g. a container's grandchild).
   *
   * @return false if the process no longer exists
   */
  public boolean signal(int pid, int signal) {
    Child child;
    synchronized (lock) {
      child = watched.get(pid);
    }
    return child != null ? child.signal(signal) : posix.kill(pid, signal);
  }

  /**
   * Watches a process that is not our child (a container a previous daemon spawned) through a pidfd, with its exit
   * status from the kernel's exit notices ({@link ExitStatus#UNKNOWN} when none arrives, see {@link Adoptions}). The
   * caller checks that the pid still names the process it means after this returns (pid plus start time).
   *
   * @return empty when no process has that pid any more
   */
  public Optional<Child> adopt(int pid) {
    Optional<Child> child = adoptions.adopt(pid);
    wakeUp();
    return child;
  }

  /** A process that exited before this daemon watched it: a child already reaped, whose exit is {@code exit}. */
  public Child exited(int pid, ExitStatus exit) {
    Child child = new Child(pid, posix);
    child.markReaped();
    complete(child, exit);
    return child;
  }

  /** Stops watching an adopted process (it was not the one meant) and closes its pidfd. */
  public void release(Child child) {
    adoptions.release(child);
  }

  /** Number of processes reaped so far. */
  public long reapedCount() {
    return reapedCount.get();
  }

  /** Number of reaped processes nobody had claimed (orphans and helpers). */
  public long orphanCount() {
    return orphanCount.get();
  }

  /** How many times the reaper has reaped every exited child so far. */
  long sweeps() {
    synchronized (sweepLock) {
      return sweeps;
    }
  }

  /** Waits until the reaper has swept more than {@code seen} times, or {@code max} has passed. */
  void awaitSweep(long seen, Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    synchronized (sweepLock) {
      while (sweeps <= seen && !closed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        TimeUnit.NANOSECONDS.timedWait(sweepLock, left);
      }
    }
  }

  /** Waits until a spawn may have made a child, or {@code max} has passed. */
  void awaitChildren(Duration max) throws InterruptedException {
    childrenMayExist.tryAcquire(max.toMillis(), TimeUnit.MILLISECONDS);
    childrenMayExist.drainPermits();
  }

  boolean closed() {
    return closed;
  }

  Child claim(int pid) {
    Child child = new Child(pid, posix);
    ExitStatus early;
    synchronized (lock) {
      if (watched.containsKey(pid)) {
        throw new IllegalStateException("pid " + pid + " is already watched");
      }
      early = unclaimed.remove(pid);
      if (early == null) {
        watched.put(pid, child);
        return child;
      }
    }
    child.markReaped();
    complete(child, early);
    return child;
  }

  void closeWindow() {
    synchronized (lock) {
      if (--openWindows == 0) {
        unclaimed.clear();
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    childrenMayExist.release();
    synchronized (sweepLock) {
      sweepLock.notifyAll();
    }
    thread.interrupt();
    adoptions.close();
  }

  private void run() {
    while (!closed) {
      try {
        wakeups.tryAcquire(SAFETY_SWEEP.toMillis(), TimeUnit.MILLISECONDS);
        wakeups.drainPermits();
        reapAll();
        synchronized (sweepLock) {
          sweeps++;
          sweepLock.notifyAll();
        }
        adoptions.sweep();
      } catch (InterruptedException e) {
        if (closed) {
          return;
        }
      } catch (RuntimeException e) {
        log.error("reaper loop failed; continuing", e);
      }
    }
  }

  /** Reaps until no exited child is left: SIGCHLD deliveries coalesce, so one wake-up may mean many exits. */
  private void reapAll() {
    while (true) {
      OptionalInt next = posix.peekExitedChild();
      if (next.isEmpty()) {
        return;
      }
      reapOne(next.getAsInt());
    }
  }

  private void reapOne(int pid) {
    Child child;
    synchronized (lock) {
      child = watched.remove(pid);
      if (child == null) {
        // claim() takes the same lock, so this pid cannot be claimed between the reap and the buffering
        reapUnwatched(pid);
        return;
      }
    }
    OptionalInt raw;
    synchronized (child) {
      raw = reap(pid);
      child.markReaped();
    }
    if (raw.isPresent()) {
      complete(child, ExitStatus.fromWaitStatus(pid, raw.getAsInt(), clock.instant()));
    }
  }

  private void reapUnwatched(int pid) {
    OptionalInt raw = reap(pid);
    if (raw.isEmpty()) {
      return;
    }
    ExitStatus exit = ExitStatus.fromWaitStatus(pid, raw.getAsInt(), clock.instant());
    if (openWindows > 0) {
      unclaimed.put(pid, exit);
    } else {
      orphanCount.incrementAndGet();
      log.debug("reaped unclaimed process {} (status {})", pid, exit.status());
    }
  }

  private OptionalInt reap(int pid) {
    try {
      OptionalInt raw = posix.reap(pid);
      if (raw.isPresent()) {
        reapedCount.incrementAndGet();
      }
      return raw;
    } catch (SysException e) {
      log.error("cannot reap pid {}", pid, e);
      return OptionalInt.empty();
    }
  }

  private void complete(Child child, ExitStatus exit) {
    completions.execute(() -> child.exit().complete(exit));
  }
}
