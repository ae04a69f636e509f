package io.jshim.daemon.cgroup;

import io.jshim.daemon.error.ShimException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The host's cgroup filesystems, found once at start; creates the cgroups of containers. One per daemon.
 *
 * <p>On a v1 host (legacy, or hybrid with an extra cgroup2 mount) a container gets a directory in every
 * mounted hierarchy; on a v2 host one directory in the unified hierarchy. Only the cgroupfs layout is
 * supported: systemd's {@code slice:prefix:name} paths are rejected as unimplemented.
 */
public final class Cgroups {
  private static final Path PROC_MOUNTINFO = Path.of("/proc/self/mountinfo");
  private static final Path PROC_CGROUP = Path.of("/proc/self/cgroup");

  private final Layout layout;
  private final Timeouts timeouts;
  private final Optional<AttachPrimer> primer;
  private final Optional<DeviceFilterLoader> deviceFilters;

  Cgroups(Layout layout, Timeouts timeouts) {
    this(layout, timeouts, layout.hierarchies().stream().findFirst().map(AttachPrimer::new), Optional.empty());
  }

  private Cgroups(Layout layout, Timeouts timeouts, Optional<AttachPrimer> primer,
      Optional<DeviceFilterLoader> deviceFilters) {
    this.layout = Objects.requireNonNull(layout, "layout");
    this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
    this.primer = primer;
    this.deviceFilters = Objects.requireNonNull(deviceFilters, "deviceFilters");
  }

  /** Reads this process's mount table and cgroup memberships. */
  public static Cgroups detect() {
    return at(PROC_MOUNTINFO, PROC_CGROUP);
  }

  /**
   * Like {@link #detect()} from the given copies of {@code /proc/self/mountinfo} and {@code /proc/self/cgroup};
   * the mount points they name are used as they are, so a test can point them at a directory tree of its own.
   */
  public static Cgroups at(Path mountinfo, Path selfCgroup) {
    return new Cgroups(Layout.of(MountInfo.cgroupMounts(readProc(mountinfo)), Membership.parse(readProc(selfCgroup))),
        Timeouts.DEFAULT);
  }

  /**
   * These cgroups with device rules applied through {@code loader} on cgroup v2, where they need an eBPF program;
   * without one, v2 device rules that restrict access are refused as unimplemented. (v1 writes devices.allow.)
   */
  public Cgroups withDeviceFilters(DeviceFilterLoader loader) {
    return new Cgroups(layout, timeouts, primer, Optional.of(Objects.requireNonNull(loader, "loader")));
  }

  /** V1 for a legacy or hybrid host, V2 for a unified one. */
  public CgroupMode mode() {
    return layout.mode();
  }

  /**
   * Creates (like {@code mkdir -p}) the cgroup named by OCI {@code linux.cgroupsPath} in every hierarchy and
   * applies {@code resources}. An absolute path starts at each hierarchy's root, a relative one at the
   * daemon's own cgroup there (as runc does). If applying fails the directories made are removed again.
   *
   * @throws ShimException unimplemented for a systemd {@code slice:prefix:name} path or v2 device rules without
   *     a {@link #withDeviceFilters device filter loader},
   *     invalid-argument for a path with {@code ..} or a value the kernel refuses, failed-precondition when a
   *     controller that a setting needs is missing
   */
  public Cgroup create(String cgroupsPath, CgroupResources resources) {
    Objects.requireNonNull(cgroupsPath, "cgroupsPath");
    Objects.requireNonNull(resources, "resources");
    CgroupsPath path = CgroupsPath.parse(cgroupsPath);
    return switch (layout.mode()) {
      case V1 -> V1Cgroup.create(layout.hierarchies(), path, resources, timeouts);
      case V2 -> V2Cgroup.create(layout.hierarchies().get(0), path, resources, timeouts, deviceFilters);
    };
  }

  /**
   * Gets the kernel ready for a process to join a cgroup soon, in the background (see {@link AttachPrimer}): call
   * it when a container's creation begins, before the work that precedes its spawn.
   */
  public void prepareJoin() {
    primer.ifPresent(AttachPrimer::prime);
  }

  /**
   * The existing cgroup of {@code cgroupsPath}, which a daemon created before it was restarted: nothing is
   * created or written; {@link Cgroup#destroy} removes its directories.
   */
  public Cgroup reopen(String cgroupsPath) {
    CgroupsPath path = CgroupsPath.parse(Objects.requireNonNull(cgroupsPath, "cgroupsPath"));
    return switch (layout.mode()) {
      case V1 -> V1Cgroup.reopen(layout.hierarchies(), path, timeouts);
      case V2 -> V2Cgroup.reopen(layout.hierarchies().get(0), path, timeouts, deviceFilters);
    };
  }

  /** The hierarchies a container joins, for tests. */
  List<Hierarchy> hierarchies() {
    return layout.hierarchies();
  }

  @Override
  public String toString() {
    return "cgroups " + layout.mode() + " " + layout.hierarchies().stream().map(h -> h.label() + "@" + h.mountPoint())
        .toList();
  }

  private static String readProc(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw ShimException.failedPrecondition("cannot read " + file + ": " + CgroupFs.reason(e)
          + " (expected: a mounted /proc to find the cgroup filesystems)");
    }
  }
}
