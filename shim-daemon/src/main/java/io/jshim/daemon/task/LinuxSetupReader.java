package io.jshim.daemon.task;

import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.spawn.LinuxSetup;
import io.jshim.daemon.oci.OciSpec;
import io.jshim.daemon.spawn.Namespace;
import io.jshim.daemon.spawn.Namespaces;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads what the workload changes in its own namespaces: read-only root, sysctls, masked and read-only paths. */
final class LinuxSetupReader {
  /** Kernel parameters that belong to a namespace, and the namespace each needs. */
  private static final Map<String, Namespace> NAMESPACED_SYSCTLS = Map.of(
      "kernel.msgmax", Namespace.IPC, "kernel.msgmnb", Namespace.IPC, "kernel.msgmni", Namespace.IPC,
      "kernel.sem", Namespace.IPC, "kernel.shmall", Namespace.IPC, "kernel.shmmax", Namespace.IPC,
      "kernel.shmmni", Namespace.IPC, "kernel.shm_rmid_forced", Namespace.IPC,
      "kernel.hostname", Namespace.UTS, "kernel.domainname", Namespace.UTS);

  private LinuxSetupReader() {}

  static LinuxSetup read(OciSpec spec, Namespaces namespaces) {
    OciSpec.Linux linux = spec.linux() == null ? LinuxSpecs.EMPTY : spec.linux();
    return linuxSetup(linux, readonlyRoot(spec.root(), namespaces), namespaces);
  }

  private static boolean readonlyRoot(OciSpec.Root root, Namespaces namespaces) {
    boolean readonly = root != null && Boolean.TRUE.equals(root.readonly());
    if (readonly && !namespaces.has(Namespace.MOUNT)) {
      throw ShimException.invalidArgument("root.readonly: true needs a new mount namespace (expected: linux.namespaces to contain mount)");
    }
    return readonly;
  }

  private static LinuxSetup linuxSetup(OciSpec.Linux linux, boolean readonlyRoot, Namespaces namespaces) {
    Map<String, String> sysctl = new TreeMap<>();
    if (linux.sysctl() != null) {
      for (Map.Entry<String, String> entry : linux.sysctl().entrySet()) {
        String key = entry.getKey();
        Namespace needed = sysctlNamespace(key);
        if (!namespaces.has(needed)) {
          throw ShimException.invalidArgument("linux.sysctl " + key + ": needs a new " + needed.ociName()
              + " namespace (expected: linux.namespaces to contain " + needed.ociName() + ")");
        }
        if (entry.getValue() == null) {
          throw ShimException.invalidArgument("linux.sysctl " + key + ": null (expected: a string value)");
        }
        sysctl.put(key, entry.getValue());
      }
    }
    List<String> masked = JsonFields.absolutePaths(linux.maskedPaths(), "linux.maskedPaths");
    List<String> readonly = JsonFields.absolutePaths(linux.readonlyPaths(), "linux.readonlyPaths");
    if ((!masked.isEmpty() || !readonly.isEmpty()) && !namespaces.has(Namespace.MOUNT)) {
      throw ShimException.invalidArgument((masked.isEmpty() ? "linux.readonlyPaths" : "linux.maskedPaths")
          + " needs a new mount namespace (expected: linux.namespaces to contain mount)");
    }
    return new LinuxSetup(sysctl, masked, readonly, readonlyRoot);
  }

  private static Namespace sysctlNamespace(String key) {
    if (!key.matches("[a-z0-9_]+(\\.[a-z0-9_]+)+")) {
      throw ShimException.invalidArgument("linux.sysctl key: \"" + key + "\" (expected: a dotted name such as net.ipv4.ip_forward)");
    }
    if (key.startsWith("net.")) {
      return Namespace.NETWORK;
    }
    if (key.startsWith("fs.mqueue.")) {
      return Namespace.IPC;
    }
    Namespace namespace = NAMESPACED_SYSCTLS.get(key);
    if (namespace == null) {
      throw ShimException.invalidArgument("linux.sysctl " + key + ": not a namespaced kernel parameter (expected: net.*, "
          + "fs.mqueue.*, kernel.msg*/sem/shm*, kernel.hostname or kernel.domainname); it would change the host");
    }
    return namespace;
  }
}
