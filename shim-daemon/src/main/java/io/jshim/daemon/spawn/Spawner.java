package io.jshim.daemon.spawn;

/** Starts workloads and holds each one before its execve until it is released. */
public interface Spawner {
  /**
   * Creates the workload in its namespaces and waits until it is set up and held before execve.
   *
   * @throws SpawnException when the helper or the workload reports a failure
   */
  HeldProcess spawn(SpawnRequest request);
}
