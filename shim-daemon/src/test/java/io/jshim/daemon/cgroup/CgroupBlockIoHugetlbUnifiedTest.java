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
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code blockIO}, {@code hugepageLimits} and {@code unified} into the files of fake v1 and v2 trees. A fake file keeps
 * only the last value written to it, so each case writes one value per file.
 */
class CgroupBlockIoHugetlbUnifiedTest {
  private static final String V2_CONTROLLERS = "cpuset cpu io memory hugetlb pids\n";

  @TempDir
  Path tmp;

  private static BlockIo weight(int weight) {
    return new BlockIo(OptionalInt.of(weight), OptionalInt.empty(), List.of(), List.of());
  }

  private static BlockIo throttle(BlockIo.Limit limit, long rate) {
    return new BlockIo(OptionalInt.empty(), OptionalInt.empty(), List.of(),
        List.of(new BlockIo.Throttle(limit, 8, 16, rate)));
  }

  private static BlockIo deviceWeight(int weight) {
    return new BlockIo(OptionalInt.empty(), OptionalInt.empty(),
        List.of(new BlockIo.WeightDevice(8, 0, OptionalInt.of(weight), OptionalInt.empty())), List.of());
  }

  private Path v2Leaf(FakeTree tree) {
    Path mount = tree.v2("unified", "/");
    file(mount, "cgroup.controllers", V2_CONTROLLERS);
    file(mount, "cgroup.subtree_control", "");
    Path leaf = mount.resolve("c");
    file(leaf, "cgroup.controllers", V2_CONTROLLERS);
    return leaf;
  }

  @Test
  void v2Create_weightWithoutBfq_goesToIoWeightOnItsScale() {
    FakeTree tree = new FakeTree(tmp);
    Path leaf = v2Leaf(tree);
    file(leaf, "io.weight", "default 100\n");

    tree.cgroups().create("/c", resources().blockIo(weight(100)).build());

    assertThat(read(leaf, "io.weight")).as("1 + (100 - 10) * 9999 / 990").isEqualTo("910");
  }

  @Test
  void v2Create_weightWithBfq_goesToIoBfqWeightUnconverted() {
    FakeTree tree = new FakeTree(tmp);
    Path leaf = v2Leaf(tree);
    file(leaf, "io.weight", "default 100\n");
    file(leaf, "io.bfq.weight", "default 100\n");

    tree.cgroups().create("/c", resources().blockIo(weight(300)).build());

    assertThat(read(leaf, "io.bfq.weight")).isEqualTo("300");
    assertThat(read(leaf, "io.weight")).as("untouched").isEqualTo("default 100");
  }

  @Test
  void v2Create_deviceWeightWithoutBfq_goesToIoWeightPerDevice() {
    FakeTree tree = new FakeTree(tmp);
    Path leaf = v2Leaf(tree);
    file(leaf, "io.weight", "default 100\n");

    tree.cgroups().create("/c", resources().blockIo(deviceWeight(1000)).build());

    assertThat(read(leaf, "io.weight")).isEqualTo("8:0 10000");
  }

  @Test
  void v2Create_eachThrottle_writesItsKeyToIoMax() {
    for (BlockIo.Limit limit : BlockIo.Limit.values()) {
      FakeTree tree = new FakeTree(tmp.resolve(limit.name()));
      Path leaf = v2Leaf(tree);
      file(leaf, "io.max", "");

      tree.cgroups().create("/c", resources().blockIo(throttle(limit, 4096)).build());

      assertThat(read(leaf, "io.max")).isEqualTo("8:16 " + limit.v2Key() + "=4096");
    }
  }

