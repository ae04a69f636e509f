package io.jshim.daemon.task;

import io.jshim.daemon.io.StdioPaths;
import io.jshim.daemon.reaper.ExitStatus;
import io.jshim.daemon.spawn.Namespace;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What the daemon keeps of a task on disk so that a restarted daemon finds it again: enough to answer
 * State, Wait and Delete for it, to watch a still-running init process, and to clean up after it.
 *
 * @param namespaces the namespaces the task's init process created (pid among them: a private pid namespace)
 * @param cgroupsPath the OCI cgroupsPath of the task's cgroup; empty when it has none
 * @param cgroupDirs every directory of that cgroup (one per v1 hierarchy), for a cleanup without the daemon
 * @param rootfsMounted whether jshim mounted the rootfs list on {@code <bundle>/rootfs} (it unmounts at Delete)
 * @param execs the exec processes that have been started and not yet deleted
 */
public record TaskRecord(String id, Path bundle, StdioPaths stdio, boolean terminal, Set<Namespace> namespaces,
    Optional<String> rootfs, Optional<String> cgroupsPath, List<String> cgroupDirs, boolean rootfsMounted,
    ProcessRecord init, List<ExecRecord> execs) {
  public TaskRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(bundle, "bundle");
    Objects.requireNonNull(stdio, "stdio");
    namespaces = Set.copyOf(namespaces);
    Objects.requireNonNull(rootfs, "rootfs");
    Objects.requireNonNull(cgroupsPath, "cgroupsPath");
    cgroupDirs = List.copyOf(cgroupDirs);
    Objects.requireNonNull(init, "init");
    execs = List.copyOf(execs);
  }

  /** A started exec process of the task, under its exec id. */
  public record ExecRecord(String id, ProcessRecord process) {
    public ExecRecord {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(process, "process");
    }
  }

  /**
   * One process of the task.
   *
   * @param startTime the process's start time in clock ticks since boot ({@code /proc/PID/stat} field 22): with
   *     the pid it names the process, so a reused pid is never mistaken for it
   * @param exit present from the moment the process was reaped
   */
  public record ProcessRecord(int pid, long startTime, Phase phase, Optional<ExitStatus> exit) {
    public ProcessRecord {
      if (pid <= 0) {
        throw new IllegalArgumentException("pid: " + pid + " (expected: > 0)");
      }
      Objects.requireNonNull(phase, "phase");
      Objects.requireNonNull(exit, "exit");
      if ((phase == Phase.STOPPED) != exit.isPresent()) {
        throw new IllegalArgumentException("phase " + phase + " with exit " + exit
            + " (expected: an exit exactly when stopped)");
      }
    }
  }

  /** Where a recorded process was when last written. */
  public enum Phase {
    /** Spawned and held before execve. */
    CREATED,
    /** Its program was started. */
    RUNNING,
    /** Reaped; the exit is recorded. */
    STOPPED
  }
}
