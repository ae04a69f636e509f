package io.jshim.daemon.server;

import com.google.protobuf.Any;
import io.jshim.daemon.cgroup.CgroupStats;
import io.jshim.daemon.cgroup.PidsStats;
import io.jshim.daemon.cgroup.StatCounters;
import io.jshim.daemon.cgroup.V1Stats;
import io.jshim.daemon.cgroup.V2Stats;
import io.jshim.proto.cgroups.v1.BlkIOEntry;
import io.jshim.proto.cgroups.v1.BlkIOStat;
import io.jshim.proto.cgroups.v1.CPUStat;
import io.jshim.proto.cgroups.v1.CPUUsage;
import io.jshim.proto.cgroups.v1.HugetlbStat;
import io.jshim.proto.cgroups.v1.MemoryEntry;
import io.jshim.proto.cgroups.v1.MemoryOomControl;
import io.jshim.proto.cgroups.v1.MemoryStat;
import io.jshim.proto.cgroups.v1.Metrics;
import io.jshim.proto.cgroups.v1.PidsStat;
import io.jshim.proto.cgroups.v1.Throttle;
import java.util.List;

/**
 * Cgroup statistics as containerd's {@code io.containerd.cgroups.v1.Metrics} or {@code .v2.Metrics}, packed
 * the way containerd's typeurl registry expects them: the type url is the bare full name. The v2 messages
 * share the v1 names, so they are written out in full.
 */
final class CgroupMetricsMapper {
  static final String V1_TYPE_URL = "io.containerd.cgroups.v1.Metrics";
  static final String V2_TYPE_URL = "io.containerd.cgroups.v2.Metrics";

  private CgroupMetricsMapper() {}

  static Any toAny(CgroupStats stats) {
    if (stats instanceof V1Stats v1) {
      return Any.newBuilder().setTypeUrl(V1_TYPE_URL).setValue(v1(v1).toByteString()).build();
    }
    // CgroupStats is sealed: the only other kind
    V2Stats v2 = (V2Stats) stats;
    return Any.newBuilder().setTypeUrl(V2_TYPE_URL).setValue(v2(v2).toByteString()).build();
  }

  static Metrics v1(V1Stats stats) {
    Metrics.Builder metrics = Metrics.newBuilder();
    // containerd reports an unlimited pids.max as 0 on v1
    stats.pids().ifPresent(p -> metrics.setPids(PidsStat.newBuilder().setCurrent(p.current())
        .setLimit(p.limit() == CgroupStats.UNLIMITED ? 0 : p.limit())));
    if (stats.cpuUsage().isPresent() || stats.cpuThrottling().isPresent()) {
      CPUStat.Builder cpu = CPUStat.newBuilder();
      stats.cpuUsage().ifPresent(u -> cpu.setUsage(CPUUsage.newBuilder().setTotal(u.total()).setUser(u.user())
          .setKernel(u.kernel()).addAllPerCpu(u.perCpu())));
      stats.cpuThrottling().ifPresent(t -> cpu.setThrottling(Throttle.newBuilder().setPeriods(t.periods())
          .setThrottledPeriods(t.throttledPeriods()).setThrottledTime(t.throttledTime())));
      metrics.setCpu(cpu);
    }
    stats.memory().ifPresent(m -> {
      metrics.setMemory(v1Memory(m));
      V1Stats.OomControl oom = m.oomControl();
      metrics.setMemoryOomControl(MemoryOomControl.newBuilder().setOomKillDisable(oom.oomKillDisable() ? 1 : 0)
          .setUnderOom(oom.underOom() ? 1 : 0).setOomKill(oom.oomKill()));
    });
    stats.blkio().ifPresent(b -> metrics.setBlkio(BlkIOStat.newBuilder()
        .addAllIoServiceBytesRecursive(blkio(b.ioServiceBytesRecursive()))
        .addAllIoServicedRecursive(blkio(b.ioServicedRecursive()))
        .addAllIoQueuedRecursive(blkio(b.ioQueuedRecursive()))
        .addAllIoServiceTimeRecursive(blkio(b.ioServiceTimeRecursive()))
        .addAllIoWaitTimeRecursive(blkio(b.ioWaitTimeRecursive()))
        .addAllIoMergedRecursive(blkio(b.ioMergedRecursive()))
        .addAllIoTimeRecursive(blkio(b.ioTimeRecursive()))
        .addAllSectorsRecursive(blkio(b.sectorsRecursive()))));
    stats.hugetlb().forEach(h -> metrics.addHugetlb(HugetlbStat.newBuilder().setPagesize(h.pageSize())
        .setUsage(h.usage()).setMax(h.max()).setFailcnt(h.failcnt())));
    return metrics.build();
  }

