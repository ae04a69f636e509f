package io.jshim.daemon.cgroup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps the kernel ready for cgroup joins while containers are being made, so that a container's join does not
 * wait for an RCU grace period.
 *
 * <p>Every move of a task between cgroups (a write to {@code cgroup.procs} or {@code tasks}, in any hierarchy,
 * v1 or v2) takes the kernel's global {@code cgroup_threadgroup_rwsem} for writing, holding {@code cgroup_mutex}.
 * The semaphore leaves its reader-fast mode only after a whole RCU grace period, and goes back to it about a grace
 * period after the last writer. Measured here (kernel 6.18, HZ=250), a move 1 to 10 ms after the previous one
 * takes 0.03 ms; 15 ms after, now and then 5 ms; 20 ms or more after, 6 to 8 ms, sometimes 18. The wait happens
 * with {@code cgroup_mutex} held, so it also stalls every {@code mkdir} and {@code rmdir} of a cgroup on the host
 * meanwhile: at one container at a time, the spawn helper's join and the daemon's own cgroup creation paid it on
 * nearly every Create.
 *
 * <p>{@link #prime} (called when a Create or an exec begins) starts a thread of the daemon that moves itself into
 * the cgroup it is already in, a no-op for the cgroup tree, right away and then every {@link #TICK} until
 * {@link #HOLD} after the last prime. Moves closer together than a grace period keep the semaphore in its writer
 * mode, as the kernel's {@code favordynmods} mount option does for good; outside the hold the host is left as it
 * was. The cost is one write every {@link #TICK} while containers keep coming; each took about 0.03 ms here.
 *
 * <p>Any failure (a daemon that may not write its own cgroup) turns priming off for good: it only ever saves time.
 */
final class AttachPrimer {
  /** Well inside the 10 ms after a move in which the next one was always fast here. */
  static final Duration TICK = Duration.ofMillis(5);
  /**
   * How long after a Create the moves go on: longer than the gap between the Creates of a client making
   * containers one after the other, short enough that a lone Create costs at most ten moves (0.03 ms each).
   */
  static final Duration HOLD = Duration.ofMillis(50);

  private static final Path THREAD_SELF = Path.of("/proc/thread-self");
  private static final Path THREAD_SELF_CGROUP = THREAD_SELF.resolve("cgroup");

  private final Hierarchy hierarchy;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition primed = lock.newCondition();
  private final AtomicLong moves = new AtomicLong();
  // guarded by lock
  private long hotUntil;
  private boolean started;
  private volatile boolean disabled;
  private volatile String offBecause = "";

  /** @param hierarchy where the no-op moves are made: any hierarchy will do, the semaphore is global */
  AttachPrimer(Hierarchy hierarchy) {
    this.hierarchy = hierarchy;
  }

  /** Makes sure no-op moves run now and for {@link #HOLD} from now, in the background; never blocks for long. */
  void prime() {
    if (disabled) {
      return;
    }
    lock.lock();
    try {
      hotUntil = System.nanoTime() + HOLD.toNanos();
      if (!started) {
        started = true;
        Thread keeper = new Thread(this::keep, "jshim-cgroup-primer");
        keeper.setDaemon(true);
        keeper.start();
      } else {
        primed.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  /** How many no-op moves were made, for tests. */
  long moves() {
    return moves.get();
  }

  /** Whether a failure turned priming off, for tests. */
  boolean disabled() {
    return disabled;
  }

  @Override
  public String toString() {
    return "cgroup join priming in " + hierarchy.label() + (disabled ? " (off: " + offBecause + ")" : "");
  }

  private void keep() {
    try {
      while (true) {
        awaitPrime();
        // one open file per busy spell: each write to it is one move
        try (FileChannel target = openTarget()) {
          ByteBuffer who = ByteBuffer.wrap(who().getBytes(StandardCharsets.US_ASCII));
          do {
            target.write(who.rewind());
            moves.incrementAndGet();
            TimeUnit.NANOSECONDS.sleep(TICK.toNanos());
          } while (hot());
        }
      }
    } catch (IOException | RuntimeException e) {
      offBecause = e.toString();
      disabled = true;
    } catch (InterruptedException e) {
      offBecause = "interrupted";
      disabled = true;
    }
  }

  private void awaitPrime() throws InterruptedException {
    lock.lock();
    try {
      while (System.nanoTime() - hotUntil >= 0) {
        primed.await();
      }
    } finally {
      lock.unlock();
    }
  }

  private boolean hot() {
    lock.lock();
    try {
      return System.nanoTime() - hotUntil < 0;
    } finally {
      lock.unlock();
    }
  }

  // read each busy spell: a service manager may have moved the daemon since it started
  private FileChannel openTarget() throws IOException {
    List<Membership> memberships = Membership.parse(Files.readString(THREAD_SELF_CGROUP, StandardCharsets.UTF_8));
    Optional<Path> dir = memberships.stream()
        .filter(m -> hierarchy.mount().unified() ? m.hierarchyId() == 0 : m.controllers().equals(hierarchy.controllers()))
        .findFirst()
        .map(m -> new Hierarchy(hierarchy.mount(), hierarchy.controllers(), m.path())
            .dirFor(new CgroupsPath(false, List.of())));
    if (dir.isEmpty()) {
      throw new IllegalStateException("this thread's cgroup in " + hierarchy.label() + " is not in "
          + THREAD_SELF_CGROUP);
    }
    return FileChannel.open(dir.get().resolve(hierarchy.mount().unified() ? "cgroup.procs" : "tasks"),
        StandardOpenOption.WRITE);
  }

  // v1 moves this thread ("/proc/thread-self" links to "PID/task/TID"); v2 moves whole processes only: the daemon
  private String who() throws IOException {
    return hierarchy.mount().unified()
        ? String.valueOf(ProcessHandle.current().pid())
        : Files.readSymbolicLink(THREAD_SELF).getFileName().toString();
  }
}
