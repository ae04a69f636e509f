package io.jshim.daemon.task;

import io.jshim.daemon.io.StdioPaths;
import io.jshim.daemon.reaper.ExitStatus;
import java.nio.file.Path;
import java.util.Optional;

/** A container: its bundle, its stdio and its init process. */
final class Task {
  private final String id;
  private final Path bundle;
  private final StdioPaths stdio;
  private final boolean privatePidNamespace;
  private final ShimProcess init;

  Task(String id, Path bundle, StdioPaths stdio, boolean privatePidNamespace, ShimProcess init) {
    this.id = id;
    this.bundle = bundle;
    this.stdio = stdio;
    this.privatePidNamespace = privatePidNamespace;
    this.init = init;
  }

  String id() {
    return id;
  }

  ShimProcess init() {
    return init;
  }

  boolean privatePidNamespace() {
    return privatePidNamespace;
  }

  TaskView view() {
    ProcessState state = init.state();
    TaskView.Status status;
    Optional<ExitStatus> exit = Optional.empty();
    if (state instanceof ProcessState.Created) {
      status = TaskView.Status.CREATED;
    } else if (state instanceof ProcessState.Running) {
      status = TaskView.Status.RUNNING;
    } else if (state instanceof ProcessState.Stopped stopped) {
      status = TaskView.Status.STOPPED;
      exit = Optional.of(stopped.exit());
    } else {
      status = TaskView.Status.STOPPED;
      exit = Optional.of(((ProcessState.Deleted) state).exit());
    }
    return new TaskView(id, bundle, state.pid(), status, stdio, exit);
  }
}
