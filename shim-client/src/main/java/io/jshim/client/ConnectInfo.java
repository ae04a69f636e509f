package io.jshim.client;

import java.util.Objects;

/**
 * What the daemon tells about itself and a task, as answered by {@link ShimClient#connectInfo(String)}.
 *
 * @param shimPid the daemon's process id
 * @param taskPid the task's process id, 0 if the task has none (or no task id was given)
 * @param version the daemon's version string
 */
public record ConnectInfo(int shimPid, int taskPid, String version) {

  /** Checks that {@code version} is not {@code null}. */
  public ConnectInfo {
    Objects.requireNonNull(version, "version");
  }
}
