package io.jshim.daemon.cgroup;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the kernel gets for the slow transitions.
 *
 * @param freeze until every process is frozen or thawed
 * @param remove until an emptied cgroup can be removed (exited processes leave once they are reaped)
 */
record Timeouts(Duration freeze, Duration remove) {
  static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(2));

  Timeouts {
    Objects.requireNonNull(freeze, "freeze");
    Objects.requireNonNull(remove, "remove");
  }
}
