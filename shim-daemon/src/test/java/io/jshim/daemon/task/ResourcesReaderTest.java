package io.jshim.daemon.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jshim.daemon.cgroup.BlockIo;
import io.jshim.daemon.cgroup.CgroupResources;
import io.jshim.daemon.cgroup.DeviceRule;
import io.jshim.daemon.cgroup.HugepageLimit;
import io.jshim.daemon.error.ErrorKind;
import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.oci.LinuxResources;
import io.jshim.daemon.oci.OciJson;
import io.jshim.daemon.spawn.Device;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ResourcesReaderTest {
  @Test
  void read_runcStyleResources_limitsAndDenyAllFollowedByTheDefaultAllowList() {
    LinuxResources r = json("""
        {"devices":[{"allow":false,"access":"rwm"}],"memory":{"limit":67108864,"swap":67108864},
         "cpu":{"shares":512,"quota":50000,"period":100000,"cpus":"0"},"pids":{"limit":64}}
        """);

    CgroupResources res = ResourcesReader.read(r, List.of(Device.chr("/dev/fuse", 10, 229)), "linux.resources");

    assertThat(res.memoryLimit()).hasValue(67108864);
    assertThat(res.memorySwap()).hasValue(67108864);
    assertThat(res.cpuShares()).hasValue(512);
    assertThat(res.cpuQuota()).hasValue(50000);
    assertThat(res.cpuPeriod()).hasValue(100000);
    assertThat(res.cpusetCpus()).contains("0");
    assertThat(res.pidsLimit()).hasValue(64);
    assertThat(res.devices().get(0)).isEqualTo(new DeviceRule(false, 'a', -1, -1, "rwm"));
    assertThat(res.devices()).contains(new DeviceRule(true, 'c', 1, 3, "rwm"), new DeviceRule(true, 'c', 136, -1, "rwm"),
        new DeviceRule(true, 'c', 10, 229, "rwm"));
  }

  @Test
  void read_zeroValues_meanNotSetAsInRunc() {
    CgroupResources res = ResourcesReader.read(json("{\"memory\":{\"limit\":0},\"cpu\":{\"shares\":0,\"quota\":0}}"),
        List.of(), "linux.resources");

    assertThat(res).isEqualTo(CgroupResources.none());
  }

  @Test
  void read_noDeviceRules_noDefaultAllowListEither() {
    assertThat(ResourcesReader.read(json("{\"pids\":{\"limit\":5}}"), List.of(), "r").devices()).isEmpty();
  }

  @Test
  void read_badValues_invalidArgumentNamingTheField() {
    assertRejected("{\"memory\":{\"limit\":-5}}", "linux.resources.memory.limit");
    assertRejected("{\"memory\":{\"limit\":100000000,\"swap\":1000}}", "memory.swap");
    assertRejected("{\"devices\":[{\"allow\":true,\"type\":\"x\"}]}", "linux.resources.devices[0].type");
    assertRejected("{\"devices\":[{\"allow\":true,\"access\":\"rwx\"}]}", "linux.resources.devices[0].access");
    assertRejected("{\"cpu\":{\"shares\":-1}}", "linux.resources.cpu.shares");
  }

  @Test
  void read_blockIoHugepagesAndUnified_everyThrottleInOrderZeroWeightsUnset() {
    LinuxResources r = json("""
        {"blockIO":{"weight":500,"leafWeight":0,"weightDevice":[{"major":8,"minor":0,"weight":200}],
          "throttleReadBpsDevice":[{"major":8,"minor":0,"rate":1048576}],
          "throttleWriteBpsDevice":[{"major":8,"minor":0,"rate":2097152}],
          "throttleReadIOPSDevice":[{"major":8,"minor":16,"rate":100}],
          "throttleWriteIOPSDevice":[{"major":8,"minor":16,"rate":200}]},
         "hugepageLimits":[{"pageSize":"2MB","limit":4194304},{"pageSize":"1GB","limit":0}],
         "unified":{"memory.high":"50331648"}}
        """);

    CgroupResources res = ResourcesReader.read(r, List.of(), "linux.resources");

    assertThat(res.blockIo()).isEqualTo(new BlockIo(OptionalInt.of(500), OptionalInt.empty(),
        List.of(new BlockIo.WeightDevice(8, 0, OptionalInt.of(200), OptionalInt.empty())),
        List.of(new BlockIo.Throttle(BlockIo.Limit.READ_BPS, 8, 0, 1048576),
            new BlockIo.Throttle(BlockIo.Limit.WRITE_BPS, 8, 0, 2097152),
            new BlockIo.Throttle(BlockIo.Limit.READ_IOPS, 8, 16, 100),
            new BlockIo.Throttle(BlockIo.Limit.WRITE_IOPS, 8, 16, 200))));
    assertThat(res.hugepageLimits()).containsExactly(new HugepageLimit("2MB", 4194304), new HugepageLimit("1GB", 0));
    assertThat(res.unified()).containsExactly(Map.entry("memory.high", "50331648"));
    assertThat(ResourcesReader.notApplied(r, "linux.resources")).isEmpty();
  }

  @Test
  void read_badBlockIoAndHugepageValues_invalidArgumentNamingTheField() {
    assertRejected("{\"blockIO\":{\"throttleReadBpsDevice\":[{\"minor\":0,\"rate\":1}]}}",
        "linux.resources.blockIO.throttleReadBpsDevice[0].major: missing");
    assertRejected("{\"blockIO\":{\"throttleWriteIOPSDevice\":[{\"major\":8,\"minor\":0,\"rate\":18446744073709551615}]}}",
        "linux.resources.blockIO.throttleWriteIOPSDevice[0].rate: 18446744073709551615");
    assertRejected("{\"blockIO\":{\"weight\":1}}", "linux.resources.blockIO.weight: 1 (expected: 10..1000)");
    assertRejected("{\"hugepageLimits\":[{\"pageSize\":\"2MB\"}]}", "linux.resources.hugepageLimits[0].limit: missing");
    assertRejected("{\"unified\":{\"memory.high\":null}}", "linux.resources.unified: a null value");
  }

  @Test
  void notApplied_unsupportedParts_namedNotDropped() {
    LinuxResources r = json("{\"rdma\":{\"mlx4_0\":{\"hcaHandles\":2}},\"memory\":{\"kernel\":1,\"swappiness\":10},"
        + "\"network\":{}}");

    assertThat(ResourcesReader.notApplied(r, "linux.resources"))
        .containsExactly("linux.resources.rdma", "linux.resources.memory.kernel", "linux.resources.memory.swappiness");
  }

  private static void assertRejected(String json, String field) {
    assertThatThrownBy(() -> ResourcesReader.read(json(json), List.of(), "linux.resources"))
        .isInstanceOfSatisfying(ShimException.class, e -> {
          assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
          assertThat(e.getMessage()).contains(field);
        });
  }

  private static LinuxResources json(String text) {
    return OciJson.readResources(text.getBytes(StandardCharsets.UTF_8), "test");
  }
}
