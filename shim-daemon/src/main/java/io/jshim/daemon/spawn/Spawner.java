package io.jshim.daemon.spawn;

import java.util.List;

/** Starts workloads and holds each one before its execve until it is released. */
public interface Spawner {
  /**
   * Creates the workload in its namespaces and waits until it is set up and held before execve.
   *
   * @throws SpawnException when the helper or the workload reports a failure
   */
  HeldProcess spawn(SpawnRequest request);

  /**
   * Runs OCI hooks in the daemon's namespaces (prestart, createRuntime, poststart, poststop), in order, each with
   * {@code state} on stdin and {@code cwd} as its working directory, until one fails. The hook processes are not
   * the daemon's children, so the reaper never sees them.
   *
   * @throws SpawnException (stage HOOK) naming the hook that failed and how
   */
  void runHooks(List<HookCommand> hooks, String state, String cwd);

  /**
   * Runs a program to completion in the daemon's namespaces (as {@link ProgramRun} says) and waits for it. The
   * program is the helper's child, not the daemon's, so the reaper never sees it.
   *
   * @throws SpawnException stage RUN when it exited non-zero, was killed or ran past its timeout; EXEC when it
   *     could not be executed
   */
  void run(ProgramRun run);
}
