package io.jshim.daemon.task;

import io.jshim.daemon.spawn.LinuxSetup;
import io.jshim.daemon.spawn.Namespace;
import io.jshim.daemon.spawn.ProcessOptions;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The parts of an OCI bundle's config.json that the daemon acts on.
 *
 * @param rootfs absolute path of the root filesystem; empty to run on the host's
 * @param process rlimits, supplementary groups, umask, no_new_privs and OOM score adjustment
 * @param linux sysctls, masked and read-only paths
 * @param notApplied config fields that are present but not acted on yet (reported, never silently dropped)
 */
record BundleConfig(
    List<String> args,
    List<String> env,
    String cwd,
    int uid,
    int gid,
    Optional<String> hostname,
    Set<Namespace> namespaces,
    Optional<String> rootfs,
    ProcessOptions process,
    LinuxSetup linux,
    List<String> notApplied) {

  BundleConfig {
    notApplied = List.copyOf(notApplied);
    args = List.copyOf(args);
    env = List.copyOf(env);
    namespaces = Set.copyOf(namespaces);
  }
}
