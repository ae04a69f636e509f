package io.jshim.daemon.cgroup;

import io.jshim.daemon.error.ShimException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The host's cgroup layout: the mode and the hierarchies a container joins, worked out from the mount table
 * and the daemon's own memberships.
 */
record Layout(CgroupMode mode, List<Hierarchy> hierarchies) {
  Layout {
    hierarchies = List.copyOf(hierarchies);
  }

  static Layout of(List<CgroupMount> mounts, List<Membership> memberships) {
    List<Hierarchy> v1 = new ArrayList<>();
    Optional<Hierarchy> unified = Optional.empty();
    for (Membership membership : memberships) {
      if (membership.hierarchyId() == 0) {
        unified = unifiedMount(mounts).map(m -> new Hierarchy(m, Set.of(), membership.path()));
      } else {
        v1Mount(mounts, membership.controllers())
            .ifPresent(m -> v1.add(new Hierarchy(m, membership.controllers(), membership.path())));
      }
    }
    boolean legacy = memberships.stream().anyMatch(m -> m.hierarchyId() != 0 && m.hasRealController()
        && v1Mount(mounts, m.controllers()).isPresent());
    if (legacy) {
      List<Hierarchy> all = new ArrayList<>(v1);
      unified.ifPresent(all::add);
      return new Layout(CgroupMode.V1, all);
    }
    if (unified.isPresent()) {
      return new Layout(CgroupMode.V2, List.of(unified.get()));
    }
    throw ShimException.failedPrecondition("no usable cgroup filesystem: mounts " + mounts + ", memberships "
        + memberships + " (expected: cgroup v1 controllers or a cgroup2 filesystem mounted, as on /sys/fs/cgroup)");
  }

  private static Optional<CgroupMount> unifiedMount(List<CgroupMount> mounts) {
    List<CgroupMount> unified = mounts.stream().filter(CgroupMount::unified).toList();
    return unified.stream().filter(m -> m.root().equals("/")).findFirst().or(() -> unified.stream().findFirst());
  }

  private static Optional<CgroupMount> v1Mount(List<CgroupMount> mounts, Set<String> controllers) {
    List<CgroupMount> matching = mounts.stream()
        .filter(m -> !m.unified() && !controllers.isEmpty() && m.options().containsAll(controllers))
        .toList();
    return matching.stream().filter(m -> m.root().equals("/")).findFirst().or(() -> matching.stream().findFirst());
  }
}
