package io.jshim.daemon.task;

import io.jshim.daemon.io.StdioPaths;
import io.jshim.daemon.reaper.ExitStatus;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A snapshot of a task's init process, or of one of its exec processes, for State replies.
 *
 * @param id the task id, or the exec id for an exec process
 * @param oomKills processes of the task the kernel killed for exceeding its memory limit, as far as seen
 */
public record TaskView(String id, Path bundle, int pid, Status status, StdioPaths stdio, boolean terminal,
    Optional<ExitStatus> exit,
    long oomKills) {
  /** Process status as clients see it. */
  public enum Status {
    CREATED,
    RUNNING,
    PAUSED,
    STOPPED
  }
}
