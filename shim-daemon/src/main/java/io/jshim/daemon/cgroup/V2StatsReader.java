package io.jshim.daemon.cgroup;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Reads {@link V2Stats} from a cgroup v2 directory. */
final class V2StatsReader {
  private V2StatsReader() {}

  static V2Stats read(Path dir) {
    return new V2Stats(pids(dir), cpu(dir), memory(dir), memoryEvents(dir),
        CgroupFs.read(dir.resolve("io.stat")).map(CgroupFormats::ioStat), hugetlb(dir));
  }

  private static List<HugetlbUsage> hugetlb(Path dir) {
    return Hugetlb.pageSizes(dir, "max").stream().map(size -> new HugetlbUsage(size,
        CgroupFs.readNumberOrZero(dir.resolve("hugetlb." + size + ".current")),
        CgroupFs.readNumber(dir.resolve("hugetlb." + size + ".max")).orElse(CgroupStats.UNLIMITED),
        CgroupFs.read(dir.resolve("hugetlb." + size + ".events")).map(CgroupFormats::keyed).map(e -> e.get("max"))
            .orElse(0L))).toList();
  }

  private static Optional<PidsStats> pids(Path dir) {
    OptionalLong current = CgroupFs.readNumber(dir.resolve("pids.current"));
    if (current.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new PidsStats(current.getAsLong(),
        CgroupFs.readNumber(dir.resolve("pids.max")).orElse(CgroupStats.UNLIMITED)));
  }

  private static Optional<V2Stats.Cpu> cpu(Path dir) {
    return CgroupFs.read(dir.resolve("cpu.stat")).map(CgroupFormats::keyed).map(s -> new V2Stats.Cpu(
        s.get("usage_usec"), s.get("user_usec"), s.get("system_usec"), s.get("nr_periods"), s.get("nr_throttled"),
        s.get("throttled_usec"), s.get("nr_bursts"), s.get("burst_usec")));
  }

  private static Optional<V2Stats.Memory> memory(Path dir) {
    OptionalLong usage = CgroupFs.readNumber(dir.resolve("memory.current"));
    if (usage.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new V2Stats.Memory(usage.getAsLong(),
        CgroupFs.readNumber(dir.resolve("memory.max")).orElse(CgroupStats.UNLIMITED),
        CgroupFs.readNumberOrZero(dir.resolve("memory.peak")),
        CgroupFs.readNumberOrZero(dir.resolve("memory.swap.current")),
        CgroupFs.readNumberOrZero(dir.resolve("memory.swap.max")),
        CgroupFs.readNumberOrZero(dir.resolve("memory.swap.peak")),
        CgroupFs.read(dir.resolve("memory.stat")).map(CgroupFormats::keyed).orElse(CgroupFormats.keyed(""))));
  }

  private static Optional<V2Stats.MemoryEvents> memoryEvents(Path dir) {
    return CgroupFs.read(dir.resolve("memory.events")).map(CgroupFormats::keyed).map(e -> new V2Stats.MemoryEvents(
        e.get("low"), e.get("high"), e.get("max"), e.get("oom"), e.get("oom_kill"), e.get("oom_group_kill")));
  }
}
