package io.jshim.daemon.task;

import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.oci.OciSpec;
import io.jshim.daemon.spawn.IdMapping;
import io.jshim.daemon.spawn.Namespace;
import io.jshim.daemon.spawn.Namespaces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads {@code linux.namespaces} (new or joined by path) and the uid/gid mappings of a new user namespace. */
final class NamespacesReader {
  /** The kernel accepts at most this many lines in a uid_map or gid_map written by jshim-spawn. */
  private static final int MAX_MAPPINGS = 5;
  private static final String TYPES = "pid, uts, ipc, mount, network, cgroup, user or time";

  private NamespacesReader() {}

  static Namespaces read(OciSpec.Linux linux) {
    Set<Namespace> created = EnumSet.noneOf(Namespace.class);
    Map<Namespace, String> joined = new EnumMap<>(Namespace.class);
    for (OciSpec.Namespace entry : JsonFields.list(linux.namespaces(), "linux.namespaces")) {
      String type = entry.type() == null ? "" : entry.type();
      Namespace ns = Namespace.fromOciName(type).orElseThrow(() -> ShimException.invalidArgument(
          "linux.namespaces type: \"" + type + "\" (expected: " + TYPES + ")"));
      if (created.contains(ns) || joined.containsKey(ns)) {
        throw ShimException.invalidArgument("linux.namespaces: " + type + " listed twice (expected: each type once)");
      }
      String path = entry.path() == null ? "" : entry.path();
      if (path.isEmpty()) {
        created.add(ns);
      } else {
        joined.put(ns, checkedPath(type, path));
      }
    }
    List<IdMapping> uids = mappings(linux.uidMappings(), "linux.uidMappings");
    List<IdMapping> gids = mappings(linux.gidMappings(), "linux.gidMappings");
    if (created.contains(Namespace.USER) && (uids.isEmpty() || gids.isEmpty())) {
      throw ShimException.invalidArgument("linux.namespaces: a new user namespace needs linux.uidMappings and "
          + "linux.gidMappings (expected: both, e.g. [{\"containerID\":0,\"hostID\":100000,\"size\":65536}])");
    }
    if (!created.contains(Namespace.USER) && (!uids.isEmpty() || !gids.isEmpty())) {
      throw ShimException.invalidArgument((uids.isEmpty() ? "linux.gidMappings" : "linux.uidMappings")
          + " given without a new user namespace (expected: linux.namespaces to contain user)");
    }
    return new Namespaces(created, joined, uids, gids);
  }

  private static String checkedPath(String type, String path) {
    if (!path.startsWith("/") || path.contains("\0")) {
      throw ShimException.invalidArgument("linux.namespaces " + type + " path: \"" + path + "\" (expected: an absolute path)");
    }
    if (!Files.exists(Path.of(path))) {
      throw ShimException.invalidArgument("linux.namespaces " + type + " path: " + path
          + " does not exist (expected: a namespace file such as /proc/PID/ns/" + type + ")");
    }
    return path;
  }

  private static List<IdMapping> mappings(List<OciSpec.IdMapping> list, String field) {
    List<IdMapping> result = new ArrayList<>();
    for (OciSpec.IdMapping m : JsonFields.list(list, field)) {
      if (m.containerID() == null || m.hostID() == null || m.size() == null) {
        throw ShimException.invalidArgument(field + ": " + m + " (expected: containerID, hostID and size)");
      }
      try {
        result.add(new IdMapping(m.containerID(), m.hostID(), m.size()));
      } catch (IllegalArgumentException e) {
        throw ShimException.invalidArgument(field + ": " + e.getMessage());
      }
    }
    if (result.size() > MAX_MAPPINGS) {
      throw ShimException.invalidArgument(field + ": " + result.size() + " entries (expected: at most " + MAX_MAPPINGS + ")");
    }
    return result;
  }
}
