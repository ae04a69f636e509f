package io.jshim.daemon.task;

import io.jshim.daemon.reaper.ExitStatus;

/**
 * Where a process is in its life: {@code Created → Running → Stopped → Deleted}, or {@code Created →
 * Stopped} when it dies or is killed before it starts.
 */
public sealed interface ProcessState {
  /** The process's pid. */
  int pid();

  /** Lower-case name for messages: "cannot start: process is running". */
  String name();

  /** Set up and held before execve. */
  record Created(int pid) implements ProcessState {
    @Override
    public String name() {
      return "created";
    }
  }

  /** Running the program. */
  record Running(int pid) implements ProcessState {
    @Override
    public String name() {
      return "running";
    }
  }

  /** Exited and reaped. */
  record Stopped(ExitStatus exit) implements ProcessState {
    @Override
    public int pid() {
      return exit.pid();
    }

    @Override
    public String name() {
      return "stopped";
    }
  }

  /** Deleted by the client; kept only by callers that still hold it. */
  record Deleted(ExitStatus exit) implements ProcessState {
    @Override
    public int pid() {
      return exit.pid();
    }

    @Override
    public String name() {
      return "deleted";
    }
  }
}
