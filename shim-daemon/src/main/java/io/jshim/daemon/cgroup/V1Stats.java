package io.jshim.daemon.cgroup;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Statistics of a cgroup v1 container, one section per controller hierarchy.
 *
 * @param pids from the pids controller
 * @param cpuUsage from the cpuacct controller
 * @param cpuThrottling from the cpu controller's {@code cpu.stat}
 * @param memory from the memory controller
 * @param blkio from the blkio controller
 * @param hugetlb from the hugetlb controller, one entry per page size; empty without it
 */
public record V1Stats(Optional<PidsStats> pids, Optional<CpuUsage> cpuUsage, Optional<CpuThrottling> cpuThrottling,
    Optional<Memory> memory, Optional<Blkio> blkio, List<HugetlbUsage> hugetlb) implements CgroupStats {
  public V1Stats {
    Objects.requireNonNull(pids, "pids");
    Objects.requireNonNull(cpuUsage, "cpuUsage");
    Objects.requireNonNull(cpuThrottling, "cpuThrottling");
    Objects.requireNonNull(memory, "memory");
    Objects.requireNonNull(blkio, "blkio");
    hugetlb = List.copyOf(hugetlb);
  }

  /**
   * Cpu time used, in nanoseconds.
   *
   * @param total {@code cpuacct.usage}
   * @param user user time ({@code cpuacct.usage_user}, or {@code cpuacct.stat} ticks converted)
   * @param kernel system time ({@code cpuacct.usage_sys}, or {@code cpuacct.stat} ticks converted)
   * @param perCpu {@code cpuacct.usage_percpu}
   */
  public record CpuUsage(long total, long user, long kernel, List<Long> perCpu) {
    public CpuUsage {
      perCpu = List.copyOf(perCpu);
    }
  }

  /**
   * CFS bandwidth throttling from {@code cpu.stat}.
   *
   * @param throttledTime nanoseconds spent throttled
   */
  public record CpuThrottling(long periods, long throttledPeriods, long throttledTime) {}

  /**
   * The memory controller's files.
   *
   * @param usage {@code memory.*} usage, high-water mark, limit and failure count
   * @param swap {@code memory.memsw.*}: memory plus swap, absent without swap accounting
   * @param kernel {@code memory.kmem.*}, absent when the kernel has no separate kernel memory accounting
   * @param kernelTcp {@code memory.kmem.tcp.*}, likewise
   * @param stat the counters of {@code memory.stat} (cache, rss, total_rss, pgfault, ...)
   * @param oomControl {@code memory.oom_control}
   */
  public record Memory(MemoryEntry usage, Optional<MemoryEntry> swap, Optional<MemoryEntry> kernel,
      Optional<MemoryEntry> kernelTcp, StatCounters stat, OomControl oomControl) {
    public Memory {
      Objects.requireNonNull(usage, "usage");
      Objects.requireNonNull(swap, "swap");
      Objects.requireNonNull(kernel, "kernel");
      Objects.requireNonNull(kernelTcp, "kernelTcp");
      Objects.requireNonNull(stat, "stat");
      Objects.requireNonNull(oomControl, "oomControl");
    }
  }

  /**
   * One group of memory files: {@code usage_in_bytes}, {@code max_usage_in_bytes}, {@code limit_in_bytes} and
   * {@code failcnt}.
   */
  public record MemoryEntry(long usage, long max, long limit, long failcnt) {}

  /** {@code memory.oom_control}; {@code oomKill} is 0 on kernels that do not count OOM kills (before 4.13). */
  public record OomControl(boolean oomKillDisable, boolean underOom, long oomKill) {}

  /**
   * The blkio controller's recursive counters. The files of the proportional-weight policy are used when the
   * kernel has them, the throttle policy's otherwise (then only bytes and operations are filled).
   */
  public record Blkio(List<BlkioEntry> ioServiceBytesRecursive, List<BlkioEntry> ioServicedRecursive,
      List<BlkioEntry> ioQueuedRecursive, List<BlkioEntry> ioServiceTimeRecursive,
      List<BlkioEntry> ioWaitTimeRecursive, List<BlkioEntry> ioMergedRecursive, List<BlkioEntry> ioTimeRecursive,
      List<BlkioEntry> sectorsRecursive) {
    public Blkio {
      ioServiceBytesRecursive = List.copyOf(ioServiceBytesRecursive);
      ioServicedRecursive = List.copyOf(ioServicedRecursive);
      ioQueuedRecursive = List.copyOf(ioQueuedRecursive);
      ioServiceTimeRecursive = List.copyOf(ioServiceTimeRecursive);
      ioWaitTimeRecursive = List.copyOf(ioWaitTimeRecursive);
      ioMergedRecursive = List.copyOf(ioMergedRecursive);
      ioTimeRecursive = List.copyOf(ioTimeRecursive);
      sectorsRecursive = List.copyOf(sectorsRecursive);
    }
  }

  /**
   * One line of a blkio file: {@code MAJOR:MINOR [OP] VALUE}.
   *
   * @param op {@code Read}, {@code Write}, {@code Sync}, {@code Async}, {@code Discard}, {@code Total}, or empty
   */
  public record BlkioEntry(String op, long major, long minor, long value) {}
}
