package io.jshim.daemon.cgroup;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One line of {@code /proc/self/cgroup}: the daemon's cgroup in one hierarchy.
 *
 * @param hierarchyId 0 for the cgroup2 hierarchy
 * @param controllers the v1 hierarchy's controllers, e.g. {@code cpu,cpuacct} or {@code name=systemd}; empty for v2
 * @param path the cgroup, relative to the hierarchy's root
 */
record Membership(int hierarchyId, Set<String> controllers, String path) {
  Membership {
    controllers = Set.copyOf(controllers);
  }

  /** The lines of {@code /proc/self/cgroup}; malformed lines are skipped. */
  static List<Membership> parse(String procSelfCgroup) {
    List<Membership> result = new ArrayList<>();
    for (String line : procSelfCgroup.split("\n")) {
      String[] fields = line.split(":", 3);
      if (fields.length != 3 || !fields[0].matches("\\d+")) {
        continue;
      }
      Set<String> controllers = fields[1].isEmpty() ? Set.of() : Set.of(fields[1].split(","));
      result.add(new Membership(Integer.parseInt(fields[0]), controllers, fields[2]));
    }
    return result;
  }

  /** True for a v1 hierarchy that holds at least one real controller, not just a {@code name=} tag. */
  boolean hasRealController() {
    return controllers.stream().anyMatch(c -> !c.startsWith("name="));
  }
}
