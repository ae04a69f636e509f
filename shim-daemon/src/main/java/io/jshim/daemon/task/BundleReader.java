package io.jshim.daemon.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.spawn.Capability;
import io.jshim.daemon.spawn.CapabilitySets;
import io.jshim.daemon.spawn.LinuxSetup;
import io.jshim.daemon.spawn.Namespace;
import io.jshim.daemon.spawn.ProcessOptions;
import io.jshim.daemon.spawn.Rlimit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Reads and checks {@code <bundle>/config.json}; every error names the bad field. */
final class BundleReader {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Fields a runtime acts on that jshim does not apply yet; a config that sets them is run with a warning. */
  private static final List<String> NOT_APPLIED = List.of(
      "mounts", "hooks", "process.apparmorProfile", "process.selinuxLabel", "linux.resources", "linux.cgroupsPath", "linux.devices",
      "linux.seccomp", "linux.uidMappings",
      "linux.gidMappings", "linux.rootfsPropagation", "linux.mountLabel", "linux.intelRdt", "linux.personality");

  BundleConfig read(Path bundle) {
    if (!bundle.isAbsolute()) {
      throw ShimException.invalidArgument("bundle: " + bundle + " (expected: an absolute path)");
    }
    if (!Files.isDirectory(bundle)) {
      throw ShimException.invalidArgument("bundle: " + bundle + " (expected: an existing directory)");
    }
    Path file = bundle.resolve("config.json");
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (NoSuchFileException e) {
      throw ShimException.invalidArgument("bundle " + bundle + " has no config.json (expected: an OCI runtime config)");
    } catch (IOException e) {
      throw ShimException.invalidArgument("cannot read " + file + ": " + e.getMessage() + " (expected: an OCI runtime config in JSON)", e);
    }
    if (root == null || !root.isObject()) {
      throw ShimException.invalidArgument(file + ": not a JSON object (expected: an OCI runtime config)");
    }
    return parse(bundle, root);
  }

  private BundleConfig parse(Path bundle, JsonNode root) {
    JsonNode process = root.path("process");
    if (!process.isObject()) {
      throw ShimException.invalidArgument("process: missing (expected: an object with args)");
    }
    if (process.path("terminal").asBoolean(false)) {
      throw ShimException.unimplemented("process.terminal: true (expected: false; terminals are not supported yet)");
    }
    List<String> args = strings(process.path("args"), "process.args");
    if (args.isEmpty()) {
      throw ShimException.invalidArgument("process.args: empty (expected: at least the program to run)");
    }
    List<String> env = strings(process.path("env"), "process.env");
    String cwd = process.path("cwd").asText("/");
    if (!cwd.startsWith("/")) {
      throw ShimException.invalidArgument("process.cwd: \"" + cwd + "\" (expected: an absolute path)");
    }
    JsonNode user = process.path("user");
    int uid = id(user.path("uid"), "process.user.uid");
    int gid = id(user.path("gid"), "process.user.gid");
    Optional<String> hostname = Optional.ofNullable(root.path("hostname").textValue()).filter(h -> !h.isEmpty());
    Set<Namespace> namespaces = namespaces(root.path("linux").path("namespaces"));
    if (hostname.isPresent() && !namespaces.contains(Namespace.UTS)) {
      throw ShimException.invalidArgument("hostname: \"" + hostname.get() + "\" needs a new uts namespace (expected: linux.namespaces to contain uts)");
    }
    return new BundleConfig(args, env, cwd, uid, gid, hostname, namespaces, rootfs(bundle, root.path("root")),
        processOptions(process), linuxSetup(root.path("linux"), readonlyRoot(root.path("root"), namespaces), namespaces),
        notApplied(root));
  }

