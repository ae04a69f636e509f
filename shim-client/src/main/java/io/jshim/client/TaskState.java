package io.jshim.client;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * A snapshot of a task's process, as answered by {@link ShimClient#state(String)}.
 *
 * @param id the task id
 * @param execId the exec process id, empty for the task's init process
 * @param bundle the task's bundle directory
 * @param pid the process id, 0 if it has none
 * @param status the lifecycle state
 * @param stdin the stdin path given at create, or empty
 * @param stdout the stdout path given at create, or empty
 * @param stderr the stderr path given at create, or empty
 * @param terminal whether the process has a terminal
 * @param exitStatus the exit status; meaningful only when {@code status} is {@link TaskStatus#STOPPED}
 * @param exitedAt when the process exited, {@link Instant#EPOCH} if it has not
 */
public record TaskState(
    String id,
    String execId,
    Path bundle,
    int pid,
    TaskStatus status,
    String stdin,
    String stdout,
    String stderr,
    boolean terminal,
    int exitStatus,
    Instant exitedAt) {

  /** Checks that no component is {@code null}. */
  public TaskState {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(execId, "execId");
    Objects.requireNonNull(bundle, "bundle");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(stdin, "stdin");
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
    Objects.requireNonNull(exitedAt, "exitedAt");
  }
}