  private static MemoryStat v1Memory(V1Stats.Memory m) {
    StatCounters s = m.stat();
    MemoryStat.Builder memory = MemoryStat.newBuilder()
        .setCache(s.get("cache")).setRss(s.get("rss")).setRssHuge(s.get("rss_huge"))
        .setMappedFile(s.get("mapped_file")).setDirty(s.get("dirty")).setWriteback(s.get("writeback"))
        .setPgPgIn(s.get("pgpgin")).setPgPgOut(s.get("pgpgout")).setPgFault(s.get("pgfault"))
        .setPgMajFault(s.get("pgmajfault")).setInactiveAnon(s.get("inactive_anon"))
        .setActiveAnon(s.get("active_anon")).setInactiveFile(s.get("inactive_file"))
        .setActiveFile(s.get("active_file")).setUnevictable(s.get("unevictable"))
        .setHierarchicalMemoryLimit(s.get("hierarchical_memory_limit"))
        .setHierarchicalSwapLimit(s.get("hierarchical_memsw_limit"))
        .setTotalCache(s.get("total_cache")).setTotalRss(s.get("total_rss")).setTotalRssHuge(s.get("total_rss_huge"))
        .setTotalMappedFile(s.get("total_mapped_file")).setTotalDirty(s.get("total_dirty"))
        .setTotalWriteback(s.get("total_writeback")).setTotalPgPgIn(s.get("total_pgpgin"))
        .setTotalPgPgOut(s.get("total_pgpgout")).setTotalPgFault(s.get("total_pgfault"))
        .setTotalPgMajFault(s.get("total_pgmajfault")).setTotalInactiveAnon(s.get("total_inactive_anon"))
        .setTotalActiveAnon(s.get("total_active_anon")).setTotalInactiveFile(s.get("total_inactive_file"))
        .setTotalActiveFile(s.get("total_active_file")).setTotalUnevictable(s.get("total_unevictable"))
        .setUsage(entry(m.usage()));
    // containerd always sends the four entries, zero when the kernel lacks the files
    memory.setSwap(m.swap().map(CgroupMetricsMapper::entry).orElse(MemoryEntry.getDefaultInstance()));
    memory.setKernel(m.kernel().map(CgroupMetricsMapper::entry).orElse(MemoryEntry.getDefaultInstance()));
    memory.setKernelTcp(m.kernelTcp().map(CgroupMetricsMapper::entry).orElse(MemoryEntry.getDefaultInstance()));
    return memory.build();
  }

  private static MemoryEntry entry(V1Stats.MemoryEntry e) {
    return MemoryEntry.newBuilder().setUsage(e.usage()).setMax(e.max()).setLimit(e.limit()).setFailcnt(e.failcnt())
        .build();
  }

  private static List<BlkIOEntry> blkio(List<V1Stats.BlkioEntry> entries) {
    return entries.stream().map(e -> BlkIOEntry.newBuilder().setOp(e.op()).setMajor(e.major()).setMinor(e.minor())
        .setValue(e.value()).build()).toList();
  }

