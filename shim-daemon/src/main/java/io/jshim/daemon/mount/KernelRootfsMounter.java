package io.jshim.daemon.mount;

import io.jshim.daemon.error.ErrorKind;
import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.sys.Errnos;
import io.jshim.daemon.sys.Posix;
import io.jshim.daemon.sys.SysException;
import io.jshim.daemon.task.RootfsMount;
import io.jshim.daemon.task.RootfsMounter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link RootfsMounter} on mount(2) and umount2(2). */
public final class KernelRootfsMounter implements RootfsMounter {
  private static final Logger log = LoggerFactory.getLogger(KernelRootfsMounter.class);
  /** Stops a runaway unmount loop; containerd's snapshotters stack one or two mounts. */
  private static final int MAX_LAYERS = 128;

  private final Posix posix;

  public KernelRootfsMounter(Posix posix) {
    this.posix = Objects.requireNonNull(posix, "posix");
  }

  @Override
  public void mount(List<RootfsMount> mounts, Path target) {
    List<MountPlan> plans = new ArrayList<>(mounts.size());
    for (int i = 0; i < mounts.size(); i++) {
      plans.add(MountPlan.of(mounts.get(i), name(i, mounts.size())));
    }
    createTarget(target);
    int mounted = 0;
    try {
      for (int i = 0; i < plans.size(); i++) {
        MountPlan plan = plans.get(i);
        call(plan.mount(), target, mounts.get(i), name(i, mounts.size()));
        mounted++;
        for (MountCall adjust : plan.after()) {
          call(adjust, target, mounts.get(i), name(i, mounts.size()));
        }
      }
    } catch (RuntimeException e) {
      for (int i = 0; i < mounted; i++) {
        try {
          unmountTop(target);
        } catch (RuntimeException cleanup) {
          e.addSuppressed(cleanup);
          log.warn("rootfs {}: a mount is left after a failed Create: {}", target, cleanup.getMessage());
          break;
        }
      }
      throw e;
    }
  }

  private static String name(int index, int count) {
    return "rootfs mount " + (index + 1) + " of " + count;
  }

  private void call(MountCall call, Path target, RootfsMount mount, String what) {
    try {
      posix.mount(call.source(), target.toString(), call.type(), call.flags(), call.data());
    } catch (SysException e) {
      throw new ShimException(kindOf(e.errno()), what + " (" + mount + ", options " + String.join(",", mount.options())
          + ") on " + target + " refused: " + e.getMessage() + " (expected: a mount the kernel accepts)", e);
    }
  }

  /** Refusals that the request's own mounts or the host's state explain, and everything else. */
  private static ErrorKind kindOf(int errno) {
    return switch (errno) {
      case Errnos.ENOENT, Errnos.ENOTDIR, Errnos.EINVAL, Errnos.ENODEV, Errnos.EPERM, Errnos.EACCES, Errnos.EROFS,
          Errnos.EBUSY, Errnos.ELOOP -> ErrorKind.FAILED_PRECONDITION;
      default -> ErrorKind.INTERNAL;
    };
  }

  private static void createTarget(Path target) {
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.createDirectory(target);
      // set after creation: the umask would narrow a mode given to createDirectory
      Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx--x--x"));
    } catch (IOException e) {
      throw ShimException.failedPrecondition("rootfs: cannot create " + target + ": " + e
          + " (expected: the bundle directory exists and is writable, and rootfs is a directory if present)");
    }
  }

  @Override
  public void unmount(Path target) {
    for (int layer = 0; layer < MAX_LAYERS; layer++) {
      if (!unmountTop(target)) {
        return;
      }
    }
    throw ShimException.internal("rootfs " + target + ": still mounted after " + MAX_LAYERS
        + " unmounts (expected: the mounts jshim made, one or a few)", null);
  }

  /**
   * Unmounts the topmost mount at {@code target}, lazily when it is busy.
   *
   * @return false when there was no mount left
   */
  private boolean unmountTop(Path target) {
    try {
      posix.unmount(target.toString(), 0);
      return true;
    } catch (SysException e) {
      if (e.errno() == Errnos.EINVAL || e.errno() == Errnos.ENOENT) {
        return false;
      }
      if (e.errno() != Errnos.EBUSY) {
        throw new ShimException(ErrorKind.INTERNAL, "rootfs: " + e.getMessage()
            + " (expected: the rootfs mount can be removed)", e);
      }
    }
    try {
      posix.unmount(target.toString(), Posix.MNT_DETACH);
      log.warn("rootfs {} was busy: detached it, the kernel removes it once it is no longer used", target);
      return true;
    } catch (SysException e) {
      if (e.errno() == Errnos.EINVAL) {
        return false;
      }
      throw new ShimException(ErrorKind.INTERNAL, "rootfs: " + e.getMessage() + " (expected: a busy mount can be"
          + " detached)", e);
    }
  }
}
