package io.jshim.daemon.task;

import com.fasterxml.jackson.databind.JsonNode;
import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.spawn.LinuxSetup;
import io.jshim.daemon.spawn.Namespace;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

  static LinuxSetup read(JsonNode config, Set<Namespace> namespaces) {
    return linuxSetup(config.path("linux"), readonlyRoot(config.path("root"), namespaces), namespaces);
  }

  private static boolean readonlyRoot(JsonNode root, Set<Namespace> namespaces) {
    JsonNode readonly = root.path("readonly");
    if (readonly.isMissingNode() || readonly.isNull()) {
      return false;
    }
    if (!readonly.isBoolean()) {
      throw ShimException.invalidArgument("root.readonly: " + readonly + " (expected: true or false)");
    }
    if (readonly.booleanValue() && !namespaces.contains(Namespace.MOUNT)) {
      throw ShimException.invalidArgument("root.readonly: true needs a new mount namespace (expected: linux.namespaces to contain mount)");
    }
    return readonly.booleanValue();
  }

  private static LinuxSetup linuxSetup(JsonNode linux, boolean readonlyRoot, Set<Namespace> namespaces) {
    Map<String, String> sysctl = new TreeMap<>();
    JsonNode map = linux.path("sysctl");
    if (!map.isMissingNode() && !map.isNull() && !map.isObject()) {
      throw ShimException.invalidArgument("linux.sysctl: " + map.getNodeType() + " (expected: an object of key: value)");
    }
    for (Map.Entry<String, JsonNode> entry : (Iterable<Map.Entry<String, JsonNode>>) map::fields) {
      String key = entry.getKey();
      Namespace needed = sysctlNamespace(key);
      if (!namespaces.contains(needed)) {
        throw ShimException.invalidArgument("linux.sysctl " + key + ": needs a new " + needed.ociName()
            + " namespace (expected: linux.namespaces to contain " + needed.ociName() + ")");
      }
      if (!entry.getValue().isTextual()) {
        throw ShimException.invalidArgument("linux.sysctl " + key + ": " + entry.getValue() + " (expected: a string value)");
      }
      sysctl.put(key, entry.getValue().textValue());
    }
    List<String> masked = JsonFields.absolutePaths(linux.path("maskedPaths"), "linux.maskedPaths");
    List<String> readonly = JsonFields.absolutePaths(linux.path("readonlyPaths"), "linux.readonlyPaths");
    if ((!masked.isEmpty() || !readonly.isEmpty()) && !namespaces.contains(Namespace.MOUNT)) {
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
