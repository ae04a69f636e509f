package io.jshim.daemon.spawn;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The OCI hooks of one spawn.
 *
 * @param inContainer createContainer and startContainer hooks, which the workload runs itself
 * @param state the container's state JSON without {@code status} and {@code pid}, which the workload adds
 * @param atStop what the daemon runs while the workload waits with its namespaces and mounts ready, before the
 *     switch to its root (the prestart and createRuntime hooks); empty for no stop
 */
public record HookSetup(List<HookCommand> inContainer, String state, Optional<Stop> atStop) {
  private static final HookSetup NONE = new HookSetup(List.of(), "{}", Optional.empty());

  public HookSetup {
    inContainer = List.copyOf(inContainer);
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(atStop, "atStop");
    if (inContainer.stream().anyMatch(h -> !h.kind().inContainer())) {
      throw new IllegalArgumentException("inContainer: " + inContainer
          + " (expected: only createContainer and startContainer hooks)");
    }
  }

  /** No hooks. */
  public static HookSetup none() {
    return NONE;
  }

  /** Work done at the workload's HOOKS stop. */
  @FunctionalInterface
  public interface Stop {
    /**
     * @param pid the workload's pid in the daemon's pid namespace
     * @throws RuntimeException to fail the spawn (the workload is then killed)
     */
    void run(int pid);
  }
}
