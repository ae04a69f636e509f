package io.jshim.daemon.task;

import io.jshim.daemon.oci.LinuxResources;
import io.jshim.daemon.spawn.Filesystem;
import io.jshim.daemon.spawn.LinuxSetup;
import io.jshim.daemon.spawn.Namespaces;
import io.jshim.daemon.spawn.ProcessOptions;
import java.util.List;
import java.util.Optional;

/**
 * The parts of an OCI bundle's config.json that the daemon acts on.
 *
 * @param namespaces namespaces to create or join, and the id maps of a new user namespace
 * @param rootfs absolute path of the root filesystem; empty to run on the host's
 * @param process rlimits, supplementary groups, umask, no_new_privs and OOM score adjustment
 * @param linux sysctls, masked and read-only paths
 * @param filesystem mounts, devices and /dev links, root propagation
 * @param cgroupsPath {@code linux.cgroupsPath}; empty for the default (one cgroup per task)
 * @param resources {@code linux.resources}, checked when the cgroup is made
 * @param notApplied config fields that are present but not acted on (reported, never silently dropped)
 */
record BundleConfig(
    List<String> args,
    List<String> env,
    String cwd,
    int uid,
    int gid,
    Optional<String> hostname,
    Namespaces namespaces,
    Optional<String> rootfs,
    ProcessOptions process,
    LinuxSetup linux,
    Filesystem filesystem,
    Optional<String> cgroupsPath,
    Optional<LinuxResources> resources,
    List<String> notApplied) {

  BundleConfig {
    notApplied = List.copyOf(notApplied);
    args = List.copyOf(args);
    env = List.copyOf(env);
  }
}
