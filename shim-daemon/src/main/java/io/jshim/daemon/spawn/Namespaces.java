package io.jshim.daemon.spawn;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The namespaces of a workload: those created with it, those it joins by path, and the id maps of a new
 * user namespace.
 *
 * @param created namespaces the workload gets new
 * @param joined namespaces the workload enters, by their {@code /proc/PID/ns/...} or bind-mounted path
 * @param uidMappings uid_map of a new user namespace (empty without one)
 * @param gidMappings gid_map likewise
 */
public record Namespaces(Set<Namespace> created, Map<Namespace, String> joined, List<IdMapping> uidMappings,
    List<IdMapping> gidMappings) {

  public Namespaces {
    created = Collections.unmodifiableSet(created.isEmpty() ? EnumSet.noneOf(Namespace.class) : EnumSet.copyOf(created));
    joined = Collections.unmodifiableMap(joined.isEmpty() ? new EnumMap<>(Namespace.class) : new EnumMap<>(joined));
    uidMappings = List.copyOf(uidMappings);
    gidMappings = List.copyOf(gidMappings);
    for (Namespace ns : joined.keySet()) {
      if (created.contains(ns)) {
        throw new IllegalArgumentException(ns.ociName() + " namespace both created and joined (expected: one of the two)");
      }
    }
    boolean newUser = created.contains(Namespace.USER);
    if (newUser && (uidMappings.isEmpty() || gidMappings.isEmpty())) {
      throw new IllegalArgumentException("a new user namespace needs uid and gid mappings");
    }
    if (!newUser && (!uidMappings.isEmpty() || !gidMappings.isEmpty())) {
      throw new IllegalArgumentException("uid/gid mappings without a new user namespace");
    }
  }

  /** Only new namespaces, no user namespace. */
  public static Namespaces create(Set<Namespace> created) {
    return new Namespaces(created, Map.of(), List.of(), List.of());
  }

  /** Whether the workload gets a new {@code ns} or joins one. */
  public boolean has(Namespace ns) {
    return created.contains(ns) || joined.containsKey(ns);
  }
}
