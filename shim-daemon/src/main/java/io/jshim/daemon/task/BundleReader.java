package io.jshim.daemon.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.spawn.Namespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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
    List<String> args = JsonFields.strings(process.path("args"), "process.args");
    if (args.isEmpty()) {
      throw ShimException.invalidArgument("process.args: empty (expected: at least the program to run)");
    }
    List<String> env = JsonFields.strings(process.path("env"), "process.env");
    String cwd = process.path("cwd").asText("/");
    if (!cwd.startsWith("/")) {
      throw ShimException.invalidArgument("process.cwd: \"" + cwd + "\" (expected: an absolute path)");
    }
    JsonNode user = process.path("user");
    int uid = JsonFields.id(user.path("uid"), "process.user.uid");
    int gid = JsonFields.id(user.path("gid"), "process.user.gid");
    Optional<String> hostname = Optional.ofNullable(root.path("hostname").textValue()).filter(h -> !h.isEmpty());
    Set<Namespace> namespaces = namespaces(root.path("linux").path("namespaces"));
    if (hostname.isPresent() && !namespaces.contains(Namespace.UTS)) {
      throw ShimException.invalidArgument("hostname: \"" + hostname.get() + "\" needs a new uts namespace (expected: linux.namespaces to contain uts)");
    }
    return new BundleConfig(args, env, cwd, uid, gid, hostname, namespaces, rootfs(bundle, root.path("root")),
        ProcessOptionsReader.read(process), LinuxSetupReader.read(root, namespaces),
        notApplied(root));
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

}
