package io.jshim.daemon.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jshim.daemon.error.ErrorKind;
import io.jshim.daemon.error.ShimException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Detection of the cgroup layout from mountinfo and /proc/self/cgroup, and where a cgroupsPath lands. */
class CgroupLayoutTest {
  private static final String HYBRID_MOUNTINFO = """
      22 27 0:21 / /proc rw,relatime - proc proc rw
      31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
      32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
      33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
      34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset
      35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
      36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices
      37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
      38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio
      39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
      40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
      41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
      """;
  private static final String HYBRID_CGROUP = """
      9:name=systemd:/
      8:pids:/
      7:blkio:/
      6:freezer:/
      5:devices:/
      4:memory:/process_api/abc
      3:cpuset:/
      2:cpuacct:/
      1:cpu:/
      0::/
      """;

  @TempDir
  Path tmp;

  @Test
  void detect_hybridHost_isV1WithEveryHierarchyAndTheCgroup2Mount() throws IOException {
    Cgroups cgroups = at(HYBRID_MOUNTINFO, HYBRID_CGROUP);

    assertThat(cgroups.mode()).isEqualTo(CgroupMode.V1);
    assertThat(cgroups.hierarchies()).extracting(h -> h.mountPoint().toString()).containsExactlyInAnyOrder(
        "/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpuacct", "/sys/fs/cgroup/cpuset", "/sys/fs/cgroup/memory",
        "/sys/fs/cgroup/devices", "/sys/fs/cgroup/freezer", "/sys/fs/cgroup/blkio", "/sys/fs/cgroup/pids",
        "/sys/fs/cgroup/systemd", "/sys/fs/cgroup/unified");
  }

  @Test
  void resolve_absolutePath_startsAtEachHierarchysRoot() throws IOException {
    Cgroups cgroups = at(HYBRID_MOUNTINFO, HYBRID_CGROUP);

    assertThat(dir(cgroups, "memory", "/jshim/x")).isEqualTo(Path.of("/sys/fs/cgroup/memory/jshim/x"));
    assertThat(dir(cgroups, "cpu", "/jshim/x")).isEqualTo(Path.of("/sys/fs/cgroup/cpu/jshim/x"));
    assertThat(dir(cgroups, "name=systemd", "/jshim/x")).isEqualTo(Path.of("/sys/fs/cgroup/systemd/jshim/x"));
  }

  @Test
  void resolve_relativePath_startsAtTheDaemonsOwnCgroupPerController() throws IOException {
    Cgroups cgroups = at(HYBRID_MOUNTINFO, HYBRID_CGROUP);

    assertThat(dir(cgroups, "memory", "jshim/x")).isEqualTo(Path.of("/sys/fs/cgroup/memory/process_api/abc/jshim/x"));
    assertThat(dir(cgroups, "cpu", "jshim/x")).isEqualTo(Path.of("/sys/fs/cgroup/cpu/jshim/x"));
  }

  @Test
  void detect_pureV2Host_isV2WithOneHierarchyAndRelativePathsBelowTheOwnCgroup() throws IOException {
    Cgroups cgroups = at("""
        30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate
        """, "0::/system.slice/jshim.service\n");

    assertThat(cgroups.mode()).isEqualTo(CgroupMode.V2);
    assertThat(cgroups.hierarchies()).hasSize(1);
    Hierarchy unified = cgroups.hierarchies().get(0);
    assertThat(unified.dirFor(CgroupsPath.parse("/jshim/x"))).isEqualTo(Path.of("/sys/fs/cgroup/jshim/x"));
    assertThat(unified.dirFor(CgroupsPath.parse("jshim/x")))
        .isEqualTo(Path.of("/sys/fs/cgroup/system.slice/jshim.service/jshim/x"));
  }

  @Test
  void detect_legacyHostWithCoMountedControllers_isV1WithOneHierarchyPerMount() throws IOException {
    Cgroups cgroups = at("""
        25 24 0:22 / /sys/fs/cgroup/systemd rw,nosuid - cgroup cgroup rw,xattr,name=systemd
        26 24 0:23 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid - cgroup cgroup rw,cpu,cpuacct
        27 24 0:24 / /sys/fs/cgroup/net_cls,net_prio rw,nosuid - cgroup cgroup rw,net_cls,net_prio
        28 24 0:25 / /sys/fs/cgroup/memory rw,nosuid - cgroup cgroup rw,memory
        """, """
        4:memory:/
        3:net_cls,net_prio:/
        2:cpu,cpuacct:/
        1:name=systemd:/user.slice
        """);

    assertThat(cgroups.mode()).isEqualTo(CgroupMode.V1);
    assertThat(cgroups.hierarchies()).hasSize(4);
    assertThat(dir(cgroups, "cpuacct", "/j")).isEqualTo(Path.of("/sys/fs/cgroup/cpu,cpuacct/j"));
    assertThat(dir(cgroups, "name=systemd", "j")).isEqualTo(Path.of("/sys/fs/cgroup/systemd/user.slice/j"));
  }

  @Test
  void detect_onlyANamedV1HierarchyBesideCgroup2_isV2() throws IOException {
    Cgroups cgroups = at("""
        25 24 0:22 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,name=systemd
        30 23 0:26 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw
        """, "1:name=systemd:/\n0::/\n");

    assertThat(cgroups.mode()).isEqualTo(CgroupMode.V2);
  }

  @Test
  void detect_noCgroupFilesystem_isAFailedPrecondition() {
    assertThatThrownBy(() -> at("22 27 0:21 / /proc rw - proc proc rw\n", "0::/\n"))
        .isInstanceOfSatisfying(ShimException.class, e -> {
          assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION);
          assertThat(e.getMessage()).startsWith("no usable cgroup filesystem");
        });
  }

  @Test
  void detect_unreadableProcFile_isAFailedPrecondition() {
    assertThatThrownBy(() -> Cgroups.at(tmp.resolve("missing"), tmp.resolve("missing")))
        .isInstanceOfSatisfying(ShimException.class,
            e -> assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION));
  }

  @Test
  void resolve_mountShowingASubtree_cutsTheMountRootOffTheOwnPath() throws IOException {
    Cgroups cgroups = at("""
        40 31 0:32 /docker/abc /sys/fs/cgroup/memory ro,nosuid - cgroup cgroup rw,memory
        """, "4:memory:/docker/abc/sub\n");

    assertThat(dir(cgroups, "memory", "jshim/x")).isEqualTo(Path.of("/sys/fs/cgroup/memory/sub/jshim/x"));
    assertThat(dir(cgroups, "memory", "/jshim/x")).isEqualTo(Path.of("/sys/fs/cgroup/memory/jshim/x"));
  }

  @Test
  void parse_mountPointWithEscapedSpace_isUnescaped() {
    var mounts = MountInfo.cgroupMounts("41 31 0:38 / /mnt/my\\040cgroup rw - cgroup2 cgroup2 rw\n");

    assertThat(mounts).singleElement().satisfies(m -> {
      assertThat(m.mountPoint()).isEqualTo(Path.of("/mnt/my cgroup"));
      assertThat(m.unified()).isTrue();
    });
  }

  private Cgroups at(String mountinfo, String cgroup) throws IOException {
    return Cgroups.at(Files.writeString(tmp.resolve("mountinfo"), mountinfo),
        Files.writeString(tmp.resolve("cgroup"), cgroup));
  }

  private static Path dir(Cgroups cgroups, String controller, String cgroupsPath) {
    return cgroups.hierarchies().stream().filter(h -> h.has(controller)).findFirst().orElseThrow()
        .dirFor(CgroupsPath.parse(cgroupsPath));
  }
}
