package io.jshim.daemon.sys;

import java.time.Duration;
import java.util.List;

/**
 * The kernel's notices of thread exits on the whole host (the netlink process-events connector), carrying the wait
 * status of processes that are not our children. Needs CAP_NET_ADMIN in the initial network namespace.
 *
 * <p>The kernel sends a notice after the exiting thread's pidfd turns readable, and one per thread: the notice of a
 * process's last thread carries the status {@code waitpid} would have returned. Read from one thread only.
 */
public interface ExitNotices extends AutoCloseable {
  /**
   * One thread's exit.
   *
   * @param pid the process (thread group) the thread belonged to
   * @param thread the thread's own id, {@code pid} for the main thread
   * @param waitStatus the raw wait(2) status word of the exit
   */
  record Notice(int pid, int thread, int waitStatus) {}

  /**
   * Waits up to {@code timeout} for notices and returns every one already queued.
   *
   * @return the notices in the order the kernel sent them, empty when the timeout passed first
   * @throws SysException with errno ENOBUFS when the kernel dropped notices because they were not read fast enough
   */
  List<Notice> read(Duration timeout);

  /** Unsubscribes and closes the socket. */
  @Override
  void close();
}
