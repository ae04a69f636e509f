package io.jshim.daemon.cgroup;

import java.nio.file.Path;
import java.util.Set;

/**
 * One cgroup filesystem mount from {@code /proc/self/mountinfo}.
 *
 * @param root the cgroup shown at the mount point, {@code /} for the whole hierarchy
 * @param mountPoint where it is mounted
 * @param unified true for {@code cgroup2}, false for a v1 {@code cgroup} hierarchy
 * @param options the super options, which name a v1 hierarchy's controllers
 */
record CgroupMount(String root, Path mountPoint, boolean unified, Set<String> options) {
  CgroupMount {
    options = Set.copyOf(options);
  }
}
