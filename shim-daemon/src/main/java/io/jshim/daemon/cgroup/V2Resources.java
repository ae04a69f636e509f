package io.jshim.daemon.cgroup;

import static io.jshim.daemon.cgroup.CgroupResources.UNLIMITED;
import static io.jshim.daemon.cgroup.CgroupResources.field;

import io.jshim.daemon.error.ShimException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/** Writes {@link CgroupResources} to a cgroup v2 directory, delegating the controllers it needs first. */
final class V2Resources {
  /** Enabled when available even if no resource asks for them, so that stats have something to read. */
  private static final List<String> STATS_CONTROLLERS = List.of("cpu", "memory", "pids", "io");

  private final Path top;
  private final Path dir;
  private final Optional<DeviceFilterLoader> deviceFilters;

  /**
   * @param top the hierarchy's mount point, where delegation starts
   * @param dir the container's cgroup
   * @param deviceFilters attaches the eBPF program of the device rules; without it only rules that allow
   *     everything are accepted
   */
  V2Resources(Path top, Path dir, Optional<DeviceFilterLoader> deviceFilters) {
    this.top = top;
    this.dir = dir;
    this.deviceFilters = deviceFilters;
  }

  /**
   * Rejects what cannot be done on v2 before anything is touched: device rules need an eBPF program attached
   * to the cgroup, so without a loader for one only rules that allow everything (the kernel's default) are
   * accepted; with one, numbers the program cannot compare are refused. Leaf weights have no v2 file.
   */
  static void checkSupported(CgroupResources r, Optional<DeviceFilterLoader> deviceFilters) {
    BlockIo io = r.blockIo();
    if (io.leafWeight().isPresent() || io.weightDevices().stream().anyMatch(d -> d.leafWeight().isPresent())) {
      throw ShimException.failedPrecondition(field("blockIO") + ": leafWeight cannot be applied on cgroup v2, which"
          + " has no leaf weights (expected: no leafWeight; it exists only for cgroup v1's CFQ scheduler)");
    }
    if (deviceFilters.isPresent()) {
      DeviceFilterCompiler.compile(r.devices());
      return;
    }
    List<DeviceRule> restricting = r.devices().stream().filter(d -> !(d.allow() && d.coversEverything())).toList();
    if (!restricting.isEmpty()) {
      throw ShimException.unimplemented(field("devices") + ": " + restricting.size() + " rule(s) restricting device"
          + " access, such as " + restricting.get(0) + " (expected: none on cgroup v2 when these cgroups have no"
          + " eBPF device filter loader, see Cgroups.withDeviceFilters)");
    }
  }

