package io.jshim.daemon.task;

import io.jshim.daemon.spawn.HookCommand;
import io.jshim.daemon.spawn.HookKind;
import io.jshim.daemon.spawn.HookSetup;
import io.jshim.daemon.spawn.Spawner;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * One task's OCI hooks, run where and when the runtime spec says: prestart and createRuntime by the daemon while
 * the workload waits in its namespaces before its root switch; createContainer (before the switch) and
 * startContainer (before execve) by the workload; poststart by the daemon once the program runs; poststop by the
 * daemon after Delete. The daemon's hooks run in its own namespaces with the bundle as their working directory.
 */
final class TaskHooks {
  static final String CREATING = "creating";
  static final String RUNNING = "running";
  static final String STOPPED = "stopped";

  private final OciHooks hooks;
  private final HookState state;
  private final Path bundle;
  private final Spawner spawner;

  TaskHooks(OciHooks hooks, HookState state, Path bundle, Spawner spawner) {
    this.hooks = hooks;
    this.state = state;
    this.bundle = bundle;
    this.spawner = spawner;
  }

  /** What the init's spawn carries: the workload's own hooks and, with prestart or createRuntime hooks, the stop. */
  HookSetup initSetup() {
    Optional<HookSetup.Stop> stop = hooks.stopsForRuntimeHooks()
        ? Optional.of(pid -> run(Stream.concat(hooks.of(HookKind.PRESTART).stream(),
            hooks.of(HookKind.CREATE_RUNTIME).stream()).toList(), CREATING, OptionalInt.of(pid)))
        : Optional.empty();
    return new HookSetup(hooks.inContainer(), state.withoutStatusAndPid(), stop);
  }

  /** The poststart hooks, the program running as {@code pid}. */
  void poststart(int pid) {
    run(hooks.of(HookKind.POSTSTART), RUNNING, OptionalInt.of(pid));
  }

  /** The poststop hooks, the container gone (no pid). */
  void poststop() {
    run(hooks.of(HookKind.POSTSTOP), STOPPED, OptionalInt.empty());
  }

  boolean hasPoststop() {
    return !hooks.of(HookKind.POSTSTOP).isEmpty();
  }

  private void run(List<HookCommand> commands, String status, OptionalInt pid) {
    if (!commands.isEmpty()) {
      spawner.runHooks(commands, state.json(status, pid), bundle.toString());
    }
  }
}
