package io.jshim.daemon.oci;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Clean-up of the cgroups the tests make runtimes create. */
final class Cgroups {
  private static final Path ROOT = Path.of("/sys/fs/cgroup");

  private Cgroups() {}

  /**
   * Removes {@code /sys/fs/cgroup/<hierarchy>/jshim-oci-test} and the empty cgroups below it in every
   * hierarchy (v1 controllers and the unified one); a cgroup that still has processes stays, and the
   * names of those left are returned.
   */
  static List<Path> removeTestParent() {
    List<Path> left = new ArrayList<>();
    if (!Files.isDirectory(ROOT)) {
      return left;
    }
    List<Path> parents = new ArrayList<>(List.of(ROOT.resolve(Bundles.CGROUP_PARENT)));
    try (DirectoryStream<Path> hierarchies = Files.newDirectoryStream(ROOT)) {
      for (Path hierarchy : hierarchies) {
        parents.add(hierarchy.resolve(Bundles.CGROUP_PARENT));
      }
    } catch (IOException e) {
      return left;
    }
    for (Path parent : parents) {
      if (Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS) && !removeCgroup(parent)) {
        left.add(parent);
      }
    }
    return left;
  }

  /** rmdir of a cgroup after its child cgroups; its control files go with it. */
  private static boolean removeCgroup(Path cgroup) {
    boolean ok = true;
    try (DirectoryStream<Path> children = Files.newDirectoryStream(cgroup, p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))) {
      for (Path child : children) {
        ok &= removeCgroup(child);
      }
    } catch (IOException e) {
      return false;
    }
    try {
      Files.delete(cgroup);
      return ok;
    } catch (IOException e) {
      return false;
    }
  }
}
