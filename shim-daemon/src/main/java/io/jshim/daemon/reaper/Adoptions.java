package io.jshim.daemon.reaper;

import io.jshim.daemon.sys.Errnos;
import io.jshim.daemon.sys.ExitNotices;
import io.jshim.daemon.sys.Posix;
import io.jshim.daemon.sys.SysException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes a previous daemon spawned, found again after a restart: held by pidfds, with their exit statuses read
 * from the kernel's exit notices ({@link ExitNotices}), which are subscribed to only while such a process is watched.
 *
 * <p>A process's exit is published with the status of the last notice for it that arrives within {@link #SETTLE}
 * of the first one seen after its pidfd turned readable: every thread sends a notice, and a worker thread ending at
 * the same moment as the process must not decide the status. An exit with no notice within {@link #NOTICE_GRACE}
 * (dropped by the kernel, or notices unavailable) is published as {@link ExitStatus#UNKNOWN}. A process that
 * exited before the subscription has no notice either; its exit is unknown too.
 */
final class Adoptions {
  private static final Logger log = LoggerFactory.getLogger(Adoptions.class);
  static final Duration SETTLE = Duration.ofMillis(50);
  static final Duration NOTICE_GRACE = Duration.ofSeconds(2);
  private static final Duration READ_TIMEOUT = Duration.ofMillis(500);

  private final Posix posix;
  private final Clock clock;
  private final BiConsumer<Child, ExitStatus> complete;
  private final Object lock = new Object();
  /** Guarded by lock. */
  private final Map<Integer, Adopted> byPid = new HashMap<>();
  /** Guarded by lock; null when nothing listens. */
  private Listener listener;

  /** One watched process; its fields are guarded by the lock of the {@link Adoptions}. */
  private static final class Adopted {
    final Child child;
    OptionalInt waitStatus = OptionalInt.empty();
    long settleAt;
    long exitSeenAt = -1;

    Adopted(Child child) {
      this.child = child;
    }
  }

  Adoptions(Posix posix, Clock clock, BiConsumer<Child, ExitStatus> complete) {
    this.posix = posix;
    this.clock = clock;
    this.complete = complete;
  }

  Optional<Child> adopt(int pid) {
    // one critical section: a sweep in between would find nothing adopted and stop the listener
    synchronized (lock) {
      // subscribed before the process is looked at: an exit after the pidfd shows it alive has its notice
      if (listener == null) {
        listener = Listener.start(this);
      }
      OptionalInt pidfd = posix.pidfdOpen(pid);
      if (pidfd.isEmpty()) {
        stopListeningIfIdle();
        return Optional.empty();
      }
      Child child = new Child(pid, posix, pidfd.getAsInt());
      if (byPid.putIfAbsent(pid, new Adopted(child)) != null) {
        posix.closeQuietly(pidfd.getAsInt());
        throw new IllegalStateException("pid " + pid + " is already adopted");
      }
      return Optional.of(child);
    }
  }

  void release(Child child) {
    synchronized (lock) {
      Adopted adopted = byPid.get(child.pid());
      if (adopted == null || adopted.child != child) {
        return;
      }
      byPid.remove(child.pid());
      stopListeningIfIdle();
    }
    synchronized (child) {
      child.markReaped();
    }
    posix.closeQuietly(child.pidfd());
  }

  /** Publishes the exits that can be: called on every reaper sweep, and by the listener after each read. */
  void sweep() {
    List<Finished> finished = new ArrayList<>();
    long now = System.nanoTime();
    synchronized (lock) {
      boolean listening = listener != null && listener.working;
      for (Iterator<Adopted> it = byPid.values().iterator(); it.hasNext(); ) {
        Adopted adopted = it.next();
        if (adopted.waitStatus.isPresent()) {
          if (now - adopted.settleAt >= 0) {
            it.remove();
            finished.add(new Finished(adopted.child, adopted.waitStatus));
          }
          continue;
        }
        if (!posix.pidfdExited(adopted.child.pidfd())) {
          continue;
        }
        if (adopted.exitSeenAt < 0) {
          adopted.exitSeenAt = now;
        }
        if (!listening || now - adopted.exitSeenAt >= NOTICE_GRACE.toNanos()) {
          it.remove();
          finished.add(new Finished(adopted.child, OptionalInt.empty()));
        }
      }
      stopListeningIfIdle();
    }
    for (Finished f : finished) {
      publish(f);
    }
  }

  /** Stops listening for notices; the reaper is closing. */
  void close() {
    synchronized (lock) {
      if (listener != null) {
        listener.stopped = true;
        listener = null;
      }
    }
  }

  private void onNotices(List<ExitNotices.Notice> notices) {
    synchronized (lock) {
      for (ExitNotices.Notice notice : notices) {
        Adopted adopted = byPid.get(notice.pid());
        // a notice while the process still runs is one of its threads ending
        if (adopted == null || !posix.pidfdExited(adopted.child.pidfd())) {
          continue;
        }
        if (adopted.waitStatus.isEmpty()) {
          adopted.settleAt = System.nanoTime() + SETTLE.toNanos();
        }
        adopted.waitStatus = OptionalInt.of(notice.waitStatus());
      }
    }
  }

  // lock held
  private void stopListeningIfIdle() {
    if (byPid.isEmpty() && listener != null) {
      listener.stopped = true;
      listener = null;
    }
  }

  private void publish(Finished finished) {
    Child child = finished.child();
    synchronized (child) {
      child.markReaped();
    }
    posix.closeQuietly(child.pidfd());
    ExitStatus exit = finished.waitStatus().isPresent()
        ? ExitStatus.fromWaitStatus(child.pid(), finished.waitStatus().getAsInt(), clock.instant())
        : new ExitStatus(child.pid(), ExitStatus.UNKNOWN, clock.instant());
    if (finished.waitStatus().isEmpty()) {
      log.warn("adopted process {} exited without an exit notice; its status is unknown", child.pid());
    }
    complete.accept(child, exit);
  }

  private record Finished(Child child, OptionalInt waitStatus) {}

  /** The thread reading exit notices; it owns the socket and closes it when stopped. */
  private static final class Listener implements Runnable {
    private final Adoptions adoptions;
    private final ExitNotices notices;
    volatile boolean stopped;
    volatile boolean working;

    private Listener(Adoptions adoptions, ExitNotices notices) {
      this.adoptions = adoptions;
      this.notices = notices;
      this.working = notices != null;
    }

    static Listener start(Adoptions adoptions) {
      ExitNotices notices = null;
      try {
        notices = adoptions.posix.exitNotices();
      } catch (SysException e) {
        log.warn("cannot subscribe to the kernel's exit notices ({}): the exit status of every container adopted "
            + "after this restart will be reported as {}", e.getMessage(), ExitStatus.UNKNOWN);
      }
      Listener listener = new Listener(adoptions, notices);
      if (notices != null) {
        Thread thread = new Thread(listener, "jshim-exit-notices");
        thread.setDaemon(true);
        thread.start();
      }
      return listener;
    }

    @Override
    public void run() {
      try {
        while (!stopped) {
          try {
            List<ExitNotices.Notice> read = notices.read(anySettling() ? SETTLE : READ_TIMEOUT);
            adoptions.onNotices(read);
            adoptions.sweep();
          } catch (SysException e) {
            if (e.errno() != Errnos.ENOBUFS) {
              throw e;
            }
            // notices were dropped: an exit whose notice was among them is published unknown after the grace period
            log.warn("reading exit notices: {}", e.getMessage());
          }
        }
      } catch (RuntimeException e) {
        working = false;
        log.error("exit notices reader failed; adopted exits without a notice are reported as {}",
            ExitStatus.UNKNOWN, e);
      } finally {
        notices.close();
      }
    }

    private boolean anySettling() {
      synchronized (adoptions.lock) {
        return adoptions.byPid.values().stream().anyMatch(a -> a.waitStatus.isPresent());
      }
    }
  }
}
