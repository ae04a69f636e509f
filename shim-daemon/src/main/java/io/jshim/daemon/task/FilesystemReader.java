package io.jshim.daemon.task;

import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.oci.OciSpec;
import io.jshim.daemon.spawn.Device;
import io.jshim.daemon.spawn.Filesystem;
import io.jshim.daemon.spawn.Mount;
import io.jshim.daemon.spawn.MountOptions;
import io.jshim.daemon.spawn.Namespace;
import io.jshim.daemon.spawn.Namespaces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads {@code mounts}, {@code linux.devices} and {@code linux.rootfsPropagation}, and adds what runc gives
 * every container with its own /dev: the default device nodes and the /dev symlinks.
 */
final class FilesystemReader {
  /** Filesystem type of an OCI mount that stands for "the container's cgroups"; expanded at Create. */
  static final String CGROUP_TYPE = "cgroup";

  private static final List<Device> DEFAULT_DEVICES = List.of(Device.chr("/dev/null", 1, 3), Device.chr("/dev/zero", 1, 5),
      Device.chr("/dev/full", 1, 7), Device.chr("/dev/random", 1, 8), Device.chr("/dev/urandom", 1, 9),
      Device.chr("/dev/tty", 5, 0));

  private FilesystemReader() {}

  static Filesystem read(Path bundle, OciSpec spec, Optional<String> rootfs, Namespaces namespaces) {
    OciSpec.Linux linux = spec.linux() == null ? LinuxSpecs.EMPTY : spec.linux();
    List<Mount> mounts = new ArrayList<>();
    List<OciSpec.Mount> entries = JsonFields.list(spec.mounts(), "mounts");
    for (int i = 0; i < entries.size(); i++) {
      mounts.add(mount(bundle, entries.get(i), "mounts[" + i + "]"));
    }
    List<Device> configDevices = devices(linux.devices());
    OptionalLong propagation = propagation(linux.rootfsPropagation());
    boolean ownRoot = rootfs.isPresent() && namespaces.created().contains(Namespace.MOUNT);
    if (!ownRoot) {
      String what = !mounts.isEmpty() ? "mounts" : !configDevices.isEmpty() ? "linux.devices"
          : propagation.isPresent() ? "linux.rootfsPropagation" : null;
      if (what != null) {
        throw ShimException.invalidArgument(what + " need a root filesystem and a new mount namespace "
            + "(expected: root.path and linux.namespaces to contain mount)");
      }
      return Filesystem.none();
    }
    // runc's rule: a bind mount over /dev means the caller brings its own devices
    boolean ownDev = mounts.stream().noneMatch(m -> m.target().equals("/dev") && m.isBind());
    Map<String, Device> devices = new LinkedHashMap<>();
    if (ownDev) {
      DEFAULT_DEVICES.forEach(d -> devices.put(d.path(), d));
    }
    configDevices.forEach(d -> devices.put(d.path(), d));
    return new Filesystem(mounts, List.copyOf(devices.values()), ownDev, propagation);
  }

  private static Mount mount(Path bundle, OciSpec.Mount entry, String field) {
    String destination = JsonFields.required(entry.destination(), field + ".destination", "an absolute path in the container");
    if (destination.isEmpty() || destination.contains("\0")) {
      throw ShimException.invalidArgument(field + ".destination: \"" + destination + "\" (expected: a path in the container)");
    }
    // runtime-spec 1.1: a relative destination is relative to the container's /
    String target = destination.startsWith("/") ? destination : "/" + destination;
    MountOptions options;
    try {
      options = MountOptions.parse(JsonFields.list(entry.options(), field + ".options"));
    } catch (IllegalArgumentException e) {
      throw ShimException.invalidArgument(field + ".options: " + e.getMessage());
    }
    if (!JsonFields.list(entry.uidMappings(), field).isEmpty() || !JsonFields.list(entry.gidMappings(), field).isEmpty()) {
      throw ShimException.unimplemented(field + ": id-mapped mounts (uidMappings/gidMappings) are not supported "
          + "(expected: a mount without mappings)");
    }
    String type = entry.type() == null ? "" : entry.type();
    String source = entry.source() == null ? "" : entry.source();
    long flags = options.flags();
    if (type.equals("bind")) {
      type = "";
      flags |= MountOptions.MS_BIND;
    }
    boolean bind = (flags & MountOptions.MS_BIND) != 0 && (flags & MountOptions.MS_REMOUNT) == 0;
    if (bind) {
      if (source.isEmpty()) {
        throw ShimException.invalidArgument(field + ".source: missing (expected: the host path to bind)");
      }
      Path host = bundle.resolve(source).normalize();
      if (!Files.exists(host)) {
        throw ShimException.invalidArgument(field + ".source: " + host + " does not exist (expected: an existing host path to bind)");
      }
      return new Mount("", host.toString(), target, flags, options.propagation(), options.data());
    }
    if (type.isEmpty() && (flags & MountOptions.MS_REMOUNT) == 0) {
      throw ShimException.invalidArgument(field + ".type: missing (expected: a filesystem type such as tmpfs, or a bind option)");
    }
    return new Mount(type, source.isEmpty() ? type : source, target, flags, options.propagation(), options.data());
  }

  private static List<Device> devices(List<OciSpec.Device> list) {
    List<Device> devices = new ArrayList<>();
    List<OciSpec.Device> entries = JsonFields.list(list, "linux.devices");
    for (int i = 0; i < entries.size(); i++) {
      OciSpec.Device d = entries.get(i);
      String field = "linux.devices[" + i + "]";
      String type = JsonFields.required(d.type(), field + ".type", "c, b, u or p");
      String path = JsonFields.required(d.path(), field + ".path", "an absolute path such as /dev/fuse");
      if (type.length() != 1 || "cbup".indexOf(type.charAt(0)) < 0) {
        throw ShimException.invalidArgument(field + ".type: \"" + type + "\" (expected: c, b, u or p)");
      }
      boolean fifo = type.equals("p");
      long major = fifo ? 0 : number(d.major(), field + ".major");
      long minor = fifo ? 0 : number(d.minor(), field + ".minor");
      long mode = d.fileMode() == null ? 0666 : d.fileMode();
      if (mode < 0 || mode > 07777) {
        throw ShimException.invalidArgument(field + ".fileMode: " + mode + " (expected: permission bits 0..07777)");
      }
      if (!path.startsWith("/") || path.contains("\0")) {
        throw ShimException.invalidArgument(field + ".path: \"" + path + "\" (expected: an absolute path)");
      }
      devices.add(new Device(path, type.charAt(0), major, minor, (int) mode, JsonFields.id(d.uid(), field + ".uid"),
          JsonFields.id(d.gid(), field + ".gid")));
    }
    return devices;
  }

  private static long number(Long value, String field) {
    if (value == null || value < 0) {
      throw ShimException.invalidArgument(field + ": " + value + " (expected: a device number >= 0)");
    }
    return value;
  }

  private static OptionalLong propagation(String name) {
    if (name == null || name.isEmpty()) {
      return OptionalLong.empty();
    }
    return MountOptions.propagation(name).map(OptionalLong::of).orElseThrow(() -> ShimException.invalidArgument(
        "linux.rootfsPropagation: \"" + name + "\" (expected: private, rprivate, slave, rslave, shared, rshared, "
            + "unbindable or runbindable)"));
  }
}
