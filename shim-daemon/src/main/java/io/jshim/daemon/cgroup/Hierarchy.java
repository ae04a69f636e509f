package io.jshim.daemon.cgroup;

import java.nio.file.Path;
import java.util.Set;

/**
 * One mounted hierarchy the daemon puts containers in, and the daemon's own cgroup there.
 *
 * @param controllers the v1 controllers of this hierarchy (with {@code name=} tags); empty for cgroup2
 * @param ownPath the daemon's cgroup in this hierarchy, from {@code /proc/self/cgroup}
 */
record Hierarchy(CgroupMount mount, Set<String> controllers, String ownPath) {
  Hierarchy {
    controllers = Set.copyOf(controllers);
  }

  Path mountPoint() {
    return mount.mountPoint();
  }

  boolean has(String controller) {
    return controllers.contains(controller);
  }

  /** A name for messages: the controllers, or {@code cgroup2}. */
  String label() {
    return mount.unified() ? "cgroup2" : String.join(",", controllers.stream().sorted().toList());
  }

  /**
   * The directory of {@code path} in this hierarchy. An absolute path starts at the mount point; a relative
   * one at the daemon's own cgroup, which {@code /proc/self/cgroup} gives from the hierarchy's root, so the
   * part the mount hides (its root) is cut off first.
   */
  Path dirFor(CgroupsPath path) {
    Path dir = mountPoint();
    if (!path.absolute()) {
      for (String name : visibleOwnPath().split("/")) {
        if (!name.isEmpty()) {
          dir = dir.resolve(name);
        }
      }
    }
    for (String name : path.names()) {
      dir = dir.resolve(name);
    }
    return dir;
  }

  private String visibleOwnPath() {
    String root = mount.root();
    if (root.equals("/")) {
      return ownPath;
    }
    if (ownPath.equals(root)) {
      return "/";
    }
    if (ownPath.startsWith(root + "/")) {
      return ownPath.substring(root.length());
    }
    // inside a cgroup namespace the kernel already shows paths relative to the mounted root
    return ownPath;
  }
}