  void apply(CgroupResources r) {
    checkSupported(r, deviceFilters);
    Map<String, String> needed = neededControllers(r);
    delegate(needed.keySet());
    Set<String> available = CgroupFs.read(dir.resolve("cgroup.controllers")).map(CgroupFormats::words).orElse(Set.of());
    needed.forEach((controller, ociField) -> {
      if (!available.contains(controller)) {
        throw ShimException.failedPrecondition(field(ociField) + ": cannot be applied, the " + controller
            + " controller is not available in " + dir + " (cgroup.controllers: \"" + String.join(" ", available)
            + "\"; expected: " + controller + " enabled in the parent's cgroup.subtree_control, which a parent"
            + " holding processes itself cannot do)");
      }
    });
    if (r.touchesMemory()) {
      memory(r);
    }
    r.cpuShares().ifPresent(s -> CgroupFs.set(dir, "cpu.weight", Long.toString(CpuWeight.fromShares(s)),
        field("cpu.shares")));
    if (r.cpuQuota().isPresent() || r.cpuPeriod().isPresent()) {
      cpuMax(r.cpuQuota(), r.cpuPeriod());
    }
    r.cpusetCpus().ifPresent(cpus -> CgroupFs.set(dir, "cpuset.cpus", cpus, field("cpu.cpus")));
    r.cpusetMems().ifPresent(mems -> CgroupFs.set(dir, "cpuset.mems", mems, field("cpu.mems")));
    r.pidsLimit().ifPresent(limit -> CgroupFs.set(dir, "pids.max", limit <= 0 ? "max" : Long.toString(limit),
        field("pids.limit")));
    if (!r.blockIo().isEmpty()) {
      io(r.blockIo());
    }
    for (HugepageLimit limit : r.hugepageLimits()) {
      Hugetlb.set(dir, limit, "max");
    }
    // last but the device filter, so that these override what the fields above wrote, as runc does
    r.unified().entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> CgroupFs.set(dir, e.getKey(), e.getValue(), field("unified." + e.getKey())));
    if (!r.devices().isEmpty() && deviceFilters.isPresent()) {
      // last, so that a setting the kernel refuses above leaves the previous filter in force
      deviceFilters.get().replace(dir, DeviceFilterCompiler.compile(r.devices()));
    }
  }

  /** Each controller the resources need, with the first OCI field that needs it (for the message). */
  private static Map<String, String> neededControllers(CgroupResources r) {
    Map<String, String> needed = new LinkedHashMap<>();
    r.memoryLimit().ifPresent(v -> needed.putIfAbsent("memory", "memory.limit"));
    r.memoryReservation().ifPresent(v -> needed.putIfAbsent("memory", "memory.reservation"));
    r.memorySwap().ifPresent(v -> needed.putIfAbsent("memory", "memory.swap"));
    r.cpuShares().ifPresent(v -> needed.putIfAbsent("cpu", "cpu.shares"));
    r.cpuQuota().ifPresent(v -> needed.putIfAbsent("cpu", "cpu.quota"));
    r.cpuPeriod().ifPresent(v -> needed.putIfAbsent("cpu", "cpu.period"));
    r.cpusetCpus().ifPresent(v -> needed.putIfAbsent("cpuset", "cpu.cpus"));
    r.cpusetMems().ifPresent(v -> needed.putIfAbsent("cpuset", "cpu.mems"));
    r.pidsLimit().ifPresent(v -> needed.putIfAbsent("pids", "pids.limit"));
    if (!r.blockIo().isEmpty()) {
      needed.putIfAbsent("io", "blockIO");
    }
    if (!r.hugepageLimits().isEmpty()) {
      needed.putIfAbsent("hugetlb", "hugepageLimits");
    }
    r.unified().keySet().stream().sorted().forEach(key -> {
      String controller = key.substring(0, key.indexOf('.'));
      if (!controller.equals("cgroup")) {
        needed.putIfAbsent(controller, "unified." + key);
      }
    });
    return needed;
  }

  /**
   * Enables the controllers in {@code cgroup.subtree_control} of every level from the mount point down to the
   * container's parent. Best effort: a level holding processes itself cannot delegate (the "no internal
   * processes" rule), and whether a needed controller arrived is checked afterwards.
   *
   * <p>A level below the mount point that holds processes is left alone: the kernel refuses domain controllers
   * (memory, io) there, but accepts the threaded ones (cpu, cpuset, pids) and so makes the level a thread root,
   * after which its child cgroups are invalid domains that no process can join (EOPNOTSUPP). The default cgroup
   * {@code jshim/<id>} below the daemon's own cgroup is such a case: the daemon is a process of that level.
   */
  private void delegate(Set<String> needed) {
    Set<String> wanted = new LinkedHashSet<>(STATS_CONTROLLERS);
    wanted.addAll(needed);
    Path level = top;
    for (Path name : top.relativize(dir)) {
      if (!level.equals(top) && holdsProcesses(level)) {
        level = level.resolve(name);
        continue;
      }
      Set<String> available = CgroupFs.read(level.resolve("cgroup.controllers")).map(CgroupFormats::words)
          .orElse(Set.of());
      Set<String> enabled = CgroupFs.read(level.resolve("cgroup.subtree_control")).map(CgroupFormats::words)
          .orElse(Set.of());
      for (String controller : wanted) {
        if (available.contains(controller) && !enabled.contains(controller)) {
          try {
            CgroupFs.write(level.resolve("cgroup.subtree_control"), "+" + controller);
          } catch (IOException e) {
            // checked by the caller for the controllers that matter
          }
        }
      }
      level = level.resolve(name);
    }
  }

  private static boolean holdsProcesses(Path cgroup) {
    return CgroupFs.read(cgroup.resolve("cgroup.procs")).map(procs -> !procs.isBlank()).orElse(false);
  }

  private void memory(CgroupResources r) {
    r.memoryLimit().ifPresent(v -> CgroupFs.set(dir, "memory.max", max(v), field("memory.limit")));
    // -1 becomes "max", full protection from reclaim, as runc writes it
    r.memoryReservation().ifPresent(v -> CgroupFs.set(dir, "memory.low", max(v), field("memory.reservation")));
    r.memorySwap().ifPresent(swap -> {
      String value = swapMax(swap, r.memoryLimit());
      if (!Files.exists(dir.resolve("memory.swap.max"))) {
        if (value.equals("max") || value.equals("0")) {
          return;
        }
        throw ShimException.failedPrecondition(field("memory.swap") + ": " + swap + " cannot be applied, this kernel"
            + " does not account swap (no memory.swap.max in " + dir + "; expected: no swap limit, or -1)");
      }
      CgroupFs.set(dir, "memory.swap.max", value, field("memory.swap"));
    });
  }

  /** OCI's swap limit counts memory plus swap; v2's {@code memory.swap.max} counts swap alone. */
  private String swapMax(long swap, OptionalLong requestedLimit) {
    if (swap == UNLIMITED) {
      return "max";
    }
    long limit = requestedLimit.isPresent() ? requestedLimit.getAsLong()
        : CgroupFs.readNumber(dir.resolve("memory.max")).orElse(UNLIMITED);
    if (limit == UNLIMITED) {
      throw ShimException.invalidArgument(field("memory.swap") + ": " + swap + " without a memory limit (expected:"
          + " memory.limit set too; on cgroup v2 the swap limit is memory.swap minus memory.limit)");
    }
    if (swap < limit) {
      throw ShimException.invalidArgument(field("memory.swap") + ": " + swap + " (expected: >= memory.limit " + limit
          + ", the swap limit counts memory plus swap)");
    }
    return Long.toString(swap - limit);
  }

  /**
   * Weights go to BFQ's {@code io.bfq.weight} when the bfq scheduler is loaded, as runc does; otherwise to
   * {@code io.weight} (the iocost controller) with CFQ's range 10..1000 mapped onto 1..10000 the way runc maps it.
   * Unlike runc, which drops per-device weights without BFQ, they go to {@code io.weight} as well. Leaf weights
   * have no v2 file: a v2 cgroup's own processes compete with its children as one more child.
   */
  private void io(BlockIo io) {
    boolean bfq = Files.exists(dir.resolve("io.bfq.weight"));
    String weightFile = bfq ? "io.bfq.weight" : "io.weight";
    boolean weighted = io.weight().isPresent() || io.weightDevices().stream().anyMatch(d -> d.weight().isPresent());
    if (weighted && !bfq && !Files.exists(dir.resolve(weightFile))) {
      throw ShimException.failedPrecondition(field("blockIO") + ": weights cannot be applied, " + dir + " has neither"
          + " io.weight (the iocost controller, CONFIG_BLK_CGROUP_IOCOST) nor io.bfq.weight (expected: one of them,"
          + " e.g. the bfq I/O scheduler loaded, or no weight)");
    }
    io.weight().ifPresent(w -> CgroupFs.set(dir, weightFile, Long.toString(bfq ? w : ioWeight(w)),
        field("blockIO.weight")));
    for (BlockIo.WeightDevice d : io.weightDevices()) {
      d.weight().ifPresent(w -> CgroupFs.set(dir, weightFile, d.device() + " " + (bfq ? w : ioWeight(w)),
          field("blockIO.weightDevice")));
    }
    for (BlockIo.Throttle t : io.throttles()) {
      CgroupFs.set(dir, "io.max", t.device() + " " + t.limit().v2Key() + "=" + t.rate(),
          field("blockIO." + t.limit().ociName()));
    }
  }

  /** CFQ's weight 10..1000 on io.weight's 1..10000. */
  static long ioWeight(int blkioWeight) {
    return 1 + (blkioWeight - 10L) * 9999 / 990;
  }

  private void cpuMax(OptionalLong quota, OptionalLong period) {
    String quotaText;
    if (quota.isPresent()) {
      quotaText = max(quota.getAsLong());
    } else {
      // cpu.max takes the quota first, so keeping it means writing the current one back
      quotaText = CgroupFs.read(dir.resolve("cpu.max")).map(t -> t.trim().split("\\s+")[0]).orElse("max");
    }
    String value = period.isPresent() ? quotaText + " " + period.getAsLong() : quotaText;
    CgroupFs.set(dir, "cpu.max", value, field(quota.isPresent() ? "cpu.quota" : "cpu.period"));
  }

  private static String max(long value) {
    return value == UNLIMITED ? "max" : Long.toString(value);
  }
}