  @Test
  void v2Create_leafWeight_refusedBeforeAnythingIsMade() {
    FakeTree tree = new FakeTree(tmp);
    Path mount = v2Leaf(tree).getParent();
    BlockIo leaf = new BlockIo(OptionalInt.empty(), OptionalInt.of(500), List.of(), List.of());

    assertThatThrownBy(() -> tree.cgroups().create("/d", resources().blockIo(leaf).build()))
        .isInstanceOfSatisfying(ShimException.class, e -> {
          assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION);
          assertThat(e.getMessage()).startsWith("linux.resources.blockIO: leafWeight cannot be applied on cgroup v2");
        });
    assertThat(mount.resolve("d")).doesNotExist();
  }

  @Test
  void v2Create_noWeightFileAtAll_namesBothFilesAndBfq() {
    FakeTree tree = new FakeTree(tmp);
    v2Leaf(tree);

    assertThatThrownBy(() -> tree.cgroups().create("/c", resources().blockIo(weight(100)).build()))
        .isInstanceOfSatisfying(ShimException.class, e -> {
          assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION);
          assertThat(e.getMessage()).contains("neither io.weight", "io.bfq.weight", "bfq");
        });
  }

  @Test
  void v2Create_hugepageLimit_writesMaxAndTheReservationLimit() {
    FakeTree tree = new FakeTree(tmp);
    Path leaf = v2Leaf(tree);
    file(leaf, "hugetlb.2MB.max", "max\n");
    file(leaf, "hugetlb.2MB.rsvd.max", "max\n");
    file(leaf, "hugetlb.1GB.max", "max\n");

    tree.cgroups().create("/c", resources().hugepageLimit("2MB", 4 << 20).build());

    assertThat(read(leaf, "hugetlb.2MB.max")).isEqualTo(Long.toString(4 << 20));
    assertThat(read(leaf, "hugetlb.2MB.rsvd.max")).isEqualTo(Long.toString(4 << 20));
    assertThat(read(leaf, "hugetlb.1GB.max")).isEqualTo("max");
  }

  @Test
  void v2Create_pageSizeTheKernelLacks_failedPreconditionListingTheSizesItHas() {
    FakeTree tree = new FakeTree(tmp);
    Path leaf = v2Leaf(tree);
    file(leaf, "hugetlb.2MB.max", "max\n");
    file(leaf, "hugetlb.2MB.rsvd.max", "max\n");
    file(leaf, "hugetlb.1GB.max", "max\n");

    assertThatThrownBy(() -> tree.cgroups().create("/c", resources().hugepageLimit("64KB", 0).build()))
        .isInstanceOfSatisfying(ShimException.class, e -> {
          assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION);
          assertThat(e.getMessage()).contains("page size 64KB", "expected: one of this kernel's sizes [1GB, 2MB]");
        });
  }

  @Test
  void v2Create_unified_writtenAfterTheFieldsSoItOverridesThem() {
    FakeTree tree = new FakeTree(tmp);
    Path leaf = v2Leaf(tree);
    file(leaf, "memory.max", "max\n");
    file(leaf, "memory.high", "max\n");

    tree.cgroups().create("/c", resources().memoryLimit(64 << 20).unified("memory.max", "33554432")
        .unified("memory.high", "16777216").build());

    assertThat(read(leaf, "memory.max")).isEqualTo("33554432");
    assertThat(read(leaf, "memory.high")).isEqualTo("16777216");
  }

  @Test
  void v2Create_unifiedFileOfAControllerNotAvailable_failedPreconditionNamingTheKey() {
    FakeTree tree = new FakeTree(tmp);
    Path leaf = v2Leaf(tree);
    file(leaf, "cgroup.controllers", "memory\n");

    assertThatThrownBy(() -> tree.cgroups().create("/c", resources().unified("io.max", "8:0 rbps=1").build()))
        .isInstanceOfSatisfying(ShimException.class, e -> {
          assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION);
          assertThat(e.getMessage()).startsWith("linux.resources.unified.io.max: cannot be applied, the io controller");
        });
  }

  @Test
  void v1Create_weightsWithBfqOnly_goToTheBfqFiles() {
    FakeTree tree = new FakeTree(tmp);
    Path blkio = tree.v1("blkio", "blkio", "/").resolve("c");
    file(blkio, "blkio.bfq.weight", "100\n");
    file(blkio, "blkio.bfq.weight_device", "");

    tree.cgroups().create("/c", resources().blockIo(new BlockIo(OptionalInt.of(200), OptionalInt.empty(),
        List.of(new BlockIo.WeightDevice(8, 0, OptionalInt.of(300), OptionalInt.empty())), List.of())).build());

    assertThat(read(blkio, "blkio.bfq.weight")).isEqualTo("200");
    assertThat(read(blkio, "blkio.bfq.weight_device")).isEqualTo("8:0 300");
    assertThat(blkio.resolve("blkio.weight")).doesNotExist();
  }

  @Test
  void v1Create_eachThrottle_writesItsFile() {
    for (BlockIo.Limit limit : BlockIo.Limit.values()) {
      FakeTree tree = new FakeTree(tmp.resolve(limit.name()));
      Path blkio = tree.v1("blkio", "blkio", "/").resolve("c");
      file(blkio, limit.v1File(), "");

      tree.cgroups().create("/c", resources().blockIo(throttle(limit, 1 << 20)).build());

      assertThat(read(blkio, limit.v1File())).isEqualTo("8:16 1048576");
    }
  }

  @Test
  void v1Create_weightWithoutAProportionalScheduler_failedPreconditionNamingBfq() {
    FakeTree tree = new FakeTree(tmp);
    Path blkio = tree.v1("blkio", "blkio", "/").resolve("c");
    file(blkio, "blkio.throttle.read_bps_device", "");

    assertThatThrownBy(() -> tree.cgroups().create("/c", resources().blockIo(weight(500)).build()))
        .isInstanceOfSatisfying(ShimException.class, e -> {
          assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION);
          assertThat(e.getMessage()).contains("neither blkio.weight", "blkio.bfq.weight", "modprobe bfq");
        });
  }

  @Test
  void v1Create_hugepageLimit_writesLimitInBytes() {
    FakeTree tree = new FakeTree(tmp);
    Path hugetlb = tree.v1("hugetlb", "hugetlb", "/").resolve("c");
    file(hugetlb, "hugetlb.2MB.limit_in_bytes", "9223372036854771712\n");

    tree.cgroups().create("/c", resources().hugepageLimit("2MB", 2 << 20).build());

    assertThat(read(hugetlb, "hugetlb.2MB.limit_in_bytes")).isEqualTo(Long.toString(2 << 20));
  }

  @Test
  void v1Create_unified_failedPreconditionSayingTheyAreV2Files() {
    FakeTree tree = new FakeTree(tmp);
    tree.v1("memory", "memory", "/");

    assertThatThrownBy(() -> tree.cgroups().create("/c", resources().unified("memory.high", "1").build()))
        .isInstanceOfSatisfying(ShimException.class, e -> {
          assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION);
          assertThat(e.getMessage()).startsWith("linux.resources.unified: [memory.high] cannot be applied")
              .contains("cgroup v1");
        });
  }
}
