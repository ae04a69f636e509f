package io.jshim.daemon.task;

import io.jshim.daemon.cgroup.Cgroup;
import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.io.StdioPaths;
import io.jshim.daemon.reaper.ExitStatus;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A container: its bundle, its stdio, its cgroup and its init process. */
final class Task {
  private static final Logger log = LoggerFactory.getLogger(Task.class);

  private final String id;
  private final Path bundle;
  private final StdioPaths stdio;
  private final boolean privatePidNamespace;
  private final Optional<Cgroup> cgroup;
  private final ShimProcess init;
  private final Object freezerLock = new Object();
  private volatile boolean paused;
  private volatile long oomKills;

  Task(String id, Path bundle, StdioPaths stdio, boolean privatePidNamespace, Optional<Cgroup> cgroup, ShimProcess init) {
    this.id = id;
    this.bundle = bundle;
    this.stdio = stdio;
    this.privatePidNamespace = privatePidNamespace;
    this.cgroup = cgroup;
    this.init = init;
  }

  String id() {
    return id;
  }

  ShimProcess init() {
    return init;
  }

  Optional<Cgroup> cgroup() {
    return cgroup;
  }

  boolean privatePidNamespace() {
    return privatePidNamespace;
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

  /** Records OOM kills the kernel counted in the task's cgroup; called when the init process exits. */
  void checkOom() {
    cgroup.ifPresent(c -> {
      try {
        long count = c.oomKillCount();
        if (count > oomKills) {
          log.warn("task {}: the kernel OOM-killed {} process(es) in cgroup {}", id, count - oomKills, c.path());
          oomKills = count;
        }
      } catch (RuntimeException e) {
        log.debug("task {}: cannot read the OOM counter: {}", id, e.getMessage());
      }
    });
  }

  TaskView view() {
    ProcessState state = init.state();
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
    return new TaskView(id, bundle, state.pid(), status, stdio, exit, oomKills);
  }
}
