package io.jshim.daemon.cgroup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pays ahead the kernel's wait that makes a container's first cgroup join slow.
 *
 * <p>Every move of a task between cgroups (a write to {@code cgroup.procs} or {@code tasks}, in any hierarchy,
 * v1 or v2) takes the kernel's global {@code cgroup_threadgroup_rwsem} for writing. After a quiet spell the
 * semaphore is in its reader-fast mode, and the first writer waits a whole RCU grace period to leave it (measured
 * here: 5 to 8 ms after 30 ms without a move, 0.05 ms within 10 ms of the previous one). A spawn helper joining
 * the container's cgroups would pay that inside Create. {@link #prime} moves a thread of the daemon into the cgroup
 * it is already in, on a thread of its own, as soon as a Create begins: the grace period then passes while the
 * daemon reads the bundle and makes the cgroup, and the helper's join finds the semaphore ready.
 *
 * <p>The move is a no-op for the cgroup tree. Any failure (a daemon that may not write its own cgroup) turns
 * priming off for good: it only ever saves time.
 */
final class AttachPrimer {
  private static final Path THREAD_SELF = Path.of("/proc/thread-self");
  private static final Path THREAD_SELF_CGROUP = THREAD_SELF.resolve("cgroup");

  private final Hierarchy hierarchy;
  // one move at a time and at most one more waiting: a Create that finds one queued is served by it
  private final ThreadPoolExecutor mover = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
      new ArrayBlockingQueue<>(1), AttachPrimer::newThread, new ThreadPoolExecutor.DiscardPolicy());
  private volatile boolean disabled;
  private volatile String offBecause = "";
  private final AtomicLong moves = new AtomicLong();

  /** @param hierarchy where the no-op move is made: any hierarchy will do, the semaphore is global */
  AttachPrimer(Hierarchy hierarchy) {
    this.hierarchy = hierarchy;
  }

  /** Starts a no-op cgroup move in the background, unless one is waiting to run already; never blocks. */
  void prime() {
    if (!disabled) {
      mover.execute(() -> {
        if (!disabled && !ownTid().map(this::moveInPlace).orElse(false)) {
          disabled = true;
        }
      });
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

  private static Thread newThread(Runnable task) {
    Thread thread = new Thread(task, "jshim-cgroup-primer");
    thread.setDaemon(true);
    return thread;
  }

  private boolean moveInPlace(String tid) {
    try {
      Optional<Path> target = ownDir().map(dir -> dir.resolve(hierarchy.mount().unified() ? "cgroup.procs" : "tasks"));
      if (target.isEmpty()) {
        offBecause = "this thread's cgroup in " + hierarchy.label() + " is not in " + THREAD_SELF_CGROUP;
        return false;
      }
      // v2 moves whole processes only: the daemon's pid, into the cgroup it is in
      String who = hierarchy.mount().unified() ? String.valueOf(ProcessHandle.current().pid()) : tid;
      CgroupFs.write(target.get(), who);
      moves.incrementAndGet();
      return true;
    } catch (IOException | RuntimeException e) {
      offBecause = e.toString();
      return false;
    }
  }

  // read each time: a service manager may have moved the daemon since it started
  private Optional<Path> ownDir() throws IOException {
    List<Membership> memberships = Membership.parse(Files.readString(THREAD_SELF_CGROUP, StandardCharsets.UTF_8));
    return memberships.stream()
        .filter(m -> hierarchy.mount().unified() ? m.hierarchyId() == 0 : m.controllers().equals(hierarchy.controllers()))
        .findFirst()
        .map(m -> new Hierarchy(hierarchy.mount(), hierarchy.controllers(), m.path())
            .dirFor(new CgroupsPath(false, List.of())));
  }

  // "/proc/thread-self" links to "PID/task/TID"
  private Optional<String> ownTid() {
    try {
      return Optional.of(Files.readSymbolicLink(THREAD_SELF).getFileName().toString());
    } catch (IOException | RuntimeException e) {
      offBecause = e.toString();
      return Optional.empty();
    }
  }
}
