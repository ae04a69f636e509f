package io.jshim.daemon.task;

import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.io.StdioPaths;
import io.jshim.daemon.reaper.ExitStatus;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * An exec process of a task: registered by Exec, spawned and released only by Start (containerd's order), then
 * a {@link ShimProcess} like the init process.
 */
final class ExecProcess {
  /** Go's zero time: containerd's exit time of a process that never ran. */
  static final Instant NEVER = Instant.ofEpochSecond(-62135596800L);

  private final String id;
  private final ProcessConfig config;
  private final StdioPaths stdio;
  private final boolean terminal;
  private final CompletableFuture<ShimProcess> started = new CompletableFuture<>();
  private final Object lock = new Object();
  private volatile ShimProcess process;
  private volatile boolean deleted;
  private volatile long startTime;
  private volatile ExitStatus reapedExit;

  ExecProcess(String id, ProcessConfig config, StdioPaths stdio, boolean terminal) {
    this.id = id;
    this.config = config;
    this.stdio = stdio;
    this.terminal = terminal;
  }

  /**
   * An exec a previous daemon started, found again after a restart: already started, so it never spawns and needs
   * no process spec.
   *
   * @param startTime its start time in clock ticks since boot, as recorded
   * @param process makes its process, whose hooks may refer to the exec
   */
  static ExecProcess restored(String id, long startTime, Function<ExecProcess, ShimProcess> process) {
    ExecProcess exec = new ExecProcess(id, null, StdioPaths.none(), false);
    exec.startTime = startTime;
    ShimProcess restored = process.apply(exec);
    exec.process = restored;
    exec.started.complete(restored);
    return exec;
  }

  String id() {
    return id;
  }

  ProcessConfig config() {
    if (config == null) {
      throw new IllegalStateException("exec " + id + " was restored after a restart and has no process spec");
    }
    return config;
  }

  /** The process's start time in clock ticks since boot (with its pid, its identity on disk); 0 until spawned. */
  long startTime() {
    return startTime;
  }

  /** Set right after the spawn, while the process is held (so {@code /proc/PID} is its). */
  void spawned(long startTime) {
    this.startTime = startTime;
  }

  /** The exit from the moment the process was reaped, before it is published; null until then. */
  ExitStatus reapedExit() {
    return reapedExit;
  }

  void reaped(ExitStatus exit) {
    reapedExit = exit;
  }

  StdioPaths stdio() {
    return stdio;
  }

  boolean terminal() {
    return terminal;
  }

  /** Created with pid 0 until started. */
  ProcessState state() {
    ShimProcess now = process;
    return now == null ? new ProcessState.Created(0) : now.state();
  }

  /** The spawned process, once started. */
  Optional<ShimProcess> process() {
    return Optional.ofNullable(process);
  }

  /** Completes with the published exit; a Wait before Start waits for the start too. */
  CompletableFuture<ExitStatus> exited() {
    return started.thenCompose(ShimProcess::exited);
  }

  /**
   * Spawns and releases the process.
   *
   * @param spawn creates the held process (in the task's namespaces and cgroup)
   * @return its pid
   */
  int start(Supplier<ShimProcess> spawn) {
    synchronized (lock) {
      if (deleted) {
        throw ShimException.notFound("exec " + id + " has been deleted");
      }
      if (process != null) {
        throw ShimException.failedPrecondition("cannot start exec " + id + ": it is " + process.state().name()
            + " (expected: created, started once)");
      }
      ShimProcess spawned = spawn.get();
      process = spawned;
      try {
        spawned.start();
      } finally {
        // a failed execve still exits, and waiters must hear of that exit
        started.complete(spawned);
      }
      return spawned.pid();
    }
  }

  void kill(int signal) {
    ShimProcess now = process;
    if (now == null) {
      throw ShimException.failedPrecondition("cannot signal exec " + id + ": it has not been started (expected: running)");
    }
    now.kill(signal);
  }

  /** Removes a stopped exec, or one never started (exit status 0, pid 0, as containerd reports it). */
  CompletableFuture<ExitStatus> delete() {
    synchronized (lock) {
      if (deleted) {
        throw ShimException.notFound("exec " + id + " is already deleted");
      }
      if (process == null) {
        deleted = true;
        started.completeExceptionally(ShimException.notFound("exec " + id + " was deleted before it started"));
        return CompletableFuture.completedFuture(new ExitStatus(0, 0, NEVER));
      }
      CompletableFuture<ExitStatus> exit = process.delete();
      deleted = true;
      return exit;
    }
  }
}
