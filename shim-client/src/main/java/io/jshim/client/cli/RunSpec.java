package io.jshim.client.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code jshimctl run} puts into a generated bundle's {@code config.json}.
 *
 * @param args the command and its arguments
 * @param env the environment, {@code KEY=VALUE} entries
 * @param cwd the absolute working directory inside the container
 * @param hostname the hostname, if one is set
 * @param rootfs the absolute root file system directory; empty to run on the host's file system
 * @param namespaces the namespaces to create
 */
record RunSpec(
    List<String> args,
    List<String> env,
    String cwd,
    Optional<String> hostname,
    Optional<Path> rootfs,
    Set<Namespace> namespaces) {

  /** The {@code PATH} a generated config gives the workload unless {@code --env PATH=…} says otherwise. */
  static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  /** Copies the collections and checks the invariants a runtime would reject later. */
  RunSpec {
    args = List.copyOf(args);
    env = List.copyOf(env);
    Objects.requireNonNull(cwd, "cwd");
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(rootfs, "rootfs");
    namespaces = Set.copyOf(namespaces);
    if (args.isEmpty()) {
      throw new IllegalArgumentException("missing command to run");
    }
    if (!cwd.startsWith("/")) {
      throw new IllegalArgumentException("--cwd: " + cwd + " (expected: an absolute path)");
    }
    if (hostname.isPresent() && !namespaces.contains(Namespace.UTS)) {
      throw new IllegalArgumentException("--hostname needs the uts namespace (add uts to --ns)");
    }
    rootfs.ifPresent(path -> {
      if (!path.isAbsolute()) {
        throw new IllegalArgumentException("--rootfs: " + path + " (expected: an absolute path)");
      }
    });
  }

  /**
   * Builds the environment: {@link #DEFAULT_PATH} followed by {@code extra}, where an entry of {@code extra}
   * replaces an earlier one with the same key.
   *
   * @param extra {@code KEY=VALUE} entries from {@code --env}
   * @return the environment list
   * @throws IllegalArgumentException for an entry without {@code =} or with an empty key
   */
  static List<String> environment(List<String> extra) {
    LinkedHashMap<String, String> byKey = new LinkedHashMap<>();
    byKey.put("PATH", DEFAULT_PATH);
    for (String entry : extra) {
      int eq = entry.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--env: " + entry + " (expected: KEY=VALUE)");
      }
      byKey.put(entry.substring(0, eq), entry);
    }
    return List.copyOf(byKey.values());
  }
}
