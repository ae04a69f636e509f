package io.jshim.daemon.mount;

import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.spawn.MountOptions;
import io.jshim.daemon.task.RootfsMount;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The mount(2) calls that put one rootfs mount in place, containerd's way ({@code mount/mount_linux.go}): the mount
 * itself, a read-only remount for a read-only bind (a bind ignores {@code MS_RDONLY}), then the propagation, which
 * mount(2) takes only on its own.
 *
 * @param mount the first call; the mount exists once it succeeded
 * @param after the calls that adjust it, in order
 */
public record MountPlan(MountCall mount, List<MountCall> after) {
  /**
   * The kernel copies at most one page of mount data; 4096 is the smallest page size Linux runs with, so a longer
   * string might be cut short.
   */
  static final int MAX_DATA_BYTES = 4096 - 1;

  public MountPlan {
    after = List.copyOf(after);
  }

  /** Every call in order. */
  public List<MountCall> calls() {
    List<MountCall> calls = new ArrayList<>(after.size() + 1);
    calls.add(mount);
    calls.addAll(after);
    return calls;
  }

  /**
   * Plans {@code mount}.
   *
   * @param what names the mount in error messages ("rootfs mount 1 of 2")
   * @throws ShimException INVALID_ARGUMENT for an option jshim does not implement ({@code loop}, id mapping, ...)
   *     or mount data longer than a page
   */
  public static MountPlan of(RootfsMount mount, String what) {
    if (mount.options().contains("loop") || mount.type().equals("loop")) {
      throw ShimException.invalidArgument(what + " (" + mount + "): option \"loop\" is not supported (expected: a "
          + "directory or block device source; jshim sets up no loop devices)");
    }
    MountOptions options;
    try {
      options = MountOptions.parse(mount.options());
    } catch (IllegalArgumentException e) {
      throw ShimException.invalidArgument(what + " (" + mount + "): " + e.getMessage(), e);
    }
    long flags = options.flags();
    if (mount.type().equals("bind")) {
      flags |= MountOptions.MS_BIND;
    } else if (mount.type().equals("rbind")) {
      flags |= MountOptions.MS_BIND | MountOptions.MS_REC;
    }
    boolean bind = (flags & MountOptions.MS_BIND) != 0;
    String data = options.data().isEmpty() ? null : options.data();
    if (data != null && data.getBytes(StandardCharsets.UTF_8).length > MAX_DATA_BYTES) {
      throw ShimException.invalidArgument(what + " (" + mount + "): its options are "
          + data.getBytes(StandardCharsets.UTF_8).length + " bytes of mount data (expected: at most " + MAX_DATA_BYTES
          + ", one page; shorten the lowerdir paths, jshim does not mount relative to a common parent)");
    }
    List<MountCall> after = new ArrayList<>(2);
    if (bind && (flags & MountOptions.MS_RDONLY) != 0) {
      after.add(new MountCall(null, null,
          (flags & ~MountOptions.MS_REC) | MountOptions.MS_REMOUNT | MountOptions.MS_BIND, null));
    }
    if (options.propagation() != 0) {
      after.add(new MountCall(null, null, options.propagation(), null));
    }
    MountCall first = new MountCall(mount.source(), bind ? null : mount.type(), flags, bind ? null : data);
    return new MountPlan(first, after);
  }
}
