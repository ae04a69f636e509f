package io.jshim.daemon.cgroup;

import io.jshim.daemon.error.ShimException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A container's cgroup on a v1 host: one directory in every mounted hierarchy. */
final class V1Cgroup implements Cgroup {
  private static final String FROZEN = "FROZEN";
  private static final String THAWED = "THAWED";

  private final CgroupsPath path;
  private final List<Node> nodes;
  private final Timeouts timeouts;
  private List<Path> created;

  /** The container's directory in one hierarchy. */
  private record Node(Hierarchy hierarchy, Path dir) {}

  private V1Cgroup(CgroupsPath path, List<Node> nodes, List<Path> created, Timeouts timeouts) {
    this.path = path;
    this.nodes = List.copyOf(nodes);
    this.created = List.copyOf(created);
    this.timeouts = timeouts;
  }

  /** Makes the directories in every hierarchy and applies {@code resources}; undoes the directories on failure. */
  static V1Cgroup create(List<Hierarchy> hierarchies, CgroupsPath path, CgroupResources resources,
      Timeouts timeouts) {
    List<Node> nodes = new ArrayList<>();
    List<Path> created = new ArrayList<>();
    try {
      for (Hierarchy hierarchy : hierarchies) {
        Path dir = hierarchy.dirFor(path);
        created.addAll(CgroupFs.mkdirs(hierarchy.mountPoint(), dir));
        if (hierarchy.has("cpuset")) {
          inheritCpuset(hierarchy.mountPoint(), dir);
        }
        nodes.add(new Node(hierarchy, dir));
      }
      V1Cgroup cgroup = new V1Cgroup(path, nodes, created, timeouts);
      cgroup.update(resources);
      return cgroup;
    } catch (RuntimeException e) {
      CgroupFs.removeQuietly(created);
      throw e;
    }
  }

  /**
   * The cgroup of {@code path} as a daemon made it before a restart: its directories that still exist are the
   * container's own (destroy removes them); nothing is created or written.
   */
  static V1Cgroup reopen(List<Hierarchy> hierarchies, CgroupsPath path, Timeouts timeouts) {
    List<Node> nodes = new ArrayList<>();
    List<Path> existing = new ArrayList<>();
    for (Hierarchy hierarchy : hierarchies) {
      Path dir = hierarchy.dirFor(path);
      nodes.add(new Node(hierarchy, dir));
      if (java.nio.file.Files.isDirectory(dir)) {
        existing.add(dir);
      }
    }
    return new V1Cgroup(path, nodes, existing, timeouts);
  }

  /**
   * A new v1 cpuset starts with no cpus and no memory nodes, and no task may join it until both are set, so
   * every level below the mount point that is still empty gets its parent's.
   */
  private static void inheritCpuset(Path mountPoint, Path leaf) {
    Path parent = mountPoint;
    for (Path name : mountPoint.relativize(leaf)) {
      Path dir = parent.resolve(name);
      for (String file : List.of("cpuset.cpus", "cpuset.mems")) {
        String own = CgroupFs.read(dir.resolve(file)).orElse("").trim();
        if (own.isEmpty()) {
          Path from = parent.resolve(file);
          CgroupFs.writeControl(dir.resolve(file), CgroupFs.read(from).orElse("").trim());
        }
      }
      parent = dir;
    }
  }

  @Override
  public String path() {
    return path.toString();
  }

  @Override
  public List<Path> procsDirs() {
    return nodes.stream().map(Node::dir).toList();
  }

  @Override
  public synchronized void update(CgroupResources resources) {
    new V1Resources(this::dir).apply(resources);
  }

  @Override
  public CgroupStats stats() {
    return new V1StatsReader(this::dir).read();
  }

  @Override
  public synchronized void freeze() {
    Path state = freezerState("freeze");
    // a task in an uninterruptible sleep can stall FREEZING; writing FROZEN again retries it
    boolean frozen = Poll.until("cgroup " + path + " to freeze", timeouts.freeze(), () -> {
      CgroupFs.writeControl(state, FROZEN);
      return readState(state).equals(FROZEN);
    });
    if (!frozen) {
      CgroupFs.writeControl(state, THAWED);
      throw ShimException.internal("cgroup " + path + " did not freeze within " + timeouts.freeze().toMillis()
          + " ms (" + state + " stayed " + readState(state) + "; expected: FROZEN); it was thawed again", null);
    }
  }

  @Override
  public synchronized void thaw() {
    Path state = freezerState("thaw");
    CgroupFs.writeControl(state, THAWED);
    if (!Poll.until("cgroup " + path + " to thaw", timeouts.freeze(), () -> readState(state).equals(THAWED))) {
      throw ShimException.internal("cgroup " + path + " did not thaw within " + timeouts.freeze().toMillis() + " ms ("
          + state + " stayed " + readState(state) + "; expected: THAWED)", null);
    }
  }

  @Override
  public Optional<Path> freezerDir() {
    return dir("freezer");
  }

  @Override
  public boolean frozen() {
    return dir("freezer").map(d -> readState(d.resolve("freezer.state")).equals(FROZEN)).orElse(false);
  }

  @Override
  public long oomKillCount() {
    return dir("memory").flatMap(d -> CgroupFs.read(d.resolve("memory.oom_control")))
        .map(text -> CgroupFormats.keyed(text).get("oom_kill")).orElse(0L);
  }

  @Override
  public List<Integer> pids() {
    return dir("pids").or(() -> dir("memory")).or(() -> nodes.stream().findFirst().map(Node::dir))
        .map(CgroupFs::procs).orElse(List.of());
  }

  @Override
  public boolean canKillAll() {
    return false;
  }

  @Override
  public void killAll() {
    throw ShimException.unimplemented("kill all of cgroup " + path + ": cgroup v1 has no cgroup.kill (expected: cgroup"
        + " v2 on Linux 5.14 or later; signal each pid of pids() instead)");
  }

  @Override
  public synchronized void destroy() {
    new Teardown(path.toString(), timeouts.remove()).remove(procsDirs(), created);
    created = List.of();
  }

  @Override
  public String toString() {
    return "cgroup v1 " + path + " " + procsDirs();
  }

  private Optional<Path> dir(String controller) {
    return nodes.stream().filter(n -> n.hierarchy().has(controller)).map(Node::dir).findFirst();
  }

  private Path freezerState(String operation) {
    return dir("freezer").map(d -> d.resolve("freezer.state")).orElseThrow(() -> ShimException.failedPrecondition(
        "cannot " + operation + " cgroup " + path + ": the freezer controller is not mounted (expected: a cgroup v1"
            + " hierarchy with freezer in /proc/self/mountinfo)"));
  }

  private static String readState(Path state) {
    return CgroupFs.read(state).orElse("").trim();
  }
}
