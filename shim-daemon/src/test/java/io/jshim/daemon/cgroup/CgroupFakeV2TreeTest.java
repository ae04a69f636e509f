package io.jshim.daemon.cgroup;

import static io.jshim.daemon.cgroup.FakeTree.file;
import static io.jshim.daemon.cgroup.FakeTree.read;
import static io.jshim.daemon.cgroup.ResourcesBuilder.resources;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jshim.daemon.error.ErrorKind;
import io.jshim.daemon.error.ShimException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The v2 code against a fake unified tree: statistics, resource files and controller delegation. */
class CgroupFakeV2TreeTest {
  private static final String ALL = "cpuset cpu io memory pids\n";

  @TempDir
  Path tmp;

  private Path mount;
  private Path leaf;
  private Cgroups cgroups;

  @BeforeEach
  void unifiedTree() {
    FakeTree tree = new FakeTree(tmp);
    mount = tree.v2("unified", "/");
    leaf = mount.resolve("c");
    file(mount, "cgroup.controllers", ALL);
    file(mount, "cgroup.subtree_control", "");
    file(leaf, "cgroup.controllers", ALL);
    cgroups = tree.cgroups();
  }

  @Test
  void stats_allFilesPresent_readsEverySection() {
    file(leaf, "pids.current", "2\n");
    file(leaf, "pids.max", "max\n");
    file(leaf, "cpu.stat", "usage_usec 500\nuser_usec 300\nsystem_usec 200\nnr_periods 7\nnr_throttled 1\n"
        + "throttled_usec 40\nnr_bursts 0\nburst_usec 0\n");
    file(leaf, "memory.current", "65536\n");
    file(leaf, "memory.max", "max\n");
    file(leaf, "memory.peak", "70000\n");
    file(leaf, "memory.swap.current", "0\n");
    file(leaf, "memory.swap.max", "max\n");
    file(leaf, "memory.stat", "anon 4096\nfile 8192\nshmem 1\npgfault 12\nworkingset_refault_anon 3\n");
    file(leaf, "memory.events", "low 0\nhigh 0\nmax 4\noom 2\noom_kill 1\noom_group_kill 0\n");
    file(leaf, "io.stat", "8:0 rbytes=10 wbytes=20 rios=1 wios=2 dbytes=0 dios=0\n");
    file(leaf, "hugetlb.2MB.current", "4194304\n");
    file(leaf, "hugetlb.2MB.max", "8388608\n");
    file(leaf, "hugetlb.2MB.rsvd.max", "8388608\n");
    file(leaf, "hugetlb.2MB.events", "max 2\n");
    file(leaf, "hugetlb.1GB.max", "max\n");

    Cgroup cgroup = cgroups.create("/c", CgroupResources.none());
    V2Stats stats = (V2Stats) cgroup.stats();

    assertThat(stats.pids()).contains(new PidsStats(2, CgroupStats.UNLIMITED));
    assertThat(stats.cpu()).contains(new V2Stats.Cpu(500, 300, 200, 7, 1, 40, 0, 0));
    assertThat(stats.memory()).hasValueSatisfying(m -> {
      assertThat(m.usage()).isEqualTo(65_536);
      assertThat(m.limit()).isEqualTo(CgroupStats.UNLIMITED);
      assertThat(m.maxUsage()).isEqualTo(70_000);
      assertThat(m.swapLimit()).isEqualTo(CgroupStats.UNLIMITED);
      assertThat(m.swapMaxUsage()).isZero();
      assertThat(m.stat().get("file")).isEqualTo(8192);
      assertThat(m.stat().get("workingset_refault_anon")).isEqualTo(3);
    });
    assertThat(stats.memoryEvents()).contains(new V2Stats.MemoryEvents(0, 0, 4, 2, 1, 0));
    assertThat(stats.io()).contains(List.of(new V2Stats.IoEntry(8, 0, 10, 20, 1, 2)));
    assertThat(stats.hugetlb()).containsExactly(new HugetlbUsage("1GB", 0, CgroupStats.UNLIMITED, 0),
        new HugetlbUsage("2MB", 4194304, 8388608, 2));
    assertThat(cgroup.oomKillCount()).isEqualTo(1);
  }

