package io.jshim.daemon.task;

import io.jshim.daemon.reaper.ExitStatus;
import java.util.List;
import java.util.Optional;

/**
 * Durable task records: written when a task is created, starts and exits, removed when it is deleted, and
 * read back when the daemon starts.
 */
public interface TaskStore {
  /** Keeps nothing: a restarted daemon knows no tasks. */
  TaskStore NONE = new TaskStore() {
    @Override
    public void save(TaskRecord record) {
    }

    @Override
    public void remove(String id) {
    }

    @Override
    public List<TaskRecord> load() {
      return List.of();
    }

    @Override
    public Optional<ExitStatus> witnessedExit(String id, String execId, int pid, long startTime) {
      return Optional.empty();
    }
  };

  /**
   * Replaces the task's record atomically: after a crash the old or the new record is there, never a mix.
   *
   * @throws io.jshim.daemon.error.ShimException UNAVAILABLE when it cannot be written (a full disk)
   */
  void save(TaskRecord record);

  /** Forgets the task; nothing happens when there is no record. */
  void remove(String id);

  /** Every record on disk; unreadable ones are reported and skipped (left in place for a human to look at). */
  List<TaskRecord> load();

  /**
   * The exit of the task's init ({@code execId} empty) or of one of its execs that the exit witness (native
   * {@code jshim-exit-witness}) recorded while no daemon ran, if it names the process {@code pid} started at
   * {@code startTime}.
   */
  Optional<ExitStatus> witnessedExit(String id, String execId, int pid, long startTime);
}
