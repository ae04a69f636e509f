package io.jshim.daemon.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.jshim.daemon.cgroup.CgroupStats;
import io.jshim.daemon.cgroup.HugetlbUsage;
import io.jshim.daemon.cgroup.PidsStats;
import io.jshim.daemon.cgroup.StatCounters;
import io.jshim.daemon.cgroup.V1Stats;
import io.jshim.daemon.cgroup.V2Stats;
import io.jshim.proto.cgroups.v1.Metrics;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Cgroup statistics packed as containerd's Metrics: bare type urls, fields where containerd reads them. */
class CgroupMetricsMapperTest {
  @Test
  void toAny_v1Stats_packsV1MetricsUnderTheBareTypeName() throws Exception {
    V1Stats stats = new V1Stats(Optional.of(new PidsStats(3, CgroupStats.UNLIMITED)),
        Optional.of(new V1Stats.CpuUsage(1000, 600, 400, List.of(700L, 300L))),
        Optional.of(new V1Stats.CpuThrottling(10, 2, 555)),
        Optional.of(new V1Stats.Memory(new V1Stats.MemoryEntry(4096, 8192, 16384, 1), Optional.empty(),
            Optional.of(new V1Stats.MemoryEntry(10, 20, 30, 0)), Optional.empty(),
            new StatCounters(Map.of("rss", 111L, "pgpgin", 5L, "hierarchical_memsw_limit", 77L, "total_cache", 9L)),
            new V1Stats.OomControl(false, true, 4))),
        Optional.of(new V1Stats.Blkio(List.of(new V1Stats.BlkioEntry("Read", 8, 0, 4096)), List.of(), List.of(),
            List.of(), List.of(), List.of(), List.of(), List.of())),
        List.of(new HugetlbUsage("2MB", 4096, 8192, 3)));

    Any any = CgroupMetricsMapper.toAny(stats);
    Metrics metrics = Metrics.parseFrom(any.getValue());

    assertThat(any.getTypeUrl()).isEqualTo("io.containerd.cgroups.v1.Metrics");
    assertThat(metrics.getPids().getCurrent()).isEqualTo(3);
    assertThat(metrics.getPids().getLimit()).as("v1 reports max as 0").isZero();
    assertThat(metrics.getCpu().getUsage().getPerCpuList()).containsExactly(700L, 300L);
    assertThat(metrics.getCpu().getUsage().getKernel()).isEqualTo(400);
    assertThat(metrics.getCpu().getThrottling().getThrottledTime()).isEqualTo(555);
    assertThat(metrics.getMemory().getRss()).isEqualTo(111);
    assertThat(metrics.getMemory().getPgPgIn()).isEqualTo(5);
    assertThat(metrics.getMemory().getHierarchicalSwapLimit()).isEqualTo(77);
    assertThat(metrics.getMemory().getTotalCache()).isEqualTo(9);
    assertThat(metrics.getMemory().getUsage().getLimit()).isEqualTo(16384);
    assertThat(metrics.getMemory().getUsage().getMax()).isEqualTo(8192);
    assertThat(metrics.getMemory().getKernel().getUsage()).isEqualTo(10);
    assertThat(metrics.getMemory().hasSwap()).as("always sent, zero without memsw").isTrue();
    assertThat(metrics.getMemoryOomControl().getUnderOom()).isEqualTo(1);
    assertThat(metrics.getMemoryOomControl().getOomKill()).isEqualTo(4);
    assertThat(metrics.getBlkio().getIoServiceBytesRecursive(0).getOp()).isEqualTo("Read");
    assertThat(metrics.getBlkio().getIoServiceBytesRecursive(0).getValue()).isEqualTo(4096);
  }

  @Test
  void toAny_v1StatsWithoutSections_leavesTheirMessagesUnset() throws Exception {
    V1Stats stats = new V1Stats(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), List.of());

    Metrics metrics = Metrics.parseFrom(CgroupMetricsMapper.toAny(stats).getValue());

    assertThat(metrics.hasPids() || metrics.hasCpu() || metrics.hasMemory() || metrics.hasBlkio()).isFalse();
    assertThat(metrics.getHugetlbList()).isEmpty();
  }

  @Test
  void toAny_v2Stats_packsV2MetricsUnderTheBareTypeName() throws Exception {
    V2Stats stats = new V2Stats(Optional.of(new PidsStats(2, CgroupStats.UNLIMITED)),
        Optional.of(new V2Stats.Cpu(500, 300, 200, 7, 1, 40, 0, 0)),
        Optional.of(new V2Stats.Memory(65536, CgroupStats.UNLIMITED, 70000, 0, 0, 0,
            new StatCounters(Map.of("anon", 4096L, "file", 8192L, "workingset_refault_file", 6L)))),
        Optional.of(new V2Stats.MemoryEvents(0, 0, 4, 2, 1, 0)),
        Optional.of(List.of(new V2Stats.IoEntry(8, 0, 10, 20, 1, 2))),
        List.of(new HugetlbUsage("2MB", 2097152, CgroupStats.UNLIMITED, 5)));

    Any any = CgroupMetricsMapper.toAny(stats);
    io.jshim.proto.cgroups.v2.Metrics metrics = io.jshim.proto.cgroups.v2.Metrics.parseFrom(any.getValue());

    assertThat(any.getTypeUrl()).isEqualTo("io.containerd.cgroups.v2.Metrics");
    assertThat(Long.toUnsignedString(metrics.getPids().getLimit())).as("v2 reports max as the largest uint64")
        .isEqualTo("18446744073709551615");
    assertThat(metrics.getCpu().getUsageUsec()).isEqualTo(500);
    assertThat(metrics.getCpu().getThrottledUsec()).isEqualTo(40);
    assertThat(metrics.getHugetlbList()).singleElement().satisfies(h -> {
      assertThat(h.getPagesize()).isEqualTo("2MB");
      assertThat(h.getCurrent()).isEqualTo(2097152);
      assertThat(Long.toUnsignedString(h.getMax())).as("no limit: the largest uint64").isEqualTo("18446744073709551615");
      assertThat(h.getFailcnt()).isEqualTo(5);
    });
    assertThat(metrics.getMemory().getUsage()).isEqualTo(65536);
    assertThat(metrics.getMemory().getMaxUsage()).isEqualTo(70000);
    assertThat(metrics.getMemory().getFile()).isEqualTo(8192);
    assertThat(metrics.getMemory().getWorkingsetRefaultFile()).isEqualTo(6);
    assertThat(metrics.getMemoryEvents().getOomKill()).isEqualTo(1);
    assertThat(metrics.getIo().getUsage(0).getWbytes()).isEqualTo(20);
  }
}
