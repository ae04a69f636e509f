package io.jshim.daemon.cgroup;

import static io.jshim.daemon.cgroup.FakeTree.file;
import static io.jshim.daemon.cgroup.FakeTree.read;
import static io.jshim.daemon.cgroup.ResourcesBuilder.resources;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jshim.daemon.error.ErrorKind;
import io.jshim.daemon.error.ShimException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The v1 code against a fake tree: statistics from kernel-shaped files, resources into the right files. */
class CgroupFakeV1TreeTest {
  @TempDir
  Path tmp;

  private FakeTree tree;

  @BeforeEach
  void newTree() {
    tree = new FakeTree(tmp);
  }

  @Test
  void stats_allControllersPresent_readsEverySection() {
    Path memory = tree.v1("memory", "memory", "/").resolve("c");
    Path cpu = tree.v1("cpu", "cpu", "/").resolve("c");
    Path cpuacct = tree.v1("cpuacct", "cpuacct", "/").resolve("c");
    Path pids = tree.v1("pids", "pids", "/").resolve("c");
    Path blkio = tree.v1("blkio", "blkio", "/").resolve("c");
    file(memory, "memory.usage_in_bytes", "4096\n");
    file(memory, "memory.max_usage_in_bytes", "8192\n");
    file(memory, "memory.limit_in_bytes", "16777216\n");
    file(memory, "memory.failcnt", "3\n");
    file(memory, "memory.memsw.usage_in_bytes", "5000\n");
    file(memory, "memory.memsw.limit_in_bytes", "33554432\n");
    file(memory, "memory.stat", "cache 100\nrss 200\nshmem 7\ntotal_rss 300\npgfault 9\n");
    file(memory, "memory.oom_control", "oom_kill_disable 0\nunder_oom 1\noom_kill 2\n");
    file(cpu, "cpu.stat", "nr_periods 10\nnr_throttled 4\nthrottled_time 999\n");
    file(cpuacct, "cpuacct.usage", "123456789\n");
    file(cpuacct, "cpuacct.stat", "user 30\nsystem 12\n");
    file(cpuacct, "cpuacct.usage_percpu", "100 200 \n");
    file(pids, "pids.current", "3\n");
    file(pids, "pids.max", "max\n");
    file(blkio, "blkio.throttle.io_service_bytes_recursive", "8:0 Read 4096\n8:0 Write 0\nTotal 4096\n");
    file(blkio, "blkio.throttle.io_serviced_recursive", "8:0 Read 1\nTotal 1\n");
    Path hugetlb = tree.v1("hugetlb", "hugetlb", "/").resolve("c");
    file(hugetlb, "hugetlb.2MB.limit_in_bytes", "9223372036854771712\n");
    file(hugetlb, "hugetlb.2MB.rsvd.limit_in_bytes", "9223372036854771712\n");
    file(hugetlb, "hugetlb.2MB.usage_in_bytes", "2097152\n");
    file(hugetlb, "hugetlb.2MB.max_usage_in_bytes", "6291456\n");
    file(hugetlb, "hugetlb.2MB.failcnt", "1\n");

    V1Stats stats = (V1Stats) tree.cgroups().create("/c", CgroupResources.none()).stats();

    assertThat(stats.pids()).contains(new PidsStats(3, CgroupStats.UNLIMITED));
    assertThat(stats.cpuUsage()).contains(new V1Stats.CpuUsage(123_456_789, 300_000_000, 120_000_000,
        List.of(100L, 200L)));
    assertThat(stats.cpuThrottling()).contains(new V1Stats.CpuThrottling(10, 4, 999));
    assertThat(stats.memory()).hasValueSatisfying(m -> {
      assertThat(m.usage()).isEqualTo(new V1Stats.MemoryEntry(4096, 8192, 16_777_216, 3));
      assertThat(m.swap()).contains(new V1Stats.MemoryEntry(5000, 0, 33_554_432, 0));
      assertThat(m.kernel()).isEmpty();
      assertThat(m.stat().get("total_rss")).isEqualTo(300);
      assertThat(m.stat().get("shmem")).isEqualTo(7);
      assertThat(m.oomControl()).isEqualTo(new V1Stats.OomControl(false, true, 2));
    });
    assertThat(stats.hugetlb()).containsExactly(new HugetlbUsage("2MB", 2097152, 6291456, 1));
    assertThat(stats.blkio()).hasValueSatisfying(b -> {
      assertThat(b.ioServiceBytesRecursive()).containsExactly(new V1Stats.BlkioEntry("Read", 8, 0, 4096),
          new V1Stats.BlkioEntry("Write", 8, 0, 0));
      assertThat(b.ioServicedRecursive()).containsExactly(new V1Stats.BlkioEntry("Read", 8, 0, 1));
      assertThat(b.sectorsRecursive()).isEmpty();
    });
  }

