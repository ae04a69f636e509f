package io.jshim.daemon.spawn;

import java.util.OptionalInt;

/** A workload that is set up in its namespaces and blocked before execve. */
public interface HeldProcess {
  /** The workload's pid in the daemon's pid namespace. */
  int pid();

  /**
   * Lets the workload execve and waits for the outcome.
   *
   * @throws SpawnException if execve failed (the workload then exits with 127)
   */
  void release();

  /**
   * The pty master of a workload spawned with a console; the caller owns it from the first call on (later calls
   * return empty).
   */
  OptionalInt takeConsole();

  /** Drops the hold without releasing: the workload exits with 126 and never runs the program. */
  void abandon();
}
