package io.jshim.daemon.cgroup;

import io.jshim.daemon.error.ShimException;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a kernel state that has no cheap notification, with a short backoff. */
final class Poll {
  private static final long FIRST_SLEEP_MILLIS = 1;
  private static final long MAX_SLEEP_MILLIS = 16;

  private Poll() {}

  /**
   * Calls {@code done} until it returns true or {@code timeout} passes.
   *
   * @param what the wait, for the message if the thread is interrupted
   * @return whether {@code done} returned true in time
   */
  static boolean until(String what, Duration timeout, BooleanSupplier done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long sleep = FIRST_SLEEP_MILLIS;
    while (true) {
      if (done.getAsBoolean()) {
        return true;
      }
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      try {
        Thread.sleep(sleep);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw ShimException.internal("interrupted while waiting for " + what, e);
      }
      sleep = Math.min(sleep * 2, MAX_SLEEP_MILLIS);
    }
  }
}
