package io.jshim.daemon.checkpoint;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How to checkpoint, as containerd's runc options say it.
 *
 * @param exit stop the task after the dump (CRIU kills it: exit status 137); otherwise it keeps running
 * @param openTcp dump established TCP connections ({@code --tcp-established})
 * @param externalUnixSockets dump unix sockets whose peer is outside the task ({@code --ext-unix-sk})
 * @param fileLocks dump file locks ({@code --file-locks})
 * @param emptyNetwork restore the network namespace empty ({@code --empty-ns net})
 * @param cgroupsMode CRIU's {@code --manage-cgroups} mode for the dump; empty for CRIU's default
 * @param workPath where CRIU's logs and work files go; empty for the image directory
 */
public record CheckpointOptions(boolean exit, boolean openTcp, boolean externalUnixSockets, boolean fileLocks,
    boolean emptyNetwork, Optional<String> cgroupsMode, Optional<Path> workPath) {
  /** The modes CRIU's {@code --manage-cgroups} takes. */
  public static final List<String> CGROUPS_MODES = List.of("soft", "full", "strict", "ignore");

  public CheckpointOptions {
    Objects.requireNonNull(cgroupsMode, "cgroupsMode");
    Objects.requireNonNull(workPath, "workPath");
    cgroupsMode.ifPresent(mode -> {
      if (!CGROUPS_MODES.contains(mode)) {
        throw new IllegalArgumentException("cgroups mode " + mode + " (expected: one of " + CGROUPS_MODES + ")");
      }
    });
  }

  /** containerd's defaults: leave the task running, nothing else. */
  public static CheckpointOptions defaults() {
    return new CheckpointOptions(false, false, false, false, false, Optional.empty(), Optional.empty());
  }
}
