package io.jshim.client.cli;

import java.nio.file.Path;
import java.util.ArrayList;
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
 * @param terminal whether the process gets a terminal ({@code run -t})
 */
record RunSpec(
    List<String> args,
    List<String> env,
    String cwd,
    Optional<String> hostname,
    Optional<Path> rootfs,
    Set<Namespace> namespaces,
    boolean terminal) {

  /** The {@code PATH} a generated config gives the workload unless {@code --env PATH=…} says otherwise. */
  static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  /** The {@code TERM} of a generated config with a terminal, unless {@code --env TERM=…} says otherwise. */
  static final String DEFAULT_TERM = "TERM=xterm";

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
   * Builds the environment: {@link #DEFAULT_PATH}, with a terminal {@link #DEFAULT_TERM}, then {@code extra}, where an
   * entry of {@code extra} replaces an earlier one with the same key.
   *
   * @param extra {@code KEY=VALUE} entries from {@code --env}
   * @param terminal whether the process gets a terminal
   * @return the environment list
   * @throws IllegalArgumentException for an entry without {@code =} or with an empty key
   */
  static List<String> environment(List<String> extra, boolean terminal) {
    List<String> defaults = new ArrayList<>();
    defaults.add(DEFAULT_PATH);
    if (terminal) {
      defaults.add(DEFAULT_TERM);
    }
    return EnvList.merge(defaults, extra);
  }
}