  @Test
  void stats_noControllerFiles_leaveEverySectionAbsent() {
    V2Stats stats = (V2Stats) cgroups.create("/c", CgroupResources.none()).stats();

    assertThat(stats).isEqualTo(new V2Stats(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), List.of()));
  }

  @Test
  void create_withResources_writesTheV2FilesWithConvertedValues() {
    for (String f : List.of("memory.max", "memory.low", "memory.swap.max", "cpu.weight", "cpu.max", "cpuset.cpus",
        "cpuset.mems", "pids.max")) {
      file(leaf, f, "");
    }

    cgroups.create("/c", resources().memoryLimit(64 << 20).memoryReservation(-1).memorySwap(96 << 20).cpuShares(1024)
        .cpuQuota(50_000).cpuPeriod(100_000).cpus("0-1").mems("0").pidsLimit(0).build());

    assertThat(read(leaf, "memory.max")).isEqualTo(Long.toString(64 << 20));
    assertThat(read(leaf, "memory.low")).isEqualTo("max");
    assertThat(read(leaf, "memory.swap.max")).as("swap alone: 96 MiB - 64 MiB").isEqualTo(Long.toString(32 << 20));
    assertThat(read(leaf, "cpu.weight")).isEqualTo("39");
    assertThat(read(leaf, "cpu.max")).isEqualTo("50000 100000");
    assertThat(read(leaf, "cpuset.cpus")).isEqualTo("0-1");
    assertThat(read(leaf, "pids.max")).isEqualTo("max");
  }

  @Test
  void update_periodAlone_keepsTheCurrentQuota() {
    file(leaf, "cpu.max", "max 100000\n");
    Cgroup cgroup = cgroups.create("/c", CgroupResources.none());

    cgroup.update(resources().cpuPeriod(250_000).build());
    assertThat(read(leaf, "cpu.max")).isEqualTo("max 250000");

    cgroup.update(resources().cpuQuota(30_000).build());
    assertThat(read(leaf, "cpu.max")).isEqualTo("30000");
  }

  @Test
  void update_swapWithoutAnyMemoryLimit_isInvalid() {
    file(leaf, "memory.max", "max\n");
    file(leaf, "memory.swap.max", "max\n");
    Cgroup cgroup = cgroups.create("/c", CgroupResources.none());

    assertThatThrownBy(() -> cgroup.update(resources().memorySwap(1 << 20).build()))
        .isInstanceOfSatisfying(ShimException.class, e -> {
          assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
          assertThat(e.getMessage()).startsWith("linux.resources.memory.swap: 1048576 without a memory limit");
        });
  }

  @Test
  void update_swapWithTheCurrentLimit_subtractsIt() {
    file(leaf, "memory.max", "1048576\n");
    file(leaf, "memory.swap.max", "max\n");
    Cgroup cgroup = cgroups.create("/c", CgroupResources.none());

    cgroup.update(resources().memorySwap(3 << 20).build());

    assertThat(read(leaf, "memory.swap.max")).isEqualTo(Long.toString(2 << 20));
  }

  @Test
  void create_controllerNotDelegatedToTheCgroup_isAFailedPreconditionNamingTheField() {
    file(leaf, "cgroup.controllers", "memory\n");

    assertThatThrownBy(() -> cgroups.create("/c", resources().pidsLimit(10).build()))
        .isInstanceOfSatisfying(ShimException.class, e -> {
          assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION);
          assertThat(e.getMessage()).startsWith("linux.resources.pids.limit: cannot be applied, the pids controller is"
              + " not available in " + leaf + " (cgroup.controllers: \"memory\"");
        });
  }

  @Test
  void create_enablesControllersInTheParentsSubtreeControl() {
    file(leaf, "pids.max", "max\n");

    cgroups.create("/c", resources().pidsLimit(10).build());

    // the fake keeps only the last write; the kernel would accumulate "+cpu +memory +pids +io"
    assertThat(read(mount, "cgroup.subtree_control")).startsWith("+");
  }

  @Test
  void create_belowALevelHoldingProcesses_leavesThatLevelsSubtreeControlAlone() {
    Path daemon = mount.resolve("daemon");
    file(daemon, "cgroup.controllers", ALL);
    file(daemon, "cgroup.subtree_control", "");
    file(daemon, "cgroup.procs", "4242\n");
    file(daemon.resolve("jshim"), "cgroup.controllers", "");
    file(daemon.resolve("jshim"), "cgroup.subtree_control", "");
    file(daemon.resolve("jshim/c"), "cgroup.controllers", "");

    cgroups.create("/daemon/jshim/c", CgroupResources.none());

    assertThat(read(daemon, "cgroup.subtree_control")).as("threaded controllers would make it a thread root").isEmpty();
    assertThat(read(mount, "cgroup.subtree_control")).startsWith("+");
  }

  @Test
  void create_allowAllDeviceRule_isTheDefaultAndAccepted() {
    Cgroup cgroup = cgroups.create("/c", resources().device(DeviceRule.all(true)).build());

    assertThat(cgroup.procsDirs()).containsExactly(leaf);
  }

  @Test
  void freeze_withoutCgroupFreeze_isAFailedPrecondition() {
    Cgroup cgroup = cgroups.create("/c", CgroupResources.none());

    assertThatThrownBy(cgroup::freeze).isInstanceOfSatisfying(ShimException.class, e -> {
      assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION);
      assertThat(e.getMessage()).contains("has no cgroup.freeze");
    });
    assertThat(cgroup.canKillAll()).isFalse();
  }
}