  /** Kernel parameters that belong to a namespace, and the namespace each needs. */
  private static final Map<String, Namespace> IPC_SYSCTLS = Map.of(
      "kernel.msgmax", Namespace.IPC, "kernel.msgmnb", Namespace.IPC, "kernel.msgmni", Namespace.IPC,
      "kernel.sem", Namespace.IPC, "kernel.shmall", Namespace.IPC, "kernel.shmmax", Namespace.IPC,
      "kernel.shmmni", Namespace.IPC, "kernel.shm_rmid_forced", Namespace.IPC,
      "kernel.hostname", Namespace.UTS, "kernel.domainname", Namespace.UTS);

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
    List<String> masked = absolutePaths(linux.path("maskedPaths"), "linux.maskedPaths");
    List<String> readonly = absolutePaths(linux.path("readonlyPaths"), "linux.readonlyPaths");
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
    Namespace namespace = IPC_SYSCTLS.get(key);
    if (namespace == null) {
      throw ShimException.invalidArgument("linux.sysctl " + key + ": not a namespaced kernel parameter (expected: net.*, "
          + "fs.mqueue.*, kernel.msg*/sem/shm*, kernel.hostname or kernel.domainname); it would change the host");
    }
    return namespace;
  }

  private static List<String> absolutePaths(JsonNode node, String field) {
    List<String> paths = strings(node, field);
    for (String path : paths) {
      if (!path.startsWith("/") || path.contains("\0")) {
        throw ShimException.invalidArgument(field + ": \"" + path + "\" (expected: an absolute path)");
      }
    }
    return paths;
  }

  private static ProcessOptions processOptions(JsonNode process) {
    List<Rlimit> rlimits = new ArrayList<>();
    JsonNode list = process.path("rlimits");
    if (!list.isMissingNode() && !list.isNull() && !list.isArray()) {
      throw ShimException.invalidArgument("process.rlimits: " + list.getNodeType() + " (expected: an array)");
    }
    Set<String> seen = new HashSet<>();
    for (JsonNode entry : list) {
      String type = entry.path("type").asText("");
      if (!Rlimit.TYPES.contains(type)) {
        throw ShimException.invalidArgument("process.rlimits type: \"" + type + "\" (expected: one of " + new TreeSet<>(Rlimit.TYPES) + ")");
      }
      if (!seen.add(type)) {
        throw ShimException.invalidArgument("process.rlimits: " + type + " listed twice (expected: each type once)");
      }
      long soft = unsigned64(entry.path("soft"), "process.rlimits " + type + " soft");
      long hard = unsigned64(entry.path("hard"), "process.rlimits " + type + " hard");
      if (Long.compareUnsigned(soft, hard) > 0) {
        throw ShimException.invalidArgument("process.rlimits " + type + ": soft " + Long.toUnsignedString(soft)
            + " is above hard " + Long.toUnsignedString(hard) + " (expected: soft <= hard)");
      }
      rlimits.add(new Rlimit(type, soft, hard));
    }
    JsonNode user = process.path("user");
    List<Integer> groups = new ArrayList<>();
    JsonNode gids = user.path("additionalGids");
    if (!gids.isMissingNode() && !gids.isNull() && !gids.isArray()) {
      throw ShimException.invalidArgument("process.user.additionalGids: " + gids.getNodeType() + " (expected: an array of gids)");
    }
    for (JsonNode gid : gids) {
      groups.add(id(gid, "process.user.additionalGids"));
    }
    OptionalInt umask = OptionalInt.empty();
    JsonNode mask = user.path("umask");
    if (!mask.isMissingNode() && !mask.isNull()) {
      if (!mask.isIntegralNumber() || mask.intValue() < 0 || mask.intValue() > 0777) {
        throw ShimException.invalidArgument("process.user.umask: " + mask + " (expected: 0..511, i.e. 0..0777 octal)");
      }
      umask = OptionalInt.of(mask.intValue());
    }
    OptionalInt oom = OptionalInt.empty();
    JsonNode adj = process.path("oomScoreAdj");
    if (!adj.isMissingNode() && !adj.isNull()) {
      if (!adj.isIntegralNumber() || adj.intValue() < -1000 || adj.intValue() > 1000) {
        throw ShimException.invalidArgument("process.oomScoreAdj: " + adj + " (expected: -1000..1000)");
      }
      oom = OptionalInt.of(adj.intValue());
    }
    JsonNode noNewPrivileges = process.path("noNewPrivileges");
    if (!noNewPrivileges.isMissingNode() && !noNewPrivileges.isNull() && !noNewPrivileges.isBoolean()) {
      throw ShimException.invalidArgument("process.noNewPrivileges: " + noNewPrivileges + " (expected: true or false)");
    }
    return new ProcessOptions(rlimits, groups, umask, noNewPrivileges.asBoolean(false), oom,
        capabilities(process.path("capabilities")));
  }

  private static Optional<CapabilitySets> capabilities(JsonNode caps) {
    if (caps.isMissingNode() || caps.isNull()) {
      return Optional.empty();
    }
    if (!caps.isObject()) {
      throw ShimException.invalidArgument("process.capabilities: " + caps.getNodeType() + " (expected: an object of capability sets)");
    }
    return Optional.of(new CapabilitySets(capabilitySet(caps, "bounding"), capabilitySet(caps, "effective"),
        capabilitySet(caps, "permitted"), capabilitySet(caps, "inheritable"), capabilitySet(caps, "ambient")));
  }

  private static Set<Capability> capabilitySet(JsonNode caps, String name) {
    String field = "process.capabilities." + name;
    Set<Capability> set = EnumSet.noneOf(Capability.class);
    for (String cap : strings(caps.path(name), field)) {
      set.add(Capability.fromName(cap).orElseThrow(() -> ShimException.invalidArgument(
          field + ": \"" + cap + "\" (expected: a Linux capability name such as CAP_NET_BIND_SERVICE)")));
    }
    return set;
  }

  private static long unsigned64(JsonNode node, String field) {
    if (!node.isIntegralNumber() || node.bigIntegerValue().signum() < 0 || node.bigIntegerValue().bitLength() > 64) {
      throw ShimException.invalidArgument(field + ": " + node + " (expected: an integer 0..18446744073709551615)");
    }
    return node.bigIntegerValue().longValue();
  }

  private static List<String> notApplied(JsonNode root) {
    List<String> present = new ArrayList<>();
    for (String field : NOT_APPLIED) {
      JsonNode node = root.at("/" + field.replace('.', '/'));
      boolean empty = node.isMissingNode() || node.isNull() || (node.isContainerNode() && node.isEmpty())
          || (node.isBoolean() && !node.booleanValue());
      if (!empty) {
        present.add(field);
      }
    }
    return present;
  }

  private static Optional<String> rootfs(Path bundle, JsonNode root) {
    if (root.isMissingNode() || root.isNull()) {
      return Optional.empty();
    }
    String path = root.path("path").asText("");
    if (path.isEmpty()) {
      throw ShimException.invalidArgument("root.path: empty (expected: the root filesystem, absolute or relative to the bundle)");
    }
    Path resolved = bundle.resolve(path).normalize();
    if (!Files.isDirectory(resolved)) {
      throw ShimException.invalidArgument("root.path: " + resolved + " (expected: an existing directory)");
    }
    return Optional.of(resolved.toString());
  }

  private static Set<Namespace> namespaces(JsonNode list) {
    Set<Namespace> result = EnumSet.noneOf(Namespace.class);
    if (list.isMissingNode() || list.isNull()) {
      return result;
    }
    if (!list.isArray()) {
      throw ShimException.invalidArgument("linux.namespaces: " + list.getNodeType() + " (expected: an array)");
    }
    for (JsonNode entry : list) {
      String type = entry.path("type").asText("");
      if (type.equals("user")) {
        throw ShimException.unimplemented("linux.namespaces: user (expected: pid, uts, ipc, mount, network or cgroup; user namespaces are not supported yet)");
      }
      Namespace ns = Namespace.fromOciName(type).orElseThrow(() -> ShimException.invalidArgument(
          "linux.namespaces type: \"" + type + "\" (expected: pid, uts, ipc, mount, network or cgroup)"));
      if (!entry.path("path").asText("").isEmpty()) {
        throw ShimException.unimplemented("linux.namespaces " + type + " path: joining an existing namespace is not supported yet (expected: no path)");
      }
      if (!result.add(ns)) {
        throw ShimException.invalidArgument("linux.namespaces: " + type + " listed twice (expected: each type once)");
      }
    }
    return result;
  }

  private static List<String> strings(JsonNode node, String field) {
    List<String> result = new ArrayList<>();
    if (node.isMissingNode() || node.isNull()) {
      return result;
    }
    if (!node.isArray()) {
      throw ShimException.invalidArgument(field + ": " + node.getNodeType() + " (expected: an array of strings)");
    }
    for (JsonNode item : node) {
      if (!item.isTextual()) {
        throw ShimException.invalidArgument(field + ": element " + item + " (expected: a string)");
      }
      result.add(item.textValue());
    }
    return result;
  }

  private static int id(JsonNode node, String field) {
    if (node.isMissingNode() || node.isNull()) {
      return 0;
    }
    if (!node.canConvertToInt() || !node.isIntegralNumber() || node.intValue() < 0) {
      throw ShimException.invalidArgument(field + ": " + node + " (expected: an integer >= 0)");
    }
    return node.intValue();
  }
}
