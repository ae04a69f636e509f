package io.jshim.client;

import java.time.Instant;
import java.util.Objects;

/**
 * How a task's process ended.
 *
 * @param pid the process id, or 0 where the daemon does not report it (a {@code Wait} answer carries no pid)
 * @param exitStatus the exit code, or 128 + the signal number if a signal killed the process
 * @param exitedAt when the process exited; {@link Instant#EPOCH} if the daemon did not say (it never ran)
 */
public record ExitResult(int pid, int exitStatus, Instant exitedAt) {

  /** Checks that {@code exitedAt} is not {@code null}. */
  public ExitResult {
    Objects.requireNonNull(exitedAt, "exitedAt");
  }

  /**
   * Tells whether a signal ended the process, by the shell convention that statuses above 128 are 128 + signal.
   *
   * @return {@code true} if the exit status is above 128
   */
  public boolean signaled() {
    return exitStatus > 128;
  }
}
