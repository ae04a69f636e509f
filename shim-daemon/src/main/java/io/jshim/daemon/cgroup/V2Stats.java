package io.jshim.daemon.cgroup;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Statistics of a cgroup v2 container.
 *
 * @param pids {@code pids.current} and {@code pids.max}
 * @param cpu {@code cpu.stat}
 * @param memory {@code memory.current}, {@code memory.max}, {@code memory.stat} and the swap files
 * @param memoryEvents {@code memory.events}
 * @param io {@code io.stat}, one entry per device
 * @param hugetlb the {@code hugetlb.<size>.*} files, one entry per page size; empty without the controller
 */
public record V2Stats(Optional<PidsStats> pids, Optional<Cpu> cpu, Optional<Memory> memory,
    Optional<MemoryEvents> memoryEvents, Optional<List<IoEntry>> io, List<HugetlbUsage> hugetlb)
    implements CgroupStats {
  public V2Stats {
    Objects.requireNonNull(pids, "pids");
    Objects.requireNonNull(cpu, "cpu");
    Objects.requireNonNull(memory, "memory");
    Objects.requireNonNull(memoryEvents, "memoryEvents");
    io = io.map(List::copyOf);
    hugetlb = List.copyOf(hugetlb);
  }

  /** {@code cpu.stat}, times in microseconds; the throttling counters are 0 without the cpu controller. */
  public record Cpu(long usageUsec, long userUsec, long systemUsec, long nrPeriods, long nrThrottled,
      long throttledUsec, long nrBursts, long burstUsec) {}

  /**
   * The memory controller's files; limits read {@link CgroupStats#UNLIMITED} for {@code max}, and a file the
   * kernel does not have (swap accounting off, no {@code memory.peak} before 5.19) reads 0.
   *
   * @param usage {@code memory.current}
   * @param limit {@code memory.max}
   * @param maxUsage {@code memory.peak}
   * @param swapUsage {@code memory.swap.current}
   * @param swapLimit {@code memory.swap.max}
   * @param swapMaxUsage {@code memory.swap.peak}
   * @param stat the counters of {@code memory.stat} (anon, file, pgfault, ...)
   */
  public record Memory(long usage, long limit, long maxUsage, long swapUsage, long swapLimit, long swapMaxUsage,
      StatCounters stat) {
    public Memory {
      Objects.requireNonNull(stat, "stat");
    }
  }

  /** {@code memory.events}: how often each boundary was hit. */
  public record MemoryEvents(long low, long high, long max, long oom, long oomKill, long oomGroupKill) {}

  /** One line of {@code io.stat}. */
  public record IoEntry(long major, long minor, long rbytes, long wbytes, long rios, long wios) {}
}
