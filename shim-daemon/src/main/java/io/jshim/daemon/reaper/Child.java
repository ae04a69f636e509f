package io.jshim.daemon.reaper;

import io.jshim.daemon.sys.Posix;
import java.util.concurrent.CompletableFuture;

/**
 * A process the reaper watches: its exit future, and the only safe way to signal it.
 *
 * <p>Normally a child of ours: the reaper reaps a watched pid while holding this object's monitor, and
 * {@link #signal} checks under the same monitor, so a signal can never reach a pid that has been reaped and
 * perhaps reused. An <em>adopted</em> process (one a previous daemon spawned, found again after a restart) is
 * not our child: it is held by a pidfd and signalled through it; its exit status comes from the kernel's exit
 * notices when those can be read, and is unknown otherwise.
 */
public final class Child {
  private final int pid;
  private final Posix posix;
  private final int pidfd;
  private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
  private boolean reaped;

  Child(int pid, Posix posix) {
    this(pid, posix, -1);
  }

  Child(int pid, Posix posix, int pidfd) {
    this.pid = pid;
    this.posix = posix;
    this.pidfd = pidfd;
  }

  /** True for a process found again after a restart: not our child, its exit status is unknown. */
  public boolean adopted() {
    return pidfd >= 0;
  }

  int pidfd() {
    return pidfd;
  }

  /** The process id. */
  public int pid() {
    return pid;
  }

  /** Completes, never on the reaper thread, once the process has been reaped. */
  public CompletableFuture<ExitStatus> exit() {
    return exit;
  }

  /**
   * Sends {@code signal} unless the process has been reaped.
   *
   * @return false if the process has already been reaped (nothing was signalled)
   */
  public synchronized boolean signal(int signal) {
    if (reaped) {
      return false;
    }
    if (pidfd >= 0) {
      return posix.pidfdSignal(pidfd, signal);
    }
    // until reaped, the pid is ours (at worst a zombie), so it cannot name another process
    return posix.kill(pid, signal);
  }

  /**
   * Runs {@code action} while the process is certain not to be reaped, so that its pid (and its
   * {@code /proc/PID} entries) cannot name another process meanwhile. The reaper waits for the action.
   *
   * @return false if the process had already been reaped, or is adopted (the action did not run)
   */
  public synchronized boolean whileUnreaped(Runnable action) {
    // an adopted process's parent may reap it at any moment: its pid is never certain
    if (reaped || pidfd >= 0) {
      return false;
    }
    action.run();
    return true;
  }

  /**
   * Whether the pid still names this process: a child until it is reaped (a zombie keeps its pid), an adopted process
   * until its pidfd turns readable. For an adopted process, true means it was there at every moment before the call.
   */
  public synchronized boolean pidStillNamesIt() {
    if (reaped) {
      return false;
    }
    return pidfd < 0 || !posix.pidfdExited(pidfd);
  }

  synchronized void markReaped() {
    reaped = true;
  }
}
