package io.jshim.daemon.cgroup;

import io.jshim.daemon.error.ShimException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

/** Removes a container's cgroup directories, refusing while processes are inside. */
final class Teardown {
  private final String cgroupsPath;
  private final Duration busyTimeout;

  Teardown(String cgroupsPath, Duration busyTimeout) {
    this.cgroupsPath = cgroupsPath;
    this.busyTimeout = busyTimeout;
  }

  /**
   * Removes the container's own directories among {@code created}, with any child cgroups the container made
   * below them. Parents are kept even when this cgroup created them: another container may be creating its
   * cgroup under the same parent right now, and removing it would make that creation fail.
   *
   * @param leaves the container's directories, whose processes block the removal
   */
  void remove(List<Path> leaves, List<Path> created) {
    if (removeEmptyLeaves(leaves, created)) {
      return;
    }
    // a process just killed, or the spawn helper on its way out, is listed until it has exited: give it the
    // removal timeout to leave (under load a refusal here left about one cgroup in 3000 lifecycles behind)
    Poll.until("processes to leave " + cgroupsPath, busyTimeout, () -> pids(leaves).isEmpty());
    refuseWhileInhabited(leaves);
    for (int i = created.size() - 1; i >= 0; i--) {
      if (leaves.contains(created.get(i))) {
        removeTree(created.get(i), leaves);
      }
    }
  }

  /**
   * The common case, a container whose processes are all reaped and that made no cgroups of its own: one
   * {@code rmdir} per directory, no listing. The kernel refuses the {@code rmdir} of a cgroup that still has
   * processes or children, so a refusal proves nothing was removed that should have stayed; the careful path then
   * takes over with what is left.
   *
   * @return whether every directory of the container is gone
   */
  private static boolean removeEmptyLeaves(List<Path> leaves, List<Path> created) {
    for (int i = created.size() - 1; i >= 0; i--) {
      Path dir = created.get(i);
      if (leaves.contains(dir)) {
        try {
          Files.delete(dir);
        } catch (NoSuchFileException e) {
          // already gone
        } catch (IOException e) {
          return false;
        }
      }
    }
    return true;
  }

  private void refuseWhileInhabited(List<Path> leaves) {
    TreeSet<Integer> pids = pids(leaves);
    if (!pids.isEmpty()) {
      throw ShimException.failedPrecondition("cgroup " + cgroupsPath + " still has processes " + pids
          + " (expected: none; kill them and wait for their exit before removing the cgroup)");
    }
  }

  private void removeTree(Path dir, List<Path> leaves) {
    for (Path child : children(dir)) {
      removeTree(child, leaves);
    }
    IOException[] last = new IOException[1];
    // an exited process keeps its cgroup busy until it is reaped, so rmdir may need a few tries
    boolean removed = Poll.until("removal of " + dir, busyTimeout, () -> {
      try {
        Files.delete(dir);
        return true;
      } catch (NoSuchFileException e) {
        return true;
      } catch (IOException e) {
        last[0] = e;
        return false;
      }
    });
    if (!removed) {
      refuseWhileInhabited(leaves);
      IOException cause = last[0];
      throw ShimException.internal("cannot remove cgroup directory " + dir + " of " + cgroupsPath + ": "
          + CgroupFs.reason(cause) + " (expected: an empty cgroup to be removable within " + busyTimeout.toMillis()
          + " ms)", cause);
    }
  }

  private static TreeSet<Integer> pids(List<Path> leaves) {
    TreeSet<Integer> pids = new TreeSet<>();
    for (Path leaf : leaves) {
      for (Path dir : tree(leaf)) {
        pids.addAll(CgroupFs.procs(dir));
      }
    }
    return pids;
  }

  /** {@code dir} and every cgroup directory below it, parents first; empty if it is gone. */
  private static List<Path> tree(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<Path> result = new ArrayList<>();
    result.add(dir);
    for (Path child : children(dir)) {
      result.addAll(tree(child));
    }
    return result;
  }

  private static List<Path> children(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList();
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw ShimException.internal("cannot list cgroup directory " + dir + ": " + CgroupFs.reason(e), e);
    }
  }
}
