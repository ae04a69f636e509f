package io.jshim.daemon.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The text formats of cgroup files, including odd input that must not break a statistic. */
class CgroupFormatsTest {
  @Test
  void keyed_memoryStat_readsEveryCounterAndZeroForMissingOnes() {
    StatCounters stat = CgroupFormats.keyed("""
        cache 9482240
        rss 3895296
        rss_huge 0
        shmem 9109504
        mapped_file 6987776
        pgpgin 123
        hierarchical_memory_limit 9223372036854771712
        total_rss 3895296
        """);

    assertThat(stat.get("cache")).isEqualTo(9_482_240L);
    assertThat(stat.get("shmem")).isEqualTo(9_109_504L);
    assertThat(stat.get("hierarchical_memory_limit")).isEqualTo(9_223_372_036_854_771_712L);
    assertThat(stat.get("total_rss")).isEqualTo(3_895_296L);
    assertThat(stat.get("swap")).isZero();
  }

  @Test
  void keyed_valueAboveLongMax_keepsTheUnsignedBits() {
    StatCounters stat = CgroupFormats.keyed("huge 18446744073709551615\n");

    assertThat(Long.toUnsignedString(stat.get("huge"))).isEqualTo("18446744073709551615");
  }

  @Test
  void keyed_malformedLines_areSkipped() {
    StatCounters stat = CgroupFormats.keyed("good 1\nno_value\nthree fields here\nnot_a_number abc\n\n");

    assertThat(stat.values()).containsOnlyKeys("good");
  }

  @Test
  void keyed_cpuStatV1_givesThrottlingCounters() {
    StatCounters stat = CgroupFormats.keyed("nr_periods 10\nnr_throttled 3\nthrottled_time 4500000\nnr_bursts 0\n");

    assertThat(stat.get("nr_periods")).isEqualTo(10);
    assertThat(stat.get("nr_throttled")).isEqualTo(3);
    assertThat(stat.get("throttled_time")).isEqualTo(4_500_000);
  }

  @Test
  void number_maxAndNegativeAndGarbage_areHandled() {
    assertThat(CgroupFormats.number("max\n")).hasValue(CgroupStats.UNLIMITED);
    assertThat(CgroupFormats.number("-1\n")).hasValue(-1);
    assertThat(CgroupFormats.number(" 42 ")).hasValue(42);
    assertThat(CgroupFormats.number("")).isEmpty();
    assertThat(CgroupFormats.number("FROZEN")).isEmpty();
  }

  @Test
  void numbers_cpuacctUsagePercpu_readsOneValuePerCpu() {
    assertThat(CgroupFormats.numbers("2852198515576 2922493311401 \n")).containsExactly(2_852_198_515_576L,
        2_922_493_311_401L);
    assertThat(CgroupFormats.numbers("\n")).isEmpty();
  }

  @Test
  void blkio_linesWithAndWithoutOperation_skipTheTotalLine() {
    var entries = CgroupFormats.blkio("""
        8:0 Read 4096
        8:0 Write 8192
        8:16 512
        Total 12288
        """);

    assertThat(entries).containsExactly(new V1Stats.BlkioEntry("Read", 8, 0, 4096),
        new V1Stats.BlkioEntry("Write", 8, 0, 8192), new V1Stats.BlkioEntry("", 8, 16, 512));
  }

  @Test
  void ioStat_readsBytesAndOperationsPerDevice() {
    var entries = CgroupFormats.ioStat("""
        8:0 rbytes=1024 wbytes=2048 rios=3 wios=4 dbytes=0 dios=0
        259:0 rbytes=5 wbytes=6 rios=7 wios=8
        """);

    assertThat(entries).containsExactly(new V2Stats.IoEntry(8, 0, 1024, 2048, 3, 4),
        new V2Stats.IoEntry(259, 0, 5, 6, 7, 8));
  }

  @Test
  void pids_cgroupProcs_readsOnePidALine() {
    assertThat(CgroupFormats.pids("12\n345\n\n")).containsExactly(12, 345);
    assertThat(CgroupFormats.pids("")).isEmpty();
  }

  @Test
  void words_subtreeControl_readsControllerNames() {
    assertThat(CgroupFormats.words("cpuset cpu io memory pids\n")).containsExactly("cpuset", "cpu", "io", "memory",
        "pids");
    assertThat(CgroupFormats.words("\n")).isEmpty();
  }
}
