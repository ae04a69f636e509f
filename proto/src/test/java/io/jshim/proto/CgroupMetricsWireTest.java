package io.jshim.proto;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The names and field numbers of containerd/cgroups' Metrics, which containerd decodes from a shim's Stats. */
class CgroupMetricsWireTest {
  @Test
  void v1Metrics_keepsContainerdsFullNameAndFieldNumbers() {
    Descriptor metrics = io.jshim.proto.cgroups.v1.Metrics.getDescriptor();

    assertThat(metrics.getFullName()).isEqualTo("io.containerd.cgroups.v1.Metrics");
    assertThat(fields(metrics)).containsExactlyEntriesOf(ordered("hugetlb", 1, "pids", 2, "cpu", 3, "memory", 4,
        "blkio", 5, "rdma", 6, "network", 7, "cgroup_stats", 8, "memory_oom_control", 9));
  }

  @Test
  void v1MemoryStat_numbersCountersThenEntries() {
    Descriptor memory = io.jshim.proto.cgroups.v1.MemoryStat.getDescriptor();

    assertThat(memory.findFieldByName("cache").getNumber()).isEqualTo(1);
    assertThat(memory.findFieldByName("pg_pg_in").getNumber()).isEqualTo(7);
    assertThat(memory.findFieldByName("hierarchical_swap_limit").getNumber()).isEqualTo(17);
    assertThat(memory.findFieldByName("total_unevictable").getNumber()).isEqualTo(32);
    assertThat(fields(io.jshim.proto.cgroups.v1.MemoryEntry.getDescriptor()))
        .containsExactlyEntriesOf(ordered("limit", 1, "usage", 2, "max", 3, "failcnt", 4));
    assertThat(memory.findFieldByName("kernel_tcp").getNumber()).isEqualTo(36);
    assertThat(fields(io.jshim.proto.cgroups.v1.CPUUsage.getDescriptor()))
        .containsExactlyEntriesOf(ordered("total", 1, "kernel", 2, "user", 3, "per_cpu", 4));
    assertThat(fields(io.jshim.proto.cgroups.v1.BlkIOEntry.getDescriptor()))
        .containsExactlyEntriesOf(ordered("op", 1, "device", 2, "major", 3, "minor", 4, "value", 5));
  }

  @Test
  void v2Metrics_keepsContainerdsFullNameAndFieldNumbers() {
    Descriptor metrics = io.jshim.proto.cgroups.v2.Metrics.getDescriptor();

    assertThat(metrics.getFullName()).isEqualTo("io.containerd.cgroups.v2.Metrics");
    assertThat(fields(metrics)).containsExactlyEntriesOf(ordered("pids", 1, "cpu", 2, "memory", 4, "rdma", 5,
        "io", 6, "hugetlb", 7, "memory_events", 8, "network", 9));
    assertThat(fields(io.jshim.proto.cgroups.v2.MemoryEvents.getDescriptor())).containsExactlyEntriesOf(ordered(
        "low", 1, "high", 2, "max", 3, "oom", 4, "oom_kill", 5, "oom_group_kill", 6));
  }

  @Test
  void v2MemoryAndCpu_numberTheFilesLikeContainerd() {
    Descriptor memory = io.jshim.proto.cgroups.v2.MemoryStat.getDescriptor();

    assertThat(memory.findFieldByName("anon").getNumber()).isEqualTo(1);
    assertThat(memory.findFieldByName("pgmajfault").getNumber()).isEqualTo(19);
    assertThat(memory.findFieldByName("usage").getNumber()).isEqualTo(32);
    assertThat(memory.findFieldByName("usage_limit").getNumber()).isEqualTo(33);
    assertThat(memory.findFieldByName("swap_max_usage").getNumber()).isEqualTo(37);
    assertThat(memory.findFieldByName("workingset_activate_file").getNumber()).isEqualTo(42);
    assertThat(fields(io.jshim.proto.cgroups.v2.CPUStat.getDescriptor())).containsExactlyEntriesOf(ordered(
        "usage_usec", 1, "user_usec", 2, "system_usec", 3, "nr_periods", 4, "nr_throttled", 5, "throttled_usec", 6,
        "psi", 7, "nr_bursts", 8, "burst_usec", 9));
    assertThat(fields(io.jshim.proto.cgroups.v2.IOEntry.getDescriptor())).containsExactlyEntriesOf(ordered(
        "major", 1, "minor", 2, "rbytes", 3, "wbytes", 4, "rios", 5, "wios", 6));
  }

  private static Map<String, Integer> fields(Descriptor descriptor) {
    Map<String, Integer> result = new LinkedHashMap<>();
    descriptor.getFields().forEach(f -> result.put(f.getName(), f.getNumber()));
    return result;
  }

  private static Map<String, Integer> ordered(Object... pairs) {
    Map<String, Integer> result = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      result.put((String) pairs[i], (Integer) pairs[i + 1]);
    }
    return result;
  }
}
