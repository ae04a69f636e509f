package io.jshim.daemon.cgroup;

import static io.jshim.daemon.cgroup.ResourcesBuilder.resources;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jshim.daemon.Privileged;
import io.jshim.daemon.error.ErrorKind;
import io.jshim.daemon.error.ShimException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real cgroups on a cgroup v1 (legacy or hybrid) host, below a unique top-level path. Needs root. */
@Tag("privileged")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CgroupV1HostTest {
  private static final long MIB = 1024 * 1024;

  private Cgroups cgroups;
  private String name;

  @BeforeEach
  void detectV1Host() {
    Privileged.assumeRoot();
    cgroups = Cgroups.detect();
    assumeTrue(cgroups.mode() == CgroupMode.V1, "needs a cgroup v1 host, this one is " + cgroups.mode());
    name = TestCgroups.uniqueName();
  }

  @AfterEach
  void removeLeftovers() throws IOException {
    if (cgroups != null && name != null) {
      TestCgroups.removeAll(cgroups.hierarchies().stream().map(Hierarchy::mountPoint).toList(), name);
    }
  }

  @Test
  void create_withMemorySettings_writesLimitSoftLimitAndSwap() throws IOException {
    Cgroup cgroup = cgroups.create("/" + name, resources().memoryLimit(64 * MIB).memoryReservation(32 * MIB)
        .memorySwap(128 * MIB).build());

    Path memory = dir(cgroup, "memory");
    assertThat(read(memory, "memory.limit_in_bytes")).isEqualTo(Long.toString(64 * MIB));
    assertThat(read(memory, "memory.soft_limit_in_bytes")).isEqualTo(Long.toString(32 * MIB));
    if (Files.exists(memory.resolve("memory.memsw.limit_in_bytes"))) {
      assertThat(read(memory, "memory.memsw.limit_in_bytes")).isEqualTo(Long.toString(128 * MIB));
    }
    cgroup.destroy();
  }

  @Test
  void update_raisingThenLoweringMemoryAndSwap_keepsSwapAboveLimitInBothDirections() throws IOException {
    Cgroup cgroup = cgroups.create("/" + name, resources().memoryLimit(64 * MIB).memorySwap(128 * MIB).build());
    Path memory = dir(cgroup, "memory");
    assumeTrue(Files.exists(memory.resolve("memory.memsw.limit_in_bytes")), "needs swap accounting (memsw)");

    cgroup.update(resources().memoryLimit(256 * MIB).memorySwap(512 * MIB).build());
    assertThat(read(memory, "memory.limit_in_bytes")).isEqualTo(Long.toString(256 * MIB));
    assertThat(read(memory, "memory.memsw.limit_in_bytes")).isEqualTo(Long.toString(512 * MIB));

    cgroup.update(resources().memoryLimit(32 * MIB).memorySwap(48 * MIB).build());
    assertThat(read(memory, "memory.limit_in_bytes")).isEqualTo(Long.toString(32 * MIB));
    assertThat(read(memory, "memory.memsw.limit_in_bytes")).isEqualTo(Long.toString(48 * MIB));

    cgroup.update(resources().memoryLimit(-1).build());
    assertThat(Long.parseLong(read(memory, "memory.limit_in_bytes"))).isGreaterThan(1L << 60);
    assertThat(Long.parseLong(read(memory, "memory.memsw.limit_in_bytes"))).isGreaterThan(1L << 60);
    cgroup.destroy();
  }

  @Test
  void create_withPidsAndCpu_writesPidsMaxSharesQuotaAndPeriod() throws IOException {
    Cgroup cgroup = cgroups.create("/" + name, resources().pidsLimit(42).cpuShares(512).cpuQuota(50_000)
        .cpuPeriod(200_000).build());

    assertThat(read(dir(cgroup, "pids"), "pids.max")).isEqualTo("42");
    assertThat(read(dir(cgroup, "cpu"), "cpu.shares")).isEqualTo("512");
    assertThat(read(dir(cgroup, "cpu"), "cpu.cfs_quota_us")).isEqualTo("50000");
    assertThat(read(dir(cgroup, "cpu"), "cpu.cfs_period_us")).isEqualTo("200000");

    cgroup.update(resources().pidsLimit(0).cpuQuota(-1).build());
    assertThat(read(dir(cgroup, "pids"), "pids.max")).isEqualTo("max");
    assertThat(read(dir(cgroup, "cpu"), "cpu.cfs_quota_us")).isEqualTo("-1");
    cgroup.destroy();
  }

  @Test
  void create_nestedPath_copiesCpusAndMemsFromTheParentIntoEveryNewLevel() throws IOException {
    Cgroup cgroup = cgroups.create("/" + name + "/a/b", resources().cpus("0").build());

    Path root = hierarchy("cpuset").mountPoint();
    Path top = root.resolve(name);
    for (Path level : List.of(top, top.resolve("a"))) {
      assertThat(read(level, "cpuset.cpus")).isEqualTo(read(root, "cpuset.cpus"));
      assertThat(read(level, "cpuset.mems")).isEqualTo(read(root, "cpuset.mems"));
    }
    assertThat(read(dir(cgroup, "cpuset"), "cpuset.cpus")).isEqualTo("0");
    assertThat(read(dir(cgroup, "cpuset"), "cpuset.mems")).isEqualTo(read(root, "cpuset.mems"));
    cgroup.destroy();
    assertThat(dir(cgroup, "cpuset")).doesNotExist();
    assertThat(top.resolve("a")).as("parents are kept").isDirectory();
  }

  @Test
  void create_withDeviceRules_leavesOnlyTheAllowedDevicesInDevicesList() throws IOException {
    Cgroup cgroup = cgroups.create("/" + name, resources().device(DeviceRule.all(false))
        .device(new DeviceRule(true, 'c', 1, 3, "rwm")).device(new DeviceRule(true, 'c', 1, 5, "rw"))
        .device(new DeviceRule(true, 'c', 136, DeviceRule.ANY, "rwm")).build());

    assertThat(read(dir(cgroup, "devices"), "devices.list").lines())
        .containsExactlyInAnyOrder("c 1:3 rwm", "c 1:5 rw", "c 136:* rwm");
    cgroup.destroy();
  }

  @Test
  void create_relativePath_resolvesAgainstTheDaemonsOwnCgroupInEachHierarchy() throws IOException {
    Cgroup cgroup = cgroups.create(name + "/x", CgroupResources.none());

    for (Hierarchy hierarchy : cgroups.hierarchies()) {
      Path expected = hierarchy.mountPoint().resolve(hierarchy.ownPath().substring(1)).resolve(name).resolve("x");
      assertThat(cgroup.procsDirs()).contains(expected);
      assertThat(expected).isDirectory();
    }
    assertThat(cgroup.path()).isEqualTo(name + "/x");
    cgroup.destroy();
    for (Path dir : cgroup.procsDirs()) {
      assertThat(dir).doesNotExist();
      assertThat(dir.getParent()).as("parents may be shared with other containers").isDirectory();
      Files.delete(dir.getParent());
    }
  }

  @Test
  void create_valueTheKernelRefuses_failsNamingTheFieldAndLeavesNoDirectory() {
    assertThatThrownBy(() -> cgroups.create("/" + name + "/a", resources().cpus("0-4095").build()))
        .isInstanceOfSatisfying(ShimException.class, e -> {
          assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
          assertThat(e.getMessage()).startsWith("linux.resources.cpu.cpus: the kernel refused \"0-4095\"");
        });

    for (Hierarchy hierarchy : cgroups.hierarchies()) {
      assertThat(hierarchy.mountPoint().resolve(name)).doesNotExist();
    }
  }

  @Test
  void destroy_keepsParentsThatExistedBefore() {
    Cgroup parent = cgroups.create("/" + name, CgroupResources.none());
    Cgroup child = cgroups.create("/" + name + "/child", CgroupResources.none());

    child.destroy();
    child.destroy();

    assertThat(child.procsDirs()).allSatisfy(dir -> assertThat(dir).doesNotExist());
    assertThat(parent.procsDirs()).allSatisfy(dir -> assertThat(dir).isDirectory());
    parent.destroy();
    assertThat(parent.procsDirs()).allSatisfy(dir -> assertThat(dir).doesNotExist());
  }

  @Test
  void process_inTheCgroup_isCountedFrozenThawedAndBlocksDestroyUntilItDies() throws Exception {
    Cgroup cgroup = cgroups.create("/" + name, resources().pidsLimit(100).build());
    // memory is charged when it is allocated, not when a process moves in: allocate after joining
    try (Workload spinner = Workload.shell("read go; x=$(head -c 1000000 /dev/zero | tr '\\0' x); while :; do :; done")
        .joinAll(cgroup)) {
      assertThat(cgroup.pids()).containsExactly(spinner.pid());
      spinner.send("go");
      assertThat(Polling.until(() -> memoryUsage(cgroup) > 0)).as("memory charged to the cgroup").isTrue();
      V1Stats stats = (V1Stats) cgroup.stats();
      assertThat(stats.pids()).hasValueSatisfying(p -> {
        assertThat(p.current()).isGreaterThanOrEqualTo(1);
        assertThat(p.limit()).isEqualTo(100);
      });
      assertThat(stats.cpuUsage()).hasValueSatisfying(u -> assertThat(u.total()).isPositive());
      assertThat(Polling.until(() -> cgroup.pids().equals(List.of(spinner.pid())))).isTrue();

      cgroup.freeze();
      assertThat(cgroup.frozen()).isTrue();
      assertThat(read(dir(cgroup, "freezer"), "freezer.state")).isEqualTo("FROZEN");
      assertThat(spinner.state()).isNotEqualTo('R');
      long ticks = spinner.cpuTicks();
      Thread.sleep(300);
      assertThat(spinner.cpuTicks()).isEqualTo(ticks);

      cgroup.thaw();
      assertThat(cgroup.frozen()).isFalse();
      Thread.sleep(300);
      assertThat(spinner.cpuTicks()).isGreaterThan(ticks);

      assertThatThrownBy(cgroup::destroy).isInstanceOfSatisfying(ShimException.class, e -> {
        assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION);
        assertThat(e.getMessage()).contains("[" + spinner.pid() + "]");
      });
      assertThat(cgroup.procsDirs()).allSatisfy(dir -> assertThat(dir).isDirectory());

      spinner.killAndWait();
      assertThat(cgroup.pids()).isEmpty();
      cgroup.destroy();
      assertThat(cgroup.procsDirs()).allSatisfy(dir -> assertThat(dir).doesNotExist());
    }
  }

  @Test
  void process_allocatingBeyondTheMemoryLimit_isOomKilledAndCounted() throws Exception {
    CgroupResources limit = resources().memoryLimit(16 * MIB).build();
    Cgroup cgroup = cgroups.create("/" + name, limit);
    if (Files.exists(dir(cgroup, "memory").resolve("memory.memsw.limit_in_bytes"))) {
      cgroup.update(resources().memoryLimit(16 * MIB).memorySwap(16 * MIB).build());
    }
    try (Workload hog = Workload.shell("read go; exec tail /dev/zero").joinAll(cgroup)) {
      assertThat(cgroup.oomKillCount()).isZero();
      hog.send("go");

      assertThat(hog.waitFor()).as("exit value: 128 + SIGKILL").isEqualTo(137);
      assertThat(cgroup.oomKillCount()).isPositive();
      V1Stats stats = (V1Stats) cgroup.stats();
      assertThat(stats.memory()).hasValueSatisfying(m -> {
        assertThat(m.oomControl().oomKill()).isPositive();
        assertThat(m.usage().limit()).isEqualTo(16 * MIB);
        assertThat(m.usage().max()).as("high-water mark near the limit").isGreaterThan(8 * MIB);
      });
    }
    cgroup.destroy();
  }

  private static long memoryUsage(Cgroup cgroup) {
    return ((V1Stats) cgroup.stats()).memory().map(m -> m.usage().usage()).orElse(0L);
  }

  private Hierarchy hierarchy(String controller) {
    return cgroups.hierarchies().stream().filter(h -> h.has(controller)).findFirst().orElseThrow();
  }

  private Path dir(Cgroup cgroup, String controller) {
    Path mount = hierarchy(controller).mountPoint();
    return cgroup.procsDirs().stream().filter(d -> d.startsWith(mount)).findFirst().orElseThrow();
  }

  private static String read(Path dir, String file) throws IOException {
    return Files.readString(dir.resolve(file)).trim();
  }
}
