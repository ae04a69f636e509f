package io.jshim.daemon.task;

/**
 * Receives task events in the order they happen. Called on the task's own threads, sometimes under a process's
 * lock (that is what keeps a start before its exit): implementations only queue.
 */
@FunctionalInterface
public interface TaskEvents {
  /** Drops every event. */
  TaskEvents NONE = event -> { };

  void publish(TaskEvent event);
}
