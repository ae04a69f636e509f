package io.jshim.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A few seconds of the real harness (5 spawns per variant), to prove it works; the benchmark itself is
 * run by hand (docs/benchmarks.md). Root only, like the other spawning tests.
 */
@Tag("privileged")
class ForkGateBenchSmokeTest {

  @Test
  void everyVariantSpawnsAndOnlyTheUnsweptUngatedOnesCanLeak() throws Exception {
    assumeRoot();
    BenchOptions options = BenchOptions.parse("--spawners", "5", "--fd-threads", "2", "--reps", "1",
        "--warmup", "0", "--variants", "a,b,c,d,x", "--lead-ms", "5").checked();
    ByteArrayOutputStream report = new ByteArrayOutputStream();
    ByteArrayOutputStream log = new ByteArrayOutputStream();

    List<CellSummary> cells = ForkGateBench.run(options, new PrintStream(report, true, StandardCharsets.UTF_8),
        new PrintStream(log, true, StandardCharsets.UTF_8));

    assertThat(cells).extracting(c -> c.variant().letter).containsExactly("a", "b", "c", "d", "x");
    for (CellSummary c : cells) {
      assertThat(c.spawnsPerBurst()).as("spawns of %s", c.variant()).isEqualTo(5);
      assertThat(c.probeChildren()).as("probes of %s", c.variant()).isEqualTo(5);
      assertThat(c.spawnMax()).as("spawn max of %s", c.variant()).isPositive();
      assertThat(c.fdOpsPerSecond()).as("fd ops of %s", c.variant()).isPositive();
      if (c.variant() != Variant.X) {
        assertThat(c.leakedFds()).as("creator fds leaked under %s", c.variant()).isZero();
      }
    }
    CellSummary gate = cells.get(2);
    assertThat(gate.hasGate()).isTrue();
    assertThat(gate.gateMaxHandoffsWaited()).isLessThanOrEqualTo(2);
    assertThat(cells.get(3).otherFdsMax()).as("fds a swept child inherited").isZero();
    assertThat(cells.get(0).otherFdsMax()).as("the JVM's own inheritable fds reach an unswept child").isPositive();
    assertThat(report.toString(StandardCharsets.UTF_8)).contains("| variant | F | spawn p50 ms", "Leak check:");
  }

  @Test
  void theProbeSeesAnInheritablePipeUnlessTheHelperSweeps() {
    assumeRoot();
    BenchOptions options = BenchOptions.parse().checked();
    NativeOps ops = NativeOps.load();
    Children children = new Children(ops, options.helper().toString(), options.testbin().toString(), List.of());
    int[] pipe = new int[2];
    ops.pipeInheritable(pipe);
    try {
      String target = "pipe:[" + ops.inode(pipe[0]) + "]";

      FdLinks direct = FdLinks.parse(children.probe(Guard.none(), false).output());
      FdLinks swept = FdLinks.parse(children.probe(Guard.none(), true).output());

      assertThat(direct.beyondStdio()).extracting(FdLinks.Link::target).contains(target);
      assertThat(direct.beyondStdio()).filteredOn(l -> l.target().equals(target))
          .extracting(l -> l.pipeInode().orElse(-1)).containsOnly(ops.inode(pipe[0]));
      assertThat(swept.links()).extracting(FdLinks.Link::fd).containsExactly(0, 1, 2);
    } finally {
      ops.close(pipe[0]);
      ops.close(pipe[1]);
    }
  }

  private static void assumeRoot() {
    assumeTrue(isRoot(), "needs root: the spawning tests run only as root");
  }

  private static boolean isRoot() {
    try {
      return Files.readString(Path.of("/proc/self/status")).lines().filter(l -> l.startsWith("Uid:"))
          .anyMatch(l -> l.split("\\s+")[2].equals("0"));
    } catch (IOException e) {
      return false;
    }
  }
}
