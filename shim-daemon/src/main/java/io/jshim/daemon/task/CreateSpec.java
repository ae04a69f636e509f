package io.jshim.daemon.task;

import io.jshim.daemon.io.StdioPaths;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A request to create a task.
 *
 * @param rootfs the mounts that make up {@code <bundle>/rootfs}, bottom first; empty when the bundle brings its own
 */
public record CreateSpec(String id, Path bundle, StdioPaths stdio, boolean terminal, List<RootfsMount> rootfs) {
  public CreateSpec {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(bundle, "bundle");
    Objects.requireNonNull(stdio, "stdio");
    rootfs = List.copyOf(rootfs);
  }
}
