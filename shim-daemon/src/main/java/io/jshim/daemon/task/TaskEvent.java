package io.jshim.daemon.task;

import io.jshim.daemon.io.StdioPaths;
import io.jshim.daemon.reaper.ExitStatus;
import java.nio.file.Path;

/**
 * What happened to a task, for whoever follows tasks from outside (containerd's event topics). For one process,
 * its start is always published before its exit.
 */
public sealed interface TaskEvent {
  /** The task's id (containerd's container id). */
  String taskId();

  /** A task was created; its init process is held before execve. */
  record Created(String taskId, Path bundle, StdioPaths stdio, boolean terminal, int pid) implements TaskEvent {}

  /** The init process runs its program. */
  record Started(String taskId, int pid) implements TaskEvent {}

  /** An exec was registered. */
  record ExecAdded(String taskId, String execId) implements TaskEvent {}

  /** An exec runs its program. */
  record ExecStarted(String taskId, String execId, int pid) implements TaskEvent {}

  /**
   * A process's exit was published.
   *
   * @param processId the exec id, or the task id for the init process
   */
  record Exited(String taskId, String processId, ExitStatus exit) implements TaskEvent {}

  /**
   * A process was deleted.
   *
   * @param processId the exec id, or the task id for the init process
   */
  record Deleted(String taskId, String processId, ExitStatus exit) implements TaskEvent {}

  /** The kernel OOM-killed a process of the task. */
  record Oom(String taskId) implements TaskEvent {}

  /** The task was frozen. */
  record Paused(String taskId) implements TaskEvent {}

  /** The task was thawed. */
  record Resumed(String taskId) implements TaskEvent {}

  /** The task was checkpointed into {@code checkpoint} (containerd's /tasks/checkpointed). */
  record Checkpointed(String taskId, Path checkpoint) implements TaskEvent {}
}
