package io.jshim.daemon.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.StatusRuntimeException;
import io.jshim.daemon.DaemonFixture;
import io.jshim.daemon.Privileged;
import io.jshim.daemon.oci.Bundles.Variant;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cgroup v2 files jshim writes for a config with every v2 resource it applies, against what {@code runc run} writes
 * for the same config, on a pure cgroup v2 host (every controller on the unified hierarchy at /sys/fs/cgroup, as in
 * {@code .ci/cgroup2-vm}). The workload is {@code /report.sh cgroup} of {@link TestRootfs}, in a cgroup namespace, so
 * it reads its own cgroup's files: memory.max (limit), memory.low (reservation), memory.swap.max (swap minus limit),
 * cpu.weight (shares), cpu.max (quota and period), cpuset.cpus and cpuset.mems, pids.max, and whether device nodes the
 * config adds open under the device filter (one allowed for reading, one not in any rule). The two reports must be
 * equal line by line, like those of {@link RuncComparisonTest}.
 *
 * <p>Not in the config: {@code blockIO} (io.weight, io.max), {@code hugepageLimits} (hugetlb.*.max) and
 * {@code unified} (memory.high and any other file by name). jshim applies none of them on either layout and refuses a
 * config setting them (UnappliedPolicy: FAILED_PRECONDITION naming the field, unless the daemon runs with
 * {@code --allow-unapplied}); the report still prints memory.high, io.* and hugetlb.2MB.max, so both runtimes' defaults
 * for them are compared too.
 */
@Tag("privileged")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CgroupV2RuncComparisonTest {
  private static final Path ROOT = Path.of("/sys/fs/cgroup");
  private static final Path REPORTS = Path.of("target", "oci-reports").toAbsolutePath();
  private static final String RUN = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);

  @TempDir
  Path dir;

  private SideBySide both;

  @BeforeEach
  void setUp() throws IOException {
    Privileged.assumeRoot();
    assumeTrue(Files.exists(ROOT.resolve("cgroup.controllers")),
        "needs a pure cgroup v2 host (cgroup2 mounted at /sys/fs/cgroup; this host has v1 or hybrid cgroups): run it in"
            + " .ci/cgroup2-vm");
    String controllers = Files.readString(ROOT.resolve("cgroup.controllers"));
    for (String controller : new String[] {"cpu", "cpuset", "memory", "pids"}) {
      assumeTrue(controllers.contains(controller), "needs the " + controller + " controller in " + ROOT
          + "/cgroup.controllers (has: " + controllers.trim() + ")");
    }
    both = SideBySide.start(dir);
    Files.createDirectories(REPORTS);
  }

  @AfterEach
  void tearDown() throws IOException {
    if (both != null) {
      both.close();
    }
    Cgroups.removeTestParent();
  }

  @Test
  void everyAppliedV2Resource_runUnderRuncThenJshim_sameCgroupFilesAndDeviceAccess() throws IOException {
    String runcId = "runc-v2-" + RUN;
    String jshimId = "jshim-v2-" + RUN;
    Files.writeString(REPORTS.resolve("cgroup-v2.config.json"),
        Bundles.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config("<id>")));

    Path runcOut = dir.resolve(runcId + ".out");
    Runc.Result byRunc = both.runc().run(both.bundles().write(runcId, config(runcId)), runcId, runcOut,
        Duration.ofSeconds(120));
    String runcReport = RuncComparisonTest.normalise(Files.readString(runcOut, StandardCharsets.UTF_8), runcId);
    Files.writeString(REPORTS.resolve("cgroup-v2.runc.txt"), runcReport);
    assertThat(byRunc.exitStatus()).as("runc's own exit status; runc's stderr:%n%s", byRunc.stderr()).isZero();

    Path jshimOut = dir.resolve(jshimId + ".out");
    Path jshimErr = dir.resolve(jshimId + ".err");
    DaemonFixture fixture = both.fixture();
    int jshimExit;
    try {
      jshimExit = fixture.run(jshimId, both.bundles().write(jshimId, config(jshimId)), jshimOut, jshimErr);
    } catch (StatusRuntimeException e) {
      throw new AssertionError("jshim refused the config that runc ran: " + e.getStatus() + "\nrunc's report:\n"
          + runcReport, e);
    }
    String jshimReport = RuncComparisonTest.normalise(Files.readString(jshimOut, StandardCharsets.UTF_8), jshimId);
    String jshimStderr = Files.exists(jshimErr) ? Files.readString(jshimErr, StandardCharsets.UTF_8) : "";
    Files.writeString(REPORTS.resolve("cgroup-v2.jshim.txt"), jshimReport);

    assertThat(jshimExit).as("exit status under jshim; its stderr:%n%s", jshimStderr).isZero();
    assertThat(runcReport).as("runc's report has the v2 section").contains("memory.max 67108864");
    String diff = ReportDiff.unified("runc  cgroup-v2", runcReport, "jshim cgroup-v2", jshimReport);
    assertThat(diff).as("what the workload printed differs (- runc, + jshim); jshim's stderr:%n%s", jshimStderr)
        .isEmpty();
  }

  /**
   * runc's default config, the cgroups variant's limits raised to every field jshim applies on v2, a cgroup namespace
   * (so that /sys/fs/cgroup in the container is its own cgroup; runc spec and containerd's default spec have it on
   * v2), and two
   * device nodes: /dev/kmsg (1:11) allowed for reading, /dev/fuse (10:229) in no rule, so denied by the deny-all
   * rule of runc's default config.
   */
  private ObjectNode config(String id) throws IOException {
    ObjectNode config = both.bundles().config(Variant.CGROUPS, id);
    ObjectNode linux = (ObjectNode) config.get("linux");
    ArrayNode namespaces = (ArrayNode) linux.get("namespaces");
    // runc spec on a v2 host has it already, and runc refuses a namespace listed twice
    boolean hasCgroupNs = false;
    for (var ns : namespaces) {
      hasCgroupNs |= ns.path("type").asText().equals("cgroup");
    }
    if (!hasCgroupNs) {
      namespaces.addObject().put("type", "cgroup");
    }
    ObjectNode resources = (ObjectNode) linux.get("resources");
    resources.putObject("memory").put("limit", 64L << 20).put("reservation", 32L << 20).put("swap", 96L << 20);
    resources.putObject("cpu").put("shares", 512).put("quota", 50_000).put("period", 100_000).put("cpus", "0")
        .put("mems", "0");
    resources.putObject("pids").put("limit", 64);
    ArrayNode rules = resources.has("devices") ? (ArrayNode) resources.get("devices") : resources.putArray("devices");
    rules.addObject().put("allow", true).put("type", "c").put("major", 1).put("minor", 11).put("access", "r");
    ArrayNode devices = linux.has("devices") ? (ArrayNode) linux.get("devices") : linux.putArray("devices");
    devices.addObject().put("path", "/dev/kmsg").put("type", "c").put("major", 1).put("minor", 11)
        .put("fileMode", 0644).put("uid", 0).put("gid", 0);
    devices.addObject().put("path", "/dev/fuse").put("type", "c").put("major", 10).put("minor", 229)
        .put("fileMode", 0666).put("uid", 0).put("gid", 0);
    return config;
  }
}
