package io.jshim.daemon.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jshim.daemon.cgroup.CgroupResources;
import io.jshim.daemon.cgroup.DeviceRule;
import io.jshim.daemon.error.ErrorKind;
import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.oci.LinuxResources;
import io.jshim.daemon.oci.OciJson;
import io.jshim.daemon.spawn.Device;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
  void notApplied_unsupportedParts_namedNotDropped() {
    LinuxResources r = json("{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":0}],\"memory\":{\"kernel\":1,\"swappiness\":10},"
        + "\"blockIO\":{},\"unified\":{}}");

    assertThat(ResourcesReader.notApplied(r, "linux.resources"))
        .containsExactly("linux.resources.hugepageLimits", "linux.resources.memory.kernel", "linux.resources.memory.swappiness");
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
