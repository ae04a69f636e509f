package io.jshim.daemon.oci;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Writes OCI bundles (a {@link TestRootfs} copy plus {@code config.json}) for the conformance tests.
 *
 * <p>The comparison variants start from runc's own default config ({@code runc spec}, read through
 * {@link Runc#defaultSpec}), so that the bar is what runc does with the config it proposes itself; each
 * variant patches only what it is about. Tests that must run without runc start from {@link #minimal}.
 */
final class Bundles {
  static final ObjectMapper JSON = new ObjectMapper();
  /** The cgroup parent of the cgroups variants; runc leaves it behind, {@link Cgroups#removeTestParent} removes it. */
  static final String CGROUP_PARENT = "jshim-oci-test";
  /** The host range a user namespace's ids 0..65535 map to. */
  static final int USERNS_HOST_ID = 100000;

  /** What the comparison runs; the number is the exit status runc gives on this machine. */
  enum Variant {
    /** runc's default config as it is (read-only root, masked and read-only paths, /dev, /sys, cgroups). */
    DEFAULT(0),
    /** uid 1000, gid 1000 and two more groups, umask 027, three rlimits, no_new_privs, small capability sets, cwd /tmp. */
    USER(0),
    /** The read-only root and runc's masked and read-only path lists, probed from inside. */
    READONLY(0),
    /** A read-only bind mount of a host directory and a tmpfs with size and mode. */
    MOUNTS(0),
    /** A user namespace mapping 0..65535 to 100000..165535, the root file system owned by 100000. */
    USERNS(0),
    /** linux.resources memory, pids and cpu shares under cgroupsPath /jshim-oci-test/ID. */
    CGROUPS(0),
    /** {@code sh -c 'exit 7'}. */
    EXIT_CODE(7),
    /** {@code kill -9 $$} without a pid namespace: the workload dies of SIGKILL. */
    KILLED_BY_SIGNAL(137),
    /** {@code kill -9 $$} as a pid namespace's init: the kernel ignores it, the workload goes on. */
    SIGKILL_TO_ITSELF_AS_PID_ONE(0);

    final int expectedExit;

    Variant(int expectedExit) {
      this.expectedExit = expectedExit;
    }

    String fileName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  private final Path base;
  private final Path runc;
  private Path hostShare;

  /** Bundles under {@code base}; {@code runc} gives the default config of the comparison variants. */
  Bundles(Path base, Path runc) throws IOException {
    this.base = Files.createDirectories(base);
    this.runc = runc;
    TestRootfs.setMode(base, 0755);
  }

  /** Writes the bundle {@code name} for {@code variant}, run as container {@code id}. */
  Path write(Variant variant, String name, String id) throws IOException {
    ObjectNode config = config(variant, id);
    Path bundle = write(name, config);
    if (variant == Variant.USERNS) {
      TestRootfs.chownTree(bundle.resolve("rootfs"), USERNS_HOST_ID, USERNS_HOST_ID);
    }
    return bundle;
  }

  /** Writes {@code config} and a fresh test root file system into the new bundle directory {@code name}. */
  Path write(String name, ObjectNode config) throws IOException {
    Path bundle = Files.createDirectory(base.resolve(name));
    TestRootfs.setMode(bundle, 0755);
    TestRootfs.copyTo(bundle.resolve("rootfs"));
    Files.writeString(bundle.resolve("config.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config),
        StandardCharsets.UTF_8);
    return bundle;
  }

  /** The config of {@code variant} for container {@code id}: runc's default config, patched. */
  ObjectNode config(Variant variant, String id) throws IOException {
    ObjectNode config = Runc.defaultSpec(runc);
    ObjectNode process = (ObjectNode) config.get("process");
    ObjectNode linux = (ObjectNode) config.get("linux");
    process.put("terminal", false);
    config.put("hostname", "oci-" + variant.fileName());
    ((ObjectNode) config.get("root")).put("path", "rootfs");
    args(process, "/report.sh");
    switch (variant) {
      case DEFAULT -> { }
      case USER -> {
        process.put("cwd", "/tmp");
        process.put("noNewPrivileges", true);
        ObjectNode user = process.putObject("user").put("uid", 1000).put("gid", 1000).put("umask", 027);
        user.putArray("additionalGids").add(10).add(1001);
        ArrayNode rlimits = process.putArray("rlimits");
        rlimits.addObject().put("type", "RLIMIT_NOFILE").put("hard", 512).put("soft", 256);
        rlimits.addObject().put("type", "RLIMIT_CORE").put("hard", 2 * 1024 * 1024).put("soft", 1024 * 1024);
        rlimits.addObject().put("type", "RLIMIT_NPROC").put("hard", 600).put("soft", 500);
        ObjectNode caps = process.putObject("capabilities");
        strings(caps.putArray("bounding"), "CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE");
        strings(caps.putArray("effective"), "CAP_KILL");
        strings(caps.putArray("permitted"), "CAP_KILL", "CAP_NET_BIND_SERVICE");
        strings(caps.putArray("inheritable"), "CAP_NET_BIND_SERVICE");
        strings(caps.putArray("ambient"), "CAP_NET_BIND_SERVICE");
      }
      case READONLY -> {
        // runc spec already asks for both lists and a read-only root: set it again in case a later runc does not
        ((ObjectNode) config.get("root")).put("readonly", true);
        args(process, "/report.sh", "writes");
      }
      case MOUNTS -> {
        ArrayNode mounts = (ArrayNode) config.get("mounts");
        ObjectNode bind = mounts.addObject().put("destination", "/mnt/host").put("type", "bind")
            .put("source", hostShare().toString());
        strings(bind.putArray("options"), "bind", "ro");
        ObjectNode tmpfs = mounts.addObject().put("destination", "/mnt/scratch").put("type", "tmpfs").put("source", "tmpfs");
        strings(tmpfs.putArray("options"), "nosuid", "nodev", "noexec", "size=1m", "mode=1770");
        args(process, "/report.sh", "mnt");
      }
      case USERNS -> {
        ((ArrayNode) linux.get("namespaces")).addObject().put("type", "user");
        for (String field : List.of("uidMappings", "gidMappings")) {
          linux.putArray(field).addObject().put("containerID", 0).put("hostID", USERNS_HOST_ID).put("size", 65536);
        }
      }
      case CGROUPS -> {
        linux.put("cgroupsPath", "/" + CGROUP_PARENT + "/" + id);
        ObjectNode resources = linux.has("resources") ? (ObjectNode) linux.get("resources") : linux.putObject("resources");
        resources.putObject("memory").put("limit", 64L << 20).put("swap", 64L << 20);
        resources.putObject("pids").put("limit", 64);
        resources.putObject("cpu").put("shares", 512);
        args(process, "/report.sh", "cgroup");
      }
      case EXIT_CODE -> args(process, "/bin/sh", "-c", "echo exiting; exit 7");
      case KILLED_BY_SIGNAL -> {
        ArrayNode namespaces = (ArrayNode) linux.get("namespaces");
        for (int i = namespaces.size() - 1; i >= 0; i--) {
          if (namespaces.get(i).path("type").asText().equals("pid")) {
            namespaces.remove(i);
          }
        }
        args(process, "/bin/sh", "-c", "echo dying; kill -9 $$; echo survived");
      }
      case SIGKILL_TO_ITSELF_AS_PID_ONE -> args(process, "/bin/sh", "-c", "echo dying; kill -9 $$; echo survived");
      default -> throw new AssertionError(variant);
    }
    return config;
  }

  /**
   * A config written by hand, not by runc: pid, mount, ipc and uts namespaces, the test root file
   * system read-write, /proc mounted, root with runc's default capabilities, no other mounts.
   */
  static ObjectNode minimal(String... args) {
    ObjectNode config = JSON.createObjectNode();
    config.put("ociVersion", "1.0.2");
    ObjectNode process = config.putObject("process");
    process.put("terminal", false);
    process.putObject("user").put("uid", 0).put("gid", 0);
    args(process, args);
    strings(process.putArray("env"), "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    process.put("cwd", "/");
    config.putObject("root").put("path", "rootfs");
    config.put("hostname", "oci-minimal");
    config.putArray("mounts").addObject().put("destination", "/proc").put("type", "proc").put("source", "proc");
    ArrayNode namespaces = config.putObject("linux").putArray("namespaces");
    for (String type : List.of("pid", "mount", "ipc", "uts")) {
      namespaces.addObject().put("type", type);
    }
    return config;
  }

  /** A host directory holding hello.txt, shared read-only into the mounts variant. */
  private Path hostShare() throws IOException {
    if (hostShare == null) {
      hostShare = Files.createDirectory(base.resolve("host-share"));
      TestRootfs.setMode(hostShare, 0755);
      Files.writeString(hostShare.resolve("hello.txt"), "hello from the host\n");
      TestRootfs.setMode(hostShare.resolve("hello.txt"), 0644);
    }
    return hostShare;
  }

  private static void args(ObjectNode process, String... args) {
    strings(process.putArray("args"), args);
  }

  private static void strings(ArrayNode array, String... values) {
    for (String value : values) {
      array.add(value);
    }
  }
}