  @Test
  void stats_cpuacctUsageUserAndSys_arePreferredOverTicks() {
    Path cpuacct = tree.v1("cpuacct", "cpuacct", "/").resolve("c");
    file(cpuacct, "cpuacct.usage", "1000\n");
    file(cpuacct, "cpuacct.usage_user", "600\n");
    file(cpuacct, "cpuacct.usage_sys", "400\n");
    file(cpuacct, "cpuacct.stat", "user 99\nsystem 99\n");

    V1Stats stats = (V1Stats) tree.cgroups().create("/c", CgroupResources.none()).stats();

    assertThat(stats.cpuUsage()).hasValueSatisfying(u -> {
      assertThat(u.user()).isEqualTo(600);
      assertThat(u.kernel()).isEqualTo(400);
      assertThat(u.perCpu()).isEmpty();
    });
  }

  @Test
  void stats_controllersNotMountedOrFilesMissing_leaveTheirSectionsAbsent() {
    tree.v1("memory", "memory", "/");
    tree.v1("systemd", "name=systemd", "/");

    V1Stats stats = (V1Stats) tree.cgroups().create("/c", CgroupResources.none()).stats();

    assertThat(stats).isEqualTo(new V1Stats(Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), List.of()));
  }

  @Test
  void oomKillCount_readsOomControl_andIsZeroWithoutTheMemoryController() {
    Path memory = tree.v1("memory", "memory", "/").resolve("c");
    file(memory, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 5\n");
    Cgroup withMemory = tree.cgroups().create("/c", CgroupResources.none());

    FakeTree other = new FakeTree(tmp.resolve("other"));
    other.v1("pids", "pids", "/");
    Cgroup withoutMemory = other.cgroups().create("/c", CgroupResources.none());

    assertThat(withMemory.oomKillCount()).isEqualTo(5);
    assertThat(withoutMemory.oomKillCount()).isZero();
  }

  @Test
  void create_withResources_writesEachValueToItsFile() {
    Path memory = tree.v1("memory", "memory", "/").resolve("c");
    Path cpu = tree.v1("cpu", "cpu", "/").resolve("c");
    Path pids = tree.v1("pids", "pids", "/").resolve("c");
    file(memory, "memory.limit_in_bytes", "9223372036854771712\n");
    file(memory, "memory.soft_limit_in_bytes", "9223372036854771712\n");
    file(memory, "memory.memsw.limit_in_bytes", "9223372036854771712\n");
    file(cpu, "cpu.shares", "1024\n");
    file(cpu, "cpu.cfs_quota_us", "-1\n");
    file(cpu, "cpu.cfs_period_us", "100000\n");
    file(pids, "pids.max", "max\n");

    tree.cgroups().create("/c", resources().memoryLimit(1 << 20).memoryReservation(1 << 19).memorySwap(1 << 21)
        .cpuShares(256).cpuQuota(20_000).cpuPeriod(50_000).pidsLimit(7).build());

    assertThat(read(memory, "memory.limit_in_bytes")).isEqualTo("1048576");
    assertThat(read(memory, "memory.soft_limit_in_bytes")).isEqualTo("524288");
    assertThat(read(memory, "memory.memsw.limit_in_bytes")).isEqualTo("2097152");
    assertThat(read(cpu, "cpu.shares")).isEqualTo("256");
    assertThat(read(cpu, "cpu.cfs_quota_us")).isEqualTo("20000");
    assertThat(read(cpu, "cpu.cfs_period_us")).isEqualTo("50000");
    assertThat(read(pids, "pids.max")).isEqualTo("7");
  }

  @Test
  void create_swapLimitWithoutSwapAccounting_isAFailedPreconditionButUnlimitedIsFine() {
    Path memory = tree.v1("memory", "memory", "/").resolve("c");
    file(memory, "memory.limit_in_bytes", "9223372036854771712\n");
    Cgroups cgroups = tree.cgroups();

    assertThatThrownBy(() -> cgroups.create("/c", resources().memoryLimit(1 << 20).memorySwap(1 << 21).build()))
        .isInstanceOfSatisfying(ShimException.class, e -> {
          assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION);
          assertThat(e.getMessage()).startsWith("linux.resources.memory.swap: 2097152 cannot be applied, this kernel"
              + " does not account swap");
        });
    cgroups.create("/c", resources().memoryLimit(1 << 20).memorySwap(-1).build());
    assertThat(read(memory, "memory.limit_in_bytes")).isEqualTo("1048576");
  }

  @Test
  void create_settingForAnUnmountedController_isAFailedPreconditionNamingTheField() {
    tree.v1("memory", "memory", "/");

    assertThatThrownBy(() -> tree.cgroups().create("/c", resources().cpuShares(512).build()))
        .isInstanceOfSatisfying(ShimException.class, e -> {
          assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION);
          assertThat(e.getMessage()).isEqualTo("linux.resources.cpu.shares: cannot be applied, the cpu controller is"
              + " not mounted (expected: a cgroup v1 hierarchy with cpu in /proc/self/mountinfo)");
        });
    assertThat(tmp.resolve("memory/c")).doesNotExist();
  }

  @Test
  void create_missingControlFile_isAFailedPreconditionNamingTheFile() {
    Path pids = tree.v1("pids", "pids", "/").resolve("c");
    file(pids, "pids.current", "0\n");

    assertThatThrownBy(() -> tree.cgroups().create("/c", resources().pidsLimit(5).build()))
        .isInstanceOfSatisfying(ShimException.class, e -> {
          assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION);
          assertThat(e.getMessage()).isEqualTo("linux.resources.pids.limit: cannot be applied, "
              + pids.resolve("pids.max") + " does not exist (expected: the pids controller available for this cgroup)");
        });
  }

  @Test
  void create_newCpusetLevels_getTheParentsCpusAndMems() {
    Path cpuset = tree.v1("cpuset", "cpuset", "/");
    file(cpuset, "cpuset.cpus", "0-3\n");
    file(cpuset, "cpuset.mems", "0\n");
    // the fake has no kernel to make the files of a new directory: the levels exist beforehand, empty
    file(cpuset.resolve("a"), "cpuset.cpus", "\n");
    file(cpuset.resolve("a"), "cpuset.mems", "\n");
    file(cpuset.resolve("a/b"), "cpuset.cpus", "");
    file(cpuset.resolve("a/b"), "cpuset.mems", "");

    tree.cgroups().create("/a/b", CgroupResources.none());

    assertThat(read(cpuset.resolve("a"), "cpuset.cpus")).isEqualTo("0-3");
    assertThat(read(cpuset.resolve("a/b"), "cpuset.cpus")).isEqualTo("0-3");
    assertThat(read(cpuset.resolve("a/b"), "cpuset.mems")).isEqualTo("0");
  }

  @Test
  void create_relativePath_landsBelowTheOwnCgroupOfEachHierarchy() {
    Path memory = tree.v1("memory", "memory", "/daemon/x");
    Path pids = tree.v1("pids", "pids", "/");

    Cgroup cgroup = tree.cgroups().create("jshim/c", CgroupResources.none());

    assertThat(cgroup.procsDirs()).containsExactlyInAnyOrder(memory.resolve("daemon/x/jshim/c"),
        pids.resolve("jshim/c"));
    assertThat(memory.resolve("daemon/x/jshim/c")).isDirectory();
  }

  @Test
  void killAll_onV1_isUnimplementedAndSaysWhatToDoInstead() {
    tree.v1("pids", "pids", "/");
    Cgroup cgroup = tree.cgroups().create("/c", CgroupResources.none());

    assertThat(cgroup.canKillAll()).isFalse();
    assertThatThrownBy(cgroup::killAll).isInstanceOfSatisfying(ShimException.class, e -> {
      assertThat(e.kind()).isEqualTo(ErrorKind.UNIMPLEMENTED);
      assertThat(e.getMessage()).contains("signal each pid of pids() instead");
    });
  }

  @Test
  void destroy_processLeavesShortlyAfter_waitsAndRemovesTheCgroup() throws Exception {
    Path pids = tree.v1("pids", "pids", "/");
    Cgroup cgroup = tree.cgroups().create("/c", CgroupResources.none());
    file(pids.resolve("c"), "cgroup.procs", "4242\n");
    // as a just-killed process (or the spawn helper on its way out) leaves the kernel's list a moment later
    Thread leaver = new Thread(() -> {
      try {
        Thread.sleep(200);
        Files.delete(pids.resolve("c/cgroup.procs"));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    leaver.start();

    cgroup.destroy();

    leaver.join();
    assertThat(pids.resolve("c")).doesNotExist();
  }

  @Test
  void destroy_processStaysPastTheTimeout_failedPreconditionNamingIt() {
    Path pids = tree.v1("pids", "pids", "/");
    Cgroup cgroup = tree.cgroups().create("/c", CgroupResources.none());
    file(pids.resolve("c"), "cgroup.procs", "4242\n");

    assertThatThrownBy(cgroup::destroy).isInstanceOfSatisfying(ShimException.class, e -> {
      assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION);
      assertThat(e.getMessage()).contains("still has processes [4242]");
    });
  }

  @Test
  void freeze_withoutTheFreezerController_isAFailedPrecondition() {
    tree.v1("pids", "pids", "/");
    Cgroup cgroup = tree.cgroups().create("/c", CgroupResources.none());

    assertThatThrownBy(cgroup::freeze).isInstanceOfSatisfying(ShimException.class, e -> {
      assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION);
      assertThat(e.getMessage()).contains("the freezer controller is not mounted");
    });
    assertThat(cgroup.frozen()).isFalse();
  }
}
