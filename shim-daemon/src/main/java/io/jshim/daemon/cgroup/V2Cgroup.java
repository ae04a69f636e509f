package io.jshim.daemon.cgroup;

import io.jshim.daemon.error.ShimException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A container's cgroup on a cgroup v2 host: one directory in the unified hierarchy. */
final class V2Cgroup implements Cgroup {
  private final CgroupsPath path;
  private final Hierarchy hierarchy;
  private final Path dir;
  private final Timeouts timeouts;
  private final Optional<DeviceFilterLoader> deviceFilters;
  private List<Path> created;

  private V2Cgroup(CgroupsPath path, Hierarchy hierarchy, Path dir, List<Path> created, Timeouts timeouts,
      Optional<DeviceFilterLoader> deviceFilters) {
    this.path = path;
    this.hierarchy = hierarchy;
    this.dir = dir;
    this.created = List.copyOf(created);
    this.timeouts = timeouts;
    this.deviceFilters = deviceFilters;
  }

  /** Makes the directory and applies {@code resources}; undoes the directories on failure. */
  static V2Cgroup create(Hierarchy hierarchy, CgroupsPath path, CgroupResources resources, Timeouts timeouts,
      Optional<DeviceFilterLoader> deviceFilters) {
    V2Resources.checkSupported(resources, deviceFilters);
    Path dir = hierarchy.dirFor(path);
    List<Path> created = CgroupFs.mkdirs(hierarchy.mountPoint(), dir);
    try {
      V2Cgroup cgroup = new V2Cgroup(path, hierarchy, dir, created, timeouts, deviceFilters);
      cgroup.update(resources);
      return cgroup;
    } catch (RuntimeException e) {
      CgroupFs.removeQuietly(created);
      throw e;
    }
  }

  /** The cgroup of {@code path} as a daemon made it before a restart (see {@link V1Cgroup#reopen}). */
  static V2Cgroup reopen(Hierarchy hierarchy, CgroupsPath path, Timeouts timeouts,
      Optional<DeviceFilterLoader> deviceFilters) {
    Path dir = hierarchy.dirFor(path);
    return new V2Cgroup(path, hierarchy, dir,
        java.nio.file.Files.isDirectory(dir) ? List.of(dir) : List.of(), timeouts, deviceFilters);
  }

  @Override
  public String path() {
    return path.toString();
  }

  @Override
  public List<Path> procsDirs() {
    return List.of(dir);
  }

  @Override
  public synchronized void update(CgroupResources resources) {
    new V2Resources(hierarchy.mountPoint(), dir, deviceFilters).apply(resources);
  }

  @Override
  public CgroupStats stats() {
    return V2StatsReader.read(dir);
  }

  @Override
  public Optional<Path> freezerDir() {
    return Files.exists(dir.resolve("cgroup.freeze")) ? Optional.of(dir) : Optional.empty();
  }

  @Override
  public synchronized void freeze() {
    Path freeze = freezeFile("freeze");
    CgroupFs.writeControl(freeze, "1");
    if (!Poll.until("cgroup " + path + " to freeze", timeouts.freeze(), this::frozen)) {
      CgroupFs.writeControl(freeze, "0");
      throw ShimException.internal("cgroup " + path + " did not freeze within " + timeouts.freeze().toMillis()
          + " ms (" + dir.resolve("cgroup.events") + " never said \"frozen 1\"); it was thawed again", null);
    }
  }

  @Override
  public synchronized void thaw() {
    CgroupFs.writeControl(freezeFile("thaw"), "0");
    if (!Poll.until("cgroup " + path + " to thaw", timeouts.freeze(), () -> !frozen())) {
      throw ShimException.internal("cgroup " + path + " did not thaw within " + timeouts.freeze().toMillis() + " ms ("
          + dir.resolve("cgroup.events") + " still says \"frozen 1\")", null);
    }
  }

  @Override
  public boolean frozen() {
    return CgroupFs.read(dir.resolve("cgroup.events")).map(t -> CgroupFormats.keyed(t).get("frozen") == 1)
        .orElse(false);
  }

  @Override
  public long oomKillCount() {
    return CgroupFs.read(dir.resolve("memory.events")).map(t -> CgroupFormats.keyed(t).get("oom_kill")).orElse(0L);
  }

  @Override
  public List<Integer> pids() {
    return CgroupFs.procs(dir);
  }

  @Override
  public boolean canKillAll() {
    return Files.exists(dir.resolve("cgroup.kill"));
  }

  @Override
  public synchronized void killAll() {
    if (!canKillAll()) {
      throw ShimException.unimplemented("kill all of cgroup " + path + ": " + dir + " has no cgroup.kill (expected:"
          + " Linux 5.14 or later; signal each pid of pids() instead)");
    }
    CgroupFs.writeControl(dir.resolve("cgroup.kill"), "1");
  }

  @Override
  public synchronized void destroy() {
    new Teardown(path.toString(), timeouts.remove()).remove(List.of(dir), created);
    created = List.of();
  }

  @Override
  public String toString() {
    return "cgroup v2 " + path + " " + dir;
  }

  private Path freezeFile(String operation) {
    Path freeze = dir.resolve("cgroup.freeze");
    if (!Files.exists(freeze)) {
      throw ShimException.failedPrecondition("cannot " + operation + " cgroup " + path + ": " + dir + " has no"
          + " cgroup.freeze (expected: Linux 5.2 or later, and not the root cgroup)");
    }
    return freeze;
  }
}
