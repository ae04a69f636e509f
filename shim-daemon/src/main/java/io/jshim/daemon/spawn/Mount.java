package io.jshim.daemon.spawn;

import java.util.Objects;

/**
 * One mount the workload performs inside its root before pivot_root, in the kernel's terms.
 *
 * @param type filesystem type; empty for a bind mount or a remount
 * @param source a host path for a bind mount, otherwise the filesystem's source string
 * @param target absolute path inside the container root, resolved without leaving it
 * @param flags {@code MS_*} flags (see {@link MountOptions})
 * @param propagation 0, or one propagation flag optionally with {@code MS_REC}, applied after the mount
 * @param data filesystem data, e.g. {@code mode=755,size=65536k}; may be empty
 */
public record Mount(String type, String source, String target, long flags, long propagation, String data) {
  public Mount {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(data, "data");
    if (target == null || !target.startsWith("/")) {
      throw new IllegalArgumentException("target: " + target + " (expected: an absolute path inside the container)");
    }
  }

  /** Whether this is a bind mount of a host path (not a remount). */
  public boolean isBind() {
    return (flags & MountOptions.MS_BIND) != 0 && (flags & MountOptions.MS_REMOUNT) == 0;
  }
}
