package io.jshim.daemon.spawn;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What the workload builds inside its root before pivot_root: mounts in order, then device nodes, then the
 * standard {@code /dev} symlinks; and the propagation of the new root afterwards.
 *
 * @param mounts in order; when not empty they replace the helper's own fresh /proc
 * @param devices nodes to create after the mounts
 * @param devLinks whether to create /dev/fd, /dev/std{in,out,err} and /dev/ptmx (to pts/ptmx)
 * @param rootPropagation {@code MS_*} propagation for "/" after pivot_root; empty keeps it private
 */
public record Filesystem(List<Mount> mounts, List<Device> devices, boolean devLinks, OptionalLong rootPropagation) {
  public Filesystem {
    mounts = List.copyOf(mounts);
    devices = List.copyOf(devices);
    Objects.requireNonNull(rootPropagation, "rootPropagation");
  }

  /** Nothing beyond the helper's defaults. */
  public static Filesystem none() {
    return new Filesystem(List.of(), List.of(), false, OptionalLong.empty());
  }
}
