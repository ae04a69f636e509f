package io.jshim.daemon.task;

import io.jshim.daemon.io.StdioPaths;
import io.jshim.daemon.reaper.ExitStatus;
import java.nio.file.Path;
import java.util.Optional;

/** A snapshot of a task's init process for State replies. */
public record TaskView(String id, Path bundle, int pid, Status status, StdioPaths stdio, Optional<ExitStatus> exit) {
  /** Process status as clients see it. */
  public enum Status {
    CREATED,
    RUNNING,
    STOPPED
  }
}
