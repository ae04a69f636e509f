package io.jshim.daemon.task;

import io.jshim.daemon.io.StdioPaths;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A request to create a task.
 *
 * @param rootfsMounts how many rootfs mounts the request carries (none are supported yet)
 */
public record CreateSpec(String id, Path bundle, StdioPaths stdio, boolean terminal, int rootfsMounts) {
  public CreateSpec {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(bundle, "bundle");
    Objects.requireNonNull(stdio, "stdio");
  }
}
