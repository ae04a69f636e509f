package io.jshim.bench.runtime;

import java.nio.file.Path;

/** One way of running a container to completion: {@code crun run}, {@code runc run}, or a jshim lifecycle. */
interface ContainerPath {
  String name();

  /**
   * Runs container {@code id} of {@code bundle} to its end (and, for jshim, its Delete).
   *
   * @param thread the client thread (0..C-1); jshim keeps one connection per thread
   * @param stderr where a runtime binary's stderr goes (for the failures of a batch)
   * @return null on exit 0, else what went wrong
   */
  String run(int thread, String id, Path bundle, Path stderr);

  /** Cumulative CPU ticks of the runtime side (compared before and after a batch). */
  long runtimeTicks();

  /** Removes whatever a failed run left behind (best effort). */
  void cleanUp(String id, Path stderr);
}
