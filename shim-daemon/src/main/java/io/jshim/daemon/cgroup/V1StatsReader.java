package io.jshim.daemon.cgroup;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/** Reads {@link V1Stats} from the container's directories in the v1 hierarchies. */
final class V1StatsReader {
  // cpuacct.stat counts USER_HZ ticks, which is 100 on every Linux architecture
  private static final long NANOS_PER_TICK = 10_000_000L;
  private static final List<String> PROPORTIONAL_FILES = List.of("io_service_bytes_recursive",
      "io_serviced_recursive", "io_queued_recursive", "io_service_time_recursive", "io_wait_time_recursive",
      "io_merged_recursive", "time_recursive", "sectors_recursive");

  private final Function<String, Optional<Path>> dirs;

  V1StatsReader(Function<String, Optional<Path>> dirs) {
    this.dirs = dirs;
  }

  V1Stats read() {
    return new V1Stats(dirs.apply("pids").flatMap(V1StatsReader::pids),
        dirs.apply("cpuacct").flatMap(V1StatsReader::cpuUsage),
        dirs.apply("cpu").flatMap(V1StatsReader::cpuThrottling),
        dirs.apply("memory").flatMap(V1StatsReader::memory),
        dirs.apply("blkio").flatMap(V1StatsReader::blkio),
        dirs.apply("hugetlb").map(V1StatsReader::hugetlb).orElse(List.of()));
  }

  static List<HugetlbUsage> hugetlb(Path dir) {
    return Hugetlb.pageSizes(dir, "limit_in_bytes").stream().map(size -> new HugetlbUsage(size,
        CgroupFs.readNumberOrZero(dir.resolve("hugetlb." + size + ".usage_in_bytes")),
        CgroupFs.readNumberOrZero(dir.resolve("hugetlb." + size + ".max_usage_in_bytes")),
        CgroupFs.readNumberOrZero(dir.resolve("hugetlb." + size + ".failcnt")))).toList();
  }

  static Optional<PidsStats> pids(Path dir) {
    OptionalLong current = CgroupFs.readNumber(dir.resolve("pids.current"));
    if (current.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new PidsStats(current.getAsLong(),
        CgroupFs.readNumber(dir.resolve("pids.max")).orElse(CgroupStats.UNLIMITED)));
  }

  static Optional<V1Stats.CpuUsage> cpuUsage(Path dir) {
    OptionalLong total = CgroupFs.readNumber(dir.resolve("cpuacct.usage"));
    if (total.isEmpty()) {
      return Optional.empty();
    }
    OptionalLong user = CgroupFs.readNumber(dir.resolve("cpuacct.usage_user"));
    OptionalLong system = CgroupFs.readNumber(dir.resolve("cpuacct.usage_sys"));
    if (user.isEmpty() || system.isEmpty()) {
      StatCounters ticks = CgroupFs.read(dir.resolve("cpuacct.stat")).map(CgroupFormats::keyed)
          .orElse(CgroupFormats.keyed(""));
      user = OptionalLong.of(ticks.get("user") * NANOS_PER_TICK);
      system = OptionalLong.of(ticks.get("system") * NANOS_PER_TICK);
    }
    List<Long> perCpu = CgroupFs.read(dir.resolve("cpuacct.usage_percpu")).map(CgroupFormats::numbers)
        .orElse(List.of());
    return Optional.of(new V1Stats.CpuUsage(total.getAsLong(), user.getAsLong(), system.getAsLong(), perCpu));
  }

  static Optional<V1Stats.CpuThrottling> cpuThrottling(Path dir) {
    return CgroupFs.read(dir.resolve("cpu.stat")).map(CgroupFormats::keyed)
        .map(s -> new V1Stats.CpuThrottling(s.get("nr_periods"), s.get("nr_throttled"), s.get("throttled_time")));
  }

  static Optional<V1Stats.Memory> memory(Path dir) {
    Optional<V1Stats.MemoryEntry> usage = memoryEntry(dir, "memory.");
    if (usage.isEmpty()) {
      return Optional.empty();
    }
    StatCounters stat = CgroupFs.read(dir.resolve("memory.stat")).map(CgroupFormats::keyed)
        .orElse(CgroupFormats.keyed(""));
    StatCounters oom = CgroupFs.read(dir.resolve("memory.oom_control")).map(CgroupFormats::keyed)
        .orElse(CgroupFormats.keyed(""));
    return Optional.of(new V1Stats.Memory(usage.get(), memoryEntry(dir, "memory.memsw."),
        memoryEntry(dir, "memory.kmem."), memoryEntry(dir, "memory.kmem.tcp."), stat,
        new V1Stats.OomControl(oom.get("oom_kill_disable") != 0, oom.get("under_oom") != 0, oom.get("oom_kill"))));
  }

  private static Optional<V1Stats.MemoryEntry> memoryEntry(Path dir, String prefix) {
    OptionalLong usage = CgroupFs.readNumber(dir.resolve(prefix + "usage_in_bytes"));
    if (usage.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new V1Stats.MemoryEntry(usage.getAsLong(),
        CgroupFs.readNumberOrZero(dir.resolve(prefix + "max_usage_in_bytes")),
        CgroupFs.readNumberOrZero(dir.resolve(prefix + "limit_in_bytes")),
        CgroupFs.readNumberOrZero(dir.resolve(prefix + "failcnt"))));
  }

  static Optional<V1Stats.Blkio> blkio(Path dir) {
    List<List<V1Stats.BlkioEntry>> proportional = PROPORTIONAL_FILES.stream()
        .map(name -> entries(dir, "blkio." + name)).toList();
    if (proportional.stream().anyMatch(l -> !l.isEmpty())) {
      return Optional.of(new V1Stats.Blkio(proportional.get(0), proportional.get(1), proportional.get(2),
          proportional.get(3), proportional.get(4), proportional.get(5), proportional.get(6), proportional.get(7)));
    }
    // without the proportional-weight policy only the throttle policy counts bytes and operations
    Optional<String> bytes = readEither(dir, "blkio.throttle.io_service_bytes_recursive",
        "blkio.throttle.io_service_bytes");
    Optional<String> ops = readEither(dir, "blkio.throttle.io_serviced_recursive", "blkio.throttle.io_serviced");
    if (bytes.isEmpty() && ops.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new V1Stats.Blkio(bytes.map(CgroupFormats::blkio).orElse(List.of()),
        ops.map(CgroupFormats::blkio).orElse(List.of()), List.of(), List.of(), List.of(), List.of(), List.of(),
        List.of()));
  }

  private static List<V1Stats.BlkioEntry> entries(Path dir, String file) {
    return CgroupFs.read(dir.resolve(file)).map(CgroupFormats::blkio).orElse(List.of());
  }

  private static Optional<String> readEither(Path dir, String file, String fallback) {
    return CgroupFs.read(dir.resolve(file)).or(() -> CgroupFs.read(dir.resolve(fallback)));
  }
}
