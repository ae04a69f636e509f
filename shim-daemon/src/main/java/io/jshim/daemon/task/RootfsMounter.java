package io.jshim.daemon.task;

import java.nio.file.Path;
import java.util.List;

/** Mounts and unmounts a task's root filesystem; the task domain's window onto mount(2). */
public interface RootfsMounter {
  /**
   * Mounts {@code mounts} in order onto {@code target}, creating it (0711) when missing. Either every mount is
   * in place afterwards or none is.
   *
   * @throws io.jshim.daemon.error.ShimException INVALID_ARGUMENT for options jshim cannot apply,
   *     FAILED_PRECONDITION or INTERNAL when the kernel refuses a mount
   */
  void mount(List<RootfsMount> mounts, Path target);

  /**
   * Unmounts everything mounted at {@code target}, layer by layer.
   *
   * @throws io.jshim.daemon.error.ShimException when a layer cannot be removed even lazily
   */
  void unmount(Path target);
}
