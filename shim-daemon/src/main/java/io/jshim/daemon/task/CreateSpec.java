package io.jshim.daemon.task;

import io.jshim.daemon.io.StdioPaths;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A request to create a task.
 *
 * @param rootfs the mounts that make up {@code <bundle>/rootfs}, bottom first; empty when the bundle brings its own
 * @param checkpoint a directory written by Checkpoint to restore the init process from, instead of starting the
 *     bundle's program; empty for an ordinary create
 */
public record CreateSpec(String id, Path bundle, StdioPaths stdio, boolean terminal, List<RootfsMount> rootfs,
    Optional<Path> checkpoint) {
  public CreateSpec {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(bundle, "bundle");
    Objects.requireNonNull(stdio, "stdio");
    rootfs = List.copyOf(rootfs);
    Objects.requireNonNull(checkpoint, "checkpoint");
  }

  /** An ordinary create, not from a checkpoint. */
  public CreateSpec(String id, Path bundle, StdioPaths stdio, boolean terminal, List<RootfsMount> rootfs) {
    this(id, bundle, stdio, terminal, rootfs, Optional.empty());
  }
}
