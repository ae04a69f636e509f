package io.jshim.daemon.task;

import io.jshim.daemon.oci.LinuxResources;
import io.jshim.daemon.spawn.Filesystem;
import io.jshim.daemon.spawn.LinuxSetup;
import io.jshim.daemon.spawn.Namespaces;
import io.jshim.daemon.spawn.Seccomp;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parts of an OCI bundle's config.json that the daemon acts on.
 *
 * @param namespaces namespaces to create or join, and the id maps of a new user namespace
 * @param rootfs absolute path of the root filesystem; empty to run on the host's
 * @param process the init process: program, environment, user, attributes, terminal
 * @param linux sysctls, masked and read-only paths
 * @param filesystem mounts, devices and /dev links, root propagation
 * @param cgroupsPath {@code linux.cgroupsPath}; empty for the default (one cgroup per task)
 * @param resources {@code linux.resources}, checked when the cgroup is made
 * @param annotations {@code annotations}, for the daemon's own settings (the container log)
 * @param notApplied config fields that are present but not acted on (reported, never silently dropped)
 * @param seccomp {@code linux.seccomp}: the filter of the init and of every exec; empty for none
 * @param hooks {@code hooks}: the OCI hooks of each kind
 */
record BundleConfig(
    ProcessConfig process,
    Optional<String> hostname,
    Namespaces namespaces,
    Optional<String> rootfs,
    LinuxSetup linux,
    Filesystem filesystem,
    Optional<String> cgroupsPath,
    Optional<LinuxResources> resources,
    Map<String, String> annotations,
    List<String> notApplied,
    Optional<Seccomp> seccomp,
    OciHooks hooks) {

  BundleConfig {
    notApplied = List.copyOf(notApplied);
    annotations = Map.copyOf(annotations);
  }
}
