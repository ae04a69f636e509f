package io.jshim.daemon.reaper;

import io.jshim.daemon.sys.Posix;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes the {@link Reaper} when a child exits, without SIGCHLD: one thread blocks in
 * {@code waitid(P_ALL, WEXITED | WNOWAIT)}, which returns as soon as any child is a zombie and reaps nothing, then
 * wakes the reaper and waits for it to sweep before it looks again.
 *
 * <p>Why not SIGCHLD: the JDK runs every Java signal handler on a new thread, so each exit cost a thread start and
 * exit in the daemon, and two hand-offs (signal dispatcher, handler thread, reaper) before the reap. With no child
 * at all {@code waitid} returns at once; the watch then sleeps until a spawn window opens (or a second passes,
 * the reaper's own safety sweep interval).
 */
public final class ExitWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ExitWatch.class);
  private static final Duration NO_CHILD_RECHECK = Duration.ofSeconds(1);
  private static final Duration SWEEP_WAIT = Duration.ofSeconds(1);
  // a zombie the reaper could not reap would be reported again at once: look again only after this pause
  private static final long SAME_PID_PAUSE_MILLIS = 10;

  private final Posix posix;
  private final Reaper reaper;
  private final Thread thread;

  private ExitWatch(Posix posix, Reaper reaper) {
    this.posix = posix;
    this.reaper = reaper;
    this.thread = new Thread(this::run, "jshim-exit-watch");
    this.thread.setDaemon(true);
  }

  /** Starts watching this process's children for {@code reaper}. */
  public static ExitWatch start(Posix posix, Reaper reaper) {
    ExitWatch watch = new ExitWatch(Objects.requireNonNull(posix, "posix"), Objects.requireNonNull(reaper, "reaper"));
    watch.thread.start();
    return watch;
  }

  /**
   * Stops after the next exit or spawn window at the latest: a thread inside {@code waitid} cannot be interrupted,
   * and it reaps nothing, so one left waiting takes no exit from anybody.
   */
  @Override
  public void close() {
    thread.interrupt();
  }

  private void run() {
    int lastPid = -1;
    while (!reaper.closed() && !Thread.currentThread().isInterrupted()) {
      try {
        OptionalInt exited = posix.awaitExitedChild();
        if (reaper.closed()) {
          return;
        }
        if (exited.isEmpty()) {
          reaper.awaitChildren(NO_CHILD_RECHECK);
          continue;
        }
        if (exited.getAsInt() == lastPid) {
          Thread.sleep(SAME_PID_PAUSE_MILLIS);
        }
        lastPid = exited.getAsInt();
        long seen = reaper.sweeps();
        reaper.wakeUp();
        reaper.awaitSweep(seen, SWEEP_WAIT);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.error("exit watch failed; the reaper falls back to its sweep every {} s", NO_CHILD_RECHECK.toSeconds(), e);
        return;
      }
    }
  }
}
