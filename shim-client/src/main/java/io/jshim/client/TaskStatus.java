package io.jshim.client;

/** The lifecycle state of a task's process as the daemon reports it. */
public enum TaskStatus {
  /** The daemon reported a state this client does not know. */
  UNKNOWN,
  /** Created, waiting for {@code start}. */
  CREATED,
  /** Started and not yet exited. */
  RUNNING,
  /** Exited; the exit status is known. */
  STOPPED,
  /** Frozen. */
  PAUSED,
  /** Being frozen. */
  PAUSING
}
