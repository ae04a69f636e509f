package io.jshim.daemon.sys;

import java.util.Objects;
import sun.misc.Signal;

/** Routes SIGCHLD to a callback. The JVM runs the callback on its signal dispatcher thread. */
public final class ChildSignals {
  private ChildSignals() {}

  /**
   * Installs {@code onChildExit} as the SIGCHLD handler. Deliveries coalesce: one call may stand for
   * many exits, so the callback must only wake something that reaps until nothing is left.
   */
  @SuppressWarnings("removal")
  public static void onChildExit(Runnable onChildExit) {
    Objects.requireNonNull(onChildExit, "onChildExit");
    Signal.handle(new Signal("CHLD"), signal -> onChildExit.run());
  }
}
