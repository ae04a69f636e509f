package io.jshim.bench.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The bundles all three paths run: {@code runc spec} as it comes (pid, network, ipc, uts and mount namespaces,
 * runc's default mounts, masked and read-only paths, a read-only root), with only the process, the root path and a
 * cgroup of its own changed. One directory (config.json) per container, all on one shared busybox rootfs.
 */
final class Bundles {
  /** Applets linked to busybox in the rootfs: what the workloads run, and a shell for looking around. */
  static final List<String> APPLETS = List.of("sh", "true", "false", "sleep", "ls", "cat", "echo", "ps", "kill");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ObjectNode template;
  private final Path rootfs;
  private final Path dir;
  private final String cgroupParent;

  private Bundles(ObjectNode template, Path rootfs, Path dir, String cgroupParent) {
    this.template = template;
    this.rootfs = rootfs;
    this.dir = dir;
    this.cgroupParent = cgroupParent;
  }

  /**
   * Reads the template {@code spec} (runc spec's config.json), builds the rootfs under {@code dir} from
   * {@code busybox} (a static binary), and writes bundles below {@code dir}.
   *
   * @param cgroupParent the cgroup (below every hierarchy's root) the containers' cgroups are made in
   */
  static Bundles create(Path spec, Path busybox, Path dir, String cgroupParent) throws IOException {
    ObjectNode template = (ObjectNode) JSON.readTree(spec.toFile());
    if (!template.path("root").path("readonly").asBoolean(false)) {
      throw new IllegalArgumentException(spec + ": root.readonly is not true (expected: runc spec's default)");
    }
    Path rootfs = dir.resolve("rootfs");
    Files.createDirectories(rootfs.resolve("bin"));
    for (String d : List.of("proc", "dev", "sys", "tmp", "etc")) {
      Files.createDirectories(rootfs.resolve(d));
    }
    Files.copy(busybox, rootfs.resolve("bin/busybox"), StandardCopyOption.REPLACE_EXISTING);
    for (String applet : APPLETS) {
      Path link = rootfs.resolve("bin").resolve(applet);
      Files.deleteIfExists(link);
      Files.createSymbolicLink(link, Path.of("busybox"));
    }
    return new Bundles(template, rootfs.toAbsolutePath(), dir.resolve("bundles"), cgroupParent);
  }

  Path rootfs() {
    return rootfs;
  }

  /** The cgroup path (config's linux.cgroupsPath) of container {@code id} of {@code path}. */
  String cgroupOf(String path, String id) {
    return cgroupParent + "/" + path + "/" + id;
  }

  /** Writes the bundle of container {@code id} of {@code path} running {@code args}; returns its directory. */
  Path write(String path, String id, List<String> args) throws IOException {
    ObjectNode config = template.deepCopy();
    ObjectNode process = config.with("process");
    process.put("terminal", false);
    ArrayNode argv = process.putArray("args");
    args.forEach(argv::add);
    config.with("root").put("path", rootfs.toString());
    config.with("linux").put("cgroupsPath", cgroupOf(path, id));
    Path bundle = dir.resolve(id);
    Files.createDirectories(bundle);
    JSON.writeValue(bundle.resolve("config.json").toFile(), config);
    return bundle;
  }

  /** Removes the bundle directories written for {@code ids}. */
  void remove(List<String> ids) throws IOException {
    for (String id : ids) {
      Path bundle = dir.resolve(id);
      Files.deleteIfExists(bundle.resolve("config.json"));
      Files.deleteIfExists(bundle);
    }
  }
}
