package io.jshim.daemon.cgroup;

import java.util.function.BooleanSupplier;

/** Waits in tests for a condition the kernel reaches on its own time. */
final class Polling {
  private Polling() {}

  /** True once {@code condition} holds, false after 10 seconds. */
  static boolean until(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(10);
    }
    return condition.getAsBoolean();
  }
}
