package io.jshim.daemon.cgroup;

import static io.jshim.daemon.cgroup.ResourcesBuilder.resources;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jshim.daemon.error.ErrorKind;
import io.jshim.daemon.error.ShimException;
import java.util.List;
import java.util.OptionalInt;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Validation of {@link CgroupResources} and {@link DeviceRule}, and how rules become v1 lines. */
class CgroupResourcesTest {
  @Test
  void none_leavesEverythingAlone() {
    CgroupResources none = CgroupResources.none();

    assertThat(none.touchesMemory() || none.touchesCpu() || none.touchesCpuset()).isFalse();
    assertThat(none.pidsLimit()).isEmpty();
    assertThat(none.devices()).isEmpty();
  }

  @Test
  void memoryLimit_belowMinusOne_isInvalidNamingTheOciField() {
    assertInvalid(() -> resources().memoryLimit(-5).build(),
        "linux.resources.memory.limit: -5 (expected: -1 for unlimited or a positive number of bytes)");
  }

  @Test
  void memoryLimit_zero_isInvalid() {
    assertInvalid(() -> resources().memoryLimit(0).build(), "linux.resources.memory.limit: 0 (expected:");
  }

  @Test
  void memoryLimitAndReservation_unlimitedOrPositive_areAccepted() {
    CgroupResources r = resources().memoryLimit(-1).memoryReservation(0).memorySwap(-1).build();

    assertThat(r.memoryLimit()).hasValue(-1);
    assertThat(r.memoryReservation()).hasValue(0);
  }

  @Test
  void memorySwap_belowTheLimit_isInvalidBecauseItCountsMemoryPlusSwap() {
    assertInvalid(() -> resources().memoryLimit(2048).memorySwap(1024).build(),
        "linux.resources.memory.swap: 1024 (expected: >= memory.limit 2048, the swap limit counts memory plus swap)");
  }

  @Test
  void memorySwap_limitedWhileMemoryIsUnlimited_isInvalid() {
    assertInvalid(() -> resources().memoryLimit(-1).memorySwap(1024).build(),
        "linux.resources.memory.swap: 1024 with memory.limit -1");
  }

  @Test
  void cpuShares_outsideTheKernelsRange_isInvalid() {
    assertInvalid(() -> resources().cpuShares(1).build(), "linux.resources.cpu.shares: 1 (expected: 2..262144)");
    assertInvalid(() -> resources().cpuShares(262_145).build(), "linux.resources.cpu.shares: 262145");
  }

  @Test
  void cpuPeriod_outsideOneMillisecondToOneSecond_isInvalid() {
    assertInvalid(() -> resources().cpuPeriod(999).build(),
        "linux.resources.cpu.period: 999 (expected: 1000..1000000 microseconds)");
    assertInvalid(() -> resources().cpuPeriod(1_000_001).build(), "linux.resources.cpu.period: 1000001");
  }

  @Test
  void cpuQuota_belowOneMillisecondButNotUnlimited_isInvalid() {
    assertInvalid(() -> resources().cpuQuota(0).build(),
        "linux.resources.cpu.quota: 0 (expected: -1 for unlimited or at least 1000 microseconds)");
    assertThat(resources().cpuQuota(-1).build().cpuQuota()).hasValue(-1);
  }

  @Test
  void cpusetList_notAListOfRanges_isInvalid() {
    assertInvalid(() -> resources().cpus("0-3,x").build(),
        "linux.resources.cpu.cpus: \"0-3,x\" (expected: a list of numbers and ranges such as 0-3,6)");
    assertInvalid(() -> resources().mems("").build(), "linux.resources.cpu.mems: \"\"");
    assertThat(resources().cpus("0-3,6,8-9").mems("0").build().cpusetCpus()).hasValue("0-3,6,8-9");
  }

  @Test
  void deviceRule_unknownType_isInvalid() {
    assertInvalid(() -> new DeviceRule(true, 'x', 1, 3, "rwm"),
        "linux.resources.devices: type 'x' (expected: 'a', 'c' or 'b')");
  }

  @Test
  void deviceRule_accessOutsideRwm_isInvalid() {
    assertInvalid(() -> new DeviceRule(true, 'c', 1, 3, "rwx"), "linux.resources.devices: access \"rwx\"");
    assertInvalid(() -> new DeviceRule(true, 'c', 1, 3, ""), "linux.resources.devices: access \"\"");
  }

  @Test
  void deviceRule_numberBelowAny_isInvalid() {
    assertInvalid(() -> new DeviceRule(true, 'c', -2, 3, "r"), "linux.resources.devices: -2:3");
  }

  @Test
  void deviceRule_v1Lines_useStarForAnyAndSpellOutNarrowAllRules() {
    assertThat(DeviceRule.all(false).v1Lines()).containsExactly("a");
    assertThat(new DeviceRule(true, 'c', 1, 3, "rwm").v1Lines()).containsExactly("c 1:3 rwm");
    assertThat(new DeviceRule(true, 'b', 8, DeviceRule.ANY, "r").v1Lines()).containsExactly("b 8:* r");
    assertThat(new DeviceRule(false, 'a', DeviceRule.ANY, DeviceRule.ANY, "m").v1Lines())
        .containsExactly("c *:* m", "b *:* m");
  }

  @Test
  void blockIoWeight_outsideTenToAThousand_isInvalid() {
    assertInvalid(() -> new BlockIo(OptionalInt.of(5), OptionalInt.empty(), List.of(), List.of()),
        "linux.resources.blockIO.weight: 5 (expected: 10..1000)");
    assertInvalid(() -> new BlockIo.WeightDevice(8, 0, OptionalInt.of(1001), OptionalInt.empty()),
        "linux.resources.blockIO.weightDevice.weight: 1001 (expected: 10..1000)");
  }

  @Test
  void blockIoThrottle_negativeDeviceOrRate_isInvalid() {
    assertInvalid(() -> new BlockIo.Throttle(BlockIo.Limit.READ_IOPS, -1, 0, 5),
        "linux.resources.blockIO.throttleReadIOPSDevice: device -1:0");
    assertInvalid(() -> new BlockIo.Throttle(BlockIo.Limit.WRITE_BPS, 8, 0, -5),
        "linux.resources.blockIO.throttleWriteBpsDevice: rate -5 (expected: a rate >= 0)");
  }

  @Test
  void hugepageLimit_sizeNotAsTheKernelNamesIt_isInvalid() {
    assertInvalid(() -> resources().hugepageLimit("2M", 0).build(),
        "linux.resources.hugepageLimits: pageSize \"2M\" (expected: a size such as 2MB or 1GB");
    assertInvalid(() -> resources().hugepageLimit("2MB", 0).hugepageLimit("2MB", 1).build(),
        "linux.resources.hugepageLimits: [2MB, 2MB] (expected: each page size at most once)");
  }

  @Test
  void unified_pathOrCoreFileAsKey_isInvalid() {
    assertInvalid(() -> resources().unified("../memory.max", "1").build(),
        "linux.resources.unified: key \"../memory.max\" (expected: the name of a file");
    assertInvalid(() -> resources().unified("cgroup.procs", "1").build(),
        "linux.resources.unified: key \"cgroup.procs\" (expected: a controller's file such as memory.high;");
    assertThat(resources().unified("memory.oom.group", "1").build().unified()).containsEntry("memory.oom.group", "1");
  }

  private static void assertInvalid(ThrowingCallable build, String messageStart) {
    assertThatThrownBy(build).isInstanceOfSatisfying(ShimException.class, e -> {
      assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
      assertThat(e.getMessage()).startsWith(messageStart);
    });
  }
}
