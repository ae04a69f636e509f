package io.jshim.daemon.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** cpu.shares to cpu.weight: 1 + ((shares - 2) * 9999) / 262142. */
class CgroupCpuWeightTest {
  @Test
  void fromShares_endsOfTheRange_mapToTheEndsOfTheWeightRange() {
    assertThat(CpuWeight.fromShares(2)).isEqualTo(1);
    assertThat(CpuWeight.fromShares(262_144)).isEqualTo(10_000);
  }

  @Test
  void fromShares_default1024_isWeight39() {
    assertThat(CpuWeight.fromShares(1024)).isEqualTo(39);
  }

  @Test
  void fromShares_inBetween_roundsDown() {
    assertThat(CpuWeight.fromShares(512)).isEqualTo(1 + (510L * 9999) / 262142);
    assertThat(CpuWeight.fromShares(131_073)).isEqualTo(5000);
  }
}
