package io.jshim.daemon.task;

import io.jshim.daemon.io.StdioPaths;
import io.jshim.daemon.oci.OciSpec;
import java.util.Objects;

/**
 * A request to add a process to a running task.
 *
 * @param process the OCI process object to run (program, environment, user, capabilities, ...)
 * @param terminal whether the process gets a pseudo-terminal (the process object's own flag counts too)
 */
public record ExecRequest(String execId, StdioPaths stdio, boolean terminal, OciSpec.Process process) {
  public ExecRequest {
    Objects.requireNonNull(execId, "execId");
    Objects.requireNonNull(stdio, "stdio");
    Objects.requireNonNull(process, "process");
  }
}