  static io.jshim.proto.cgroups.v2.Metrics v2(V2Stats stats) {
    io.jshim.proto.cgroups.v2.Metrics.Builder metrics = io.jshim.proto.cgroups.v2.Metrics.newBuilder();
    // an unlimited value stays -1, which as uint64 is the maximum containerd reports for "max" on v2
    stats.pids().ifPresent(p -> metrics.setPids(v2Pids(p)));
    stats.cpu().ifPresent(c -> metrics.setCpu(io.jshim.proto.cgroups.v2.CPUStat.newBuilder()
        .setUsageUsec(c.usageUsec()).setUserUsec(c.userUsec()).setSystemUsec(c.systemUsec())
        .setNrPeriods(c.nrPeriods()).setNrThrottled(c.nrThrottled()).setThrottledUsec(c.throttledUsec())
        .setNrBursts(c.nrBursts()).setBurstUsec(c.burstUsec())));
    stats.memory().ifPresent(m -> metrics.setMemory(v2Memory(m)));
    stats.memoryEvents().ifPresent(e -> metrics.setMemoryEvents(io.jshim.proto.cgroups.v2.MemoryEvents.newBuilder()
        .setLow(e.low()).setHigh(e.high()).setMax(e.max()).setOom(e.oom()).setOomKill(e.oomKill())
        .setOomGroupKill(e.oomGroupKill())));
    stats.io().ifPresent(entries -> metrics.setIo(io.jshim.proto.cgroups.v2.IOStat.newBuilder()
        .addAllUsage(entries.stream().map(e -> io.jshim.proto.cgroups.v2.IOEntry.newBuilder().setMajor(e.major())
            .setMinor(e.minor()).setRbytes(e.rbytes()).setWbytes(e.wbytes()).setRios(e.rios()).setWios(e.wios())
            .build()).toList())));
    stats.hugetlb().forEach(h -> metrics.addHugetlb(io.jshim.proto.cgroups.v2.HugeTlbStat.newBuilder()
        .setPagesize(h.pageSize()).setCurrent(h.usage()).setMax(h.max()).setFailcnt(h.failcnt())));
    return metrics.build();
  }

  private static io.jshim.proto.cgroups.v2.PidsStat v2Pids(PidsStats p) {
    return io.jshim.proto.cgroups.v2.PidsStat.newBuilder().setCurrent(p.current()).setLimit(p.limit()).build();
  }

  @SuppressWarnings("deprecation") // workingset_refault and _activate: containerd still fills them on old kernels
  private static io.jshim.proto.cgroups.v2.MemoryStat v2Memory(V2Stats.Memory m) {
    StatCounters s = m.stat();
    return io.jshim.proto.cgroups.v2.MemoryStat.newBuilder()
        .setAnon(s.get("anon")).setFile(s.get("file")).setKernelStack(s.get("kernel_stack")).setSlab(s.get("slab"))
        .setSock(s.get("sock")).setShmem(s.get("shmem")).setFileMapped(s.get("file_mapped"))
        .setFileDirty(s.get("file_dirty")).setFileWriteback(s.get("file_writeback")).setAnonThp(s.get("anon_thp"))
        .setInactiveAnon(s.get("inactive_anon")).setActiveAnon(s.get("active_anon"))
        .setInactiveFile(s.get("inactive_file")).setActiveFile(s.get("active_file"))
        .setUnevictable(s.get("unevictable")).setSlabReclaimable(s.get("slab_reclaimable"))
        .setSlabUnreclaimable(s.get("slab_unreclaimable")).setPgfault(s.get("pgfault"))
        .setPgmajfault(s.get("pgmajfault")).setWorkingsetRefault(s.get("workingset_refault"))
        .setWorkingsetActivate(s.get("workingset_activate")).setWorkingsetNodereclaim(s.get("workingset_nodereclaim"))
        .setPgrefill(s.get("pgrefill")).setPgscan(s.get("pgscan")).setPgsteal(s.get("pgsteal"))
        .setPgactivate(s.get("pgactivate")).setPgdeactivate(s.get("pgdeactivate")).setPglazyfree(s.get("pglazyfree"))
        .setPglazyfreed(s.get("pglazyfreed")).setThpFaultAlloc(s.get("thp_fault_alloc"))
        .setThpCollapseAlloc(s.get("thp_collapse_alloc"))
        .setWorkingsetRefaultAnon(s.get("workingset_refault_anon"))
        .setWorkingsetRefaultFile(s.get("workingset_refault_file"))
        .setWorkingsetActivateAnon(s.get("workingset_activate_anon"))
        .setWorkingsetActivateFile(s.get("workingset_activate_file"))
        .setUsage(m.usage()).setUsageLimit(m.limit()).setMaxUsage(m.maxUsage()).setSwapUsage(m.swapUsage())
        .setSwapLimit(m.swapLimit()).setSwapMaxUsage(m.swapMaxUsage())
        .build();
  }
}
