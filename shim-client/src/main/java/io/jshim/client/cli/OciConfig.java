package io.jshim.client.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** Writes the OCI runtime spec ({@code config.json}) that {@code jshimctl run} generates. */
final class OciConfig {
  /** The OCI runtime spec version generated configs declare. */
  static final String OCI_VERSION = "1.0.2";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private OciConfig() {
  }

  /**
   * Builds the config for a run: the process runs as root (uid 0, gid 0) of the container, with a terminal only for
   * {@code run -t};
   * {@code root} is present only for a rootfs, {@code hostname} only when set.
   *
   * @param spec what to run
   * @return the {@code config.json} document
   */
  static ObjectNode toJson(RunSpec spec) {
    ObjectNode config = JSON.createObjectNode();
    config.put("ociVersion", OCI_VERSION);

    ObjectNode process = config.putObject("process");
    process.put("terminal", spec.terminal());
    ObjectNode user = process.putObject("user");
    user.put("uid", 0);
    user.put("gid", 0);
    ArrayNode args = process.putArray("args");
    spec.args().forEach(args::add);
    ArrayNode env = process.putArray("env");
    spec.env().forEach(env::add);
    process.put("cwd", spec.cwd());

    spec.rootfs().ifPresent(rootfs -> config.putObject("root").put("path", rootfs.toString()));
    spec.hostname().ifPresent(hostname -> config.put("hostname", hostname));

    ArrayNode namespaces = config.putObject("linux").putArray("namespaces");
    spec.namespaces().stream()
        .sorted(Comparator.naturalOrder())
        .forEach(ns -> namespaces.addObject().put("type", ns.ociType()));
    if (spec.terminal() && spec.rootfs().isPresent() && spec.namespaces().contains(Namespace.MOUNT)) {
      // the pty comes from the container's /dev/ptmx, a link into its own devpts: the daemon fills a tmpfs /dev
      // with the default devices and that link, and a mount list must name /proc itself
      ArrayNode mounts = config.putArray("mounts");
      mount(mounts, "proc", "proc", "/proc", "nosuid", "noexec", "nodev");
      mount(mounts, "tmpfs", "tmpfs", "/dev", "nosuid", "strictatime", "mode=755", "size=65536k");
      mount(mounts, "devpts", "devpts", "/dev/pts", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620");
    }
    return config;
  }

  private static void mount(ArrayNode mounts, String type, String source, String destination, String... options) {
    ObjectNode mount = mounts.addObject().put("destination", destination).put("type", type).put("source", source);
    ArrayNode list = mount.putArray("options");
    for (String option : options) {
      list.add(option);
    }
  }

  /**
   * Writes {@code config.json} into {@code bundle}.
   *
   * @param spec what to run
   * @param bundle an existing bundle directory
   * @return the written file
   * @throws IOException if it cannot be written
   */
  static Path write(RunSpec spec, Path bundle) throws IOException {
    Path file = bundle.resolve("config.json");
    Files.write(file, JSON.writeValueAsBytes(toJson(spec)));
    return file;
  }
}
