package io.jshim.daemon.task;

import io.jshim.daemon.cgroup.Cgroup;
import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.io.ContainerLog;
import io.jshim.daemon.io.StdioPaths;
import io.jshim.daemon.reaper.ExitStatus;
import io.jshim.daemon.spawn.Namespace;
import io.jshim.daemon.spawn.Namespaces;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A container: its bundle, its stdio, its cgroup, its init process and its exec processes.
 *
 * <p>{@code execLock} orders exec starts against the init exit: once the init process has been reaped no exec
 * starts, and the init exit waits for every exec started before (see {@link #initExited()}).
 */
final class Task {
  private static final Logger log = LoggerFactory.getLogger(Task.class);

  private final String id;
  private final Path bundle;
  private final StdioPaths stdio;
  private final Namespaces namespaces;
  private final Optional<String> rootfs;
  private final Optional<Cgroup> cgroup;
  private final Optional<ContainerLog> containerLog;
  private final boolean rootfsMounted;
  private final ExecSeccomp execSeccomp;
  private final boolean terminal;
  private ShimProcess init;
  private long initStartTime;
  private final Object recordLock = new Object();
  private volatile ExitStatus initReaped;
  private boolean forgotten;
  private final Object freezerLock = new Object();
  private final Object oomLock = new Object();
  private final Object execLock = new Object();
  private final Map<String, ExecProcess> execs = new LinkedHashMap<>();
  private boolean initExited;
  private volatile boolean paused;
  private volatile long oomKills;

  Task(String id, Path bundle, StdioPaths stdio, boolean terminal, Namespaces namespaces, Optional<String> rootfs,
      Optional<Cgroup> cgroup, Optional<ContainerLog> containerLog, boolean rootfsMounted, ExecSeccomp execSeccomp) {
    this.execSeccomp = execSeccomp;
    this.containerLog = containerLog;
    this.rootfsMounted = rootfsMounted;
    this.id = id;
    this.bundle = bundle;
    this.stdio = stdio;
    this.terminal = terminal;
    this.namespaces = namespaces;
    this.rootfs = rootfs;
    this.cgroup = cgroup;
  }

  /**
   * Set once, right after the init process is spawned and before the task is published.
   *
   * @param startTime the init's start time in clock ticks since boot (with its pid, its identity on disk)
   */
  void setInit(ShimProcess init, long startTime) {
    synchronized (recordLock) {
      this.init = init;
      this.initStartTime = startTime;
    }
  }

  /** Called the moment the init process is reaped, before its exit is published. */
  void initReaped(ExitStatus exit) {
    initReaped = exit;
  }

  /**
   * Writes the task's current record. Serialized and built inside the lock, so a late writer never puts back an
   * older phase (a start recorded after the exit it raced with still writes the exit); nothing is written once
   * the task has been forgotten. Before {@link #setInit} it does nothing: a restored init that has already exited
   * reports it from inside its constructor, and whoever sets the init writes the record after.
   */
  void persist(TaskStore store) {
    synchronized (recordLock) {
      if (!forgotten && init != null) {
        store.save(record());
      }
    }
  }

  /** Removes the task's record for good. */
  void forget(TaskStore store) {
    synchronized (recordLock) {
      forgotten = true;
      store.remove(id);
    }
  }

  private TaskRecord record() {
    List<TaskRecord.ExecRecord> started = new ArrayList<>();
    synchronized (execLock) {
      for (ExecProcess exec : execs.values()) {
        exec.process().ifPresent(p -> started.add(
            new TaskRecord.ExecRecord(exec.id(), recordOf(p, exec.startTime(), exec.reapedExit()))));
      }
    }
    return new TaskRecord(id, bundle, stdio, terminal, namespaces.created(), rootfs, cgroup.map(Cgroup::path),
        cgroup.map(c -> c.procsDirs().stream().map(Path::toString).toList()).orElse(List.of()),
        rootfsMounted, recordOf(init, initStartTime, initReaped), started);
  }

  // reaped: the exit from the moment of the reap, before the process publishes it
  private static TaskRecord.ProcessRecord recordOf(ShimProcess process, long startTime, ExitStatus reaped) {
    ProcessState state = process.state();
    ExitStatus exit = reaped != null ? reaped : state instanceof ProcessState.Stopped stopped ? stopped.exit() : null;
    if (exit != null) {
      return new TaskRecord.ProcessRecord(process.pid(), startTime, TaskRecord.Phase.STOPPED, Optional.of(exit));
    }
    return new TaskRecord.ProcessRecord(process.pid(), startTime,
        state instanceof ProcessState.Created ? TaskRecord.Phase.CREATED : TaskRecord.Phase.RUNNING, Optional.empty());
  }

  String id() {
    return id;
  }

  ShimProcess init() {
    return init;
  }

  Path bundle() {
    return bundle;
  }

  StdioPaths stdio() {
    return stdio;
  }

  boolean terminal() {
    return terminal;
  }

  /** The namespaces the init process was created with. */
  Namespaces namespaces() {
    return namespaces;
  }

  Optional<ContainerLog> containerLog() {
    return containerLog;
  }

  /** Whether jshim mounted the Create's rootfs list on {@code <bundle>/rootfs} (and unmounts it at Delete). */
  boolean rootfsMounted() {
    return rootfsMounted;
  }

  /** Where the rootfs mounts are. */
  Path rootfsTarget() {
    return bundle.resolve(TaskService.ROOTFS_DIR);
  }

  Optional<Cgroup> cgroup() {
    return cgroup;
  }

  boolean privatePidNamespace() {
    return namespaces.has(Namespace.PID);
  }

  /** The syscall filter of this task's execs. */
  ExecSeccomp execSeccomp() {
    return execSeccomp;
  }

  Optional<String> rootfs() {
    return rootfs;
  }

  boolean paused() {
    return paused;
  }

  /** The init process's namespaces as {@code /proc/PID/ns} paths, for an exec to join them all. */
  Namespaces namespacesToJoin() {
    Map<Namespace, String> joined = new EnumMap<>(Namespace.class);
    for (Namespace ns : Namespace.values()) {
      if (namespaces.has(ns)) {
        joined.put(ns, "/proc/" + init.pid() + "/ns/" + ns.procName());
      }
    }
    return new Namespaces(Set.of(), joined, List.of(), List.of());
  }

  /**
   * Registers an exec.
   *
   * @throws io.jshim.daemon.error.ShimException ALREADY_EXISTS for a known exec id, FAILED_PRECONDITION once the
   *     init process has exited
   */
  void addExec(ExecProcess exec) {
    synchronized (execLock) {
      if (initExited || init.state() instanceof ProcessState.Stopped || init.state() instanceof ProcessState.Deleted) {
        throw ShimException.failedPrecondition("cannot exec in task " + id + ": it has stopped (expected: running)");
      }
      if (execs.containsKey(exec.id())) {
        throw ShimException.alreadyExists("exec " + exec.id() + " already exists in task " + id);
      }
      execs.put(exec.id(), exec);
    }
  }

  /** Puts back an exec a previous daemon started (restore, before the task is published). */
  void restoreExec(ExecProcess exec) {
    synchronized (execLock) {
      execs.put(exec.id(), exec);
    }
  }

  ExecProcess exec(String execId) {
    synchronized (execLock) {
      ExecProcess exec = execs.get(execId);
      if (exec == null) {
        throw ShimException.notFound("exec " + execId + " not found in task " + id);
      }
      return exec;
    }
  }

  void removeExec(String execId) {
    synchronized (execLock) {
      execs.remove(execId);
    }
  }

  /** Exec processes that have been started (running or stopped). */
  List<ShimProcess> startedExecs() {
    synchronized (execLock) {
      return execs.values().stream().flatMap(e -> e.process().stream()).toList();
    }
  }

  /**
   * Starts an exec unless the init process is gone or the task is frozen. Runs under {@code execLock}, so that
   * {@link #initExited()} sees every exec started before it.
   */
  int startExec(ExecProcess exec, Supplier<ShimProcess> spawn) {
    synchronized (execLock) {
      ProcessState state = init.state();
      if (initExited || !(state instanceof ProcessState.Running)) {
        throw ShimException.failedPrecondition("cannot start exec " + exec.id() + " in task " + id + ": the task is "
            + (initExited ? "stopped" : state.name()) + " (expected: running)");
      }
      if (paused) {
        throw ShimException.failedPrecondition("cannot start exec " + exec.id() + " in task " + id
            + ": the task is paused (expected: running; resume it first)");
      }
      return exec.start(spawn);
    }
  }

  /**
   * Called when the init process has been reaped: no exec may start from now on.
   *
   * @return the exits of the execs started before, which the init exit waits for
   */
  List<CompletableFuture<ExitStatus>> initExited() {
    synchronized (execLock) {
      initExited = true;
      List<CompletableFuture<ExitStatus>> exits = new ArrayList<>();
      for (ExecProcess exec : execs.values()) {
        exec.process().ifPresent(p -> exits.add(p.exited()));
      }
      return exits;
    }
  }

  void pause(Cgroup cgroup) {
    synchronized (freezerLock) {
      ProcessState state = init.state();
      if (!(state instanceof ProcessState.Running)) {
        throw ShimException.failedPrecondition("cannot pause task " + id + ": it is " + state.name() + " (expected: running)");
      }
      if (paused) {
        throw ShimException.failedPrecondition("cannot pause task " + id + ": it is already paused (expected: running)");
      }
      cgroup.freeze();
      paused = true;
    }
  }

  void resume(Cgroup cgroup) {
    synchronized (freezerLock) {
      if (!paused) {
        throw ShimException.failedPrecondition("cannot resume task " + id + ": it is not paused (expected: paused)");
      }
      cgroup.thaw();
      paused = false;
    }
  }

  /** After a SIGKILL: a frozen cgroup v1 process dies only when thawed. */
  void thawAfterKill() {
    synchronized (freezerLock) {
      if (paused && cgroup.isPresent()) {
        cgroup.get().thaw();
        paused = false;
      }
    }
  }

  /**
   * Records OOM kills the kernel counted in the task's cgroup; called when the init process exits and periodically.
   *
   * @return whether there were new ones since the last look
   */
  boolean checkOom() {
    if (cgroup.isEmpty()) {
      return false;
    }
    Cgroup c = cgroup.get();
    try {
      long count = c.oomKillCount();
      synchronized (oomLock) {
        if (count <= oomKills) {
          return false;
        }
        log.warn("task {}: the kernel OOM-killed {} process(es) in cgroup {}", id, count - oomKills, c.path());
        oomKills = count;
        return true;
      }
    } catch (RuntimeException e) {
      log.debug("task {}: cannot read the OOM counter: {}", id, e.getMessage());
      return false;
    }
  }


  TaskView view() {
    return view(id, init.state(), stdio, terminal);
  }

  /** The view of one of the task's exec processes. */
  TaskView view(ExecProcess exec) {
    return view(exec.id(), exec.state(), exec.stdio(), exec.terminal());
  }

  private TaskView view(String processId, ProcessState state, StdioPaths stdio, boolean terminal) {
    TaskView.Status status;
    Optional<ExitStatus> exit = Optional.empty();
    if (state instanceof ProcessState.Created) {
      status = TaskView.Status.CREATED;
    } else if (state instanceof ProcessState.Running) {
      status = paused ? TaskView.Status.PAUSED : TaskView.Status.RUNNING;
    } else if (state instanceof ProcessState.Stopped stopped) {
      status = TaskView.Status.STOPPED;
      exit = Optional.of(stopped.exit());
    } else {
      status = TaskView.Status.STOPPED;
      exit = Optional.of(((ProcessState.Deleted) state).exit());
    }
    return new TaskView(processId, bundle, state.pid(), status, stdio, terminal, exit, oomKills);
  }
}
