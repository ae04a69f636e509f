package io.jshim.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.jshim.proto.cgroups.v1.Metrics;
import io.jshim.proto.task.v2.CreateTaskRequest;
import io.jshim.proto.task.v2.DeleteRequest;
import io.jshim.proto.task.v2.KillRequest;
import io.jshim.proto.task.v2.PauseRequest;
import io.jshim.proto.task.v2.ResumeRequest;
import io.jshim.proto.task.v2.StartRequest;
import io.jshim.proto.task.v2.StateRequest;
import io.jshim.proto.task.v2.StatsRequest;
import io.jshim.proto.task.v2.TaskGrpc;
import io.jshim.proto.task.v2.UpdateTaskRequest;
import io.jshim.proto.task.v2.WaitRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tasks in real cgroups: resources, Stats, Update, Pause/Resume, Kill --all, cleanup. On both layouts: a v1 or hybrid
 * host (every controller on v1, as on the build machines) and a pure cgroup v2 host (every controller on the unified
 * hierarchy at /sys/fs/cgroup, as in {@code .ci/cgroup2-vm}), each with its own file names and Metrics message.
 */
@Tag("privileged")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CgroupTaskTest {
  private static final Path ROOT = Path.of("/sys/fs/cgroup");
  /** Pure cgroup v2: the cgroup2 mount is /sys/fs/cgroup itself (on a hybrid host it is a tmpfs of mount points). */
  private static final boolean V2 = Files.exists(ROOT.resolve("cgroup.controllers"));
  private static final Path MEMORY = V2 ? ROOT : ROOT.resolve("memory");
  private static final Path PIDS = V2 ? ROOT : ROOT.resolve("pids");
  private static final String MEMORY_LIMIT = V2 ? "memory.max" : "memory.limit_in_bytes";

  @TempDir
  Path dir;

  private DaemonFixture fixture;
  private TaskGrpc.TaskBlockingStub tasks;
  private final String parent = "jshim-it-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeEach
  void startDaemon() throws IOException {
    Privileged.assumeRoot();
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(MEMORY) && Files.isDirectory(PIDS),
        "needs cgroup v1 memory and pids hierarchies or a pure cgroup v2 host");
    fixture = DaemonFixture.start(dir);
    tasks = fixture.stub();
  }

  @AfterEach
  void stopDaemon() throws IOException {
    if (fixture != null) {
      fixture.close();
    }
    // the daemon keeps parents (they may be shared); the test removes its own
    if (V2) {
      Files.deleteIfExists(ROOT.resolve(parent));
      return;
    }
    try (var hierarchies = Files.list(ROOT)) {
      for (Path root : hierarchies.toList()) {
        Files.deleteIfExists(root.resolve(parent));
      }
    }
  }

  @Test
  void create_resourcesAndCgroupsPath_limitsWrittenAndWorkloadInsideUntilDelete() throws IOException {
    String path = "/" + parent + "/limits";
    start("limits", path, "{\"memory\":{\"limit\":67108864},\"pids\":{\"limit\":20}}");
    int pid = tasks.state(StateRequest.newBuilder().setId("limits").build()).getPid();

    assertThat(Files.readString(MEMORY.resolve(parent + "/limits/" + MEMORY_LIMIT)).trim()).isEqualTo("67108864");
    assertThat(Files.readString(PIDS.resolve(parent + "/limits/pids.max")).trim()).isEqualTo("20");
    if (V2) {
      assertThat(Files.readString(Path.of("/proc/" + pid + "/cgroup"))).isEqualTo("0::" + path + "\n");
    } else {
      assertThat(Files.readString(Path.of("/proc/" + pid + "/cgroup"))).contains(":memory:" + path + "\n", ":pids:" + path + "\n");
    }

    stop("limits");
    assertThat(MEMORY.resolve(parent + "/limits")).doesNotExist();
    assertThat(PIDS.resolve(parent + "/limits")).doesNotExist();
  }

  @Test
  void stats_runningTask_v1MetricsWithBareTypeUrl() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeFalse(V2, "a pure cgroup v2 host reports v2 Metrics (the v2 test)");
    start("stats", "/" + parent + "/stats", "{\"memory\":{\"limit\":67108864},\"pids\":{\"limit\":20}}");

    Any any = tasks.stats(StatsRequest.newBuilder().setId("stats").build()).getStats();

    assertThat(any.getTypeUrl()).isEqualTo("io.containerd.cgroups.v1.Metrics");
    Metrics metrics = Metrics.parseFrom(any.getValue());
    assertThat(metrics.getPids().getCurrent()).isEqualTo(1);
    assertThat(metrics.getPids().getLimit()).isEqualTo(20);
    assertThat(metrics.getMemory().getUsage().getLimit()).isEqualTo(67108864);
    assertThat(metrics.getMemory().getUsage().getUsage()).isPositive();
    stop("stats");
  }

  @Test
  void stats_runningTaskOnV2_v2MetricsWithBareTypeUrl() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(V2, "v2 Metrics come only from a pure cgroup v2 host");
    boolean hugetlb = Files.readString(ROOT.resolve("cgroup.controllers")).contains("hugetlb");
    start("stats2", "/" + parent + "/stats2", "{\"memory\":{\"limit\":67108864},\"pids\":{\"limit\":20}"
        + (hugetlb ? ",\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":4194304}]" : "") + "}");

    Any any = tasks.stats(StatsRequest.newBuilder().setId("stats2").build()).getStats();

    assertThat(any.getTypeUrl()).isEqualTo("io.containerd.cgroups.v2.Metrics");
    io.jshim.proto.cgroups.v2.Metrics metrics = io.jshim.proto.cgroups.v2.Metrics.parseFrom(any.getValue());
    assertThat(metrics.getPids().getCurrent()).isEqualTo(1);
    assertThat(metrics.getPids().getLimit()).isEqualTo(20);
    assertThat(metrics.getMemory().getUsageLimit()).isEqualTo(67108864);
    assertThat(metrics.getMemory().getUsage()).isPositive();
    assertThat(metrics.getCpu().getUsageUsec()).isPositive();
    if (hugetlb) {
      assertThat(metrics.getHugetlbList()).anySatisfy(h -> {
        assertThat(h.getPagesize()).isEqualTo("2MB");
        assertThat(h.getMax()).as("v2: the limit").isEqualTo(4194304);
        assertThat(h.getCurrent()).isZero();
      });
    }
    stop("stats2");
  }

  @Test
  void killAll_containerWithAChild_everyProcessOfTheCgroupKilledAndCgroupRemoved() throws Exception {
    Path bundle = fixture.bundle("/bin/sh", "-c", "sleep 60 & wait").namespaces("pid", "mount")
        .customize(c -> c.with("linux").put("cgroupsPath", "/" + parent + "/all")).write();
    tasks.create(CreateTaskRequest.newBuilder().setId("all").setBundle(bundle.toString()).build());
    tasks.start(StartRequest.newBuilder().setId("all").build());
    Path procs = PIDS.resolve(parent + "/all/cgroup.procs");
    for (int attempt = 0; attempt < 500 && Files.readAllLines(procs).size() < 2; attempt++) {
      Thread.sleep(20);
    }
    assertThat(Files.readAllLines(procs)).as("the shell and its sleep").hasSize(2);

    tasks.kill(KillRequest.newBuilder().setId("all").setSignal(9).setAll(true).build());

    assertThat(tasks.wait(WaitRequest.newBuilder().setId("all").build()).getExitStatus()).isEqualTo(137);
    tasks.delete(DeleteRequest.newBuilder().setId("all").build());
    assertThat(PIDS.resolve(parent + "/all")).doesNotExist();
  }

  @Test
  void update_newPidsAndMemoryLimits_writtenToTheCgroup() throws IOException {
    start("update", "/" + parent + "/update", "{\"pids\":{\"limit\":20}}");

    tasks.update(UpdateTaskRequest.newBuilder().setId("update").setResources(Any.newBuilder()
        .setTypeUrl("types.containerd.io/opencontainers/runtime-spec/1/LinuxResources")
        .setValue(ByteString.copyFrom("{\"pids\":{\"limit\":33},\"memory\":{\"limit\":33554432}}", StandardCharsets.UTF_8)))
        .build());

    assertThat(Files.readString(PIDS.resolve(parent + "/update/pids.max")).trim()).isEqualTo("33");
    assertThat(Files.readString(MEMORY.resolve(parent + "/update/" + MEMORY_LIMIT)).trim()).isEqualTo("33554432");
    assertCode(() -> tasks.update(UpdateTaskRequest.newBuilder().setId("update").setResources(Any.newBuilder()
        .setValue(ByteString.copyFromUtf8("{\"memory\":{\"limit\":-7}}"))).build()), Status.Code.INVALID_ARGUMENT);
    stop("update");
  }

  @Test
  void createAndUpdate_blockIoThrottlesOnARealDisk_writtenToTheKernelsFiles() throws IOException {
    String device = firstBlockDevice();
    String[] mm = device.split(":");
    start("blkio", "/" + parent + "/blkio", "{\"blockIO\":{\"throttleReadBpsDevice\":[{\"major\":" + mm[0]
        + ",\"minor\":" + mm[1] + ",\"rate\":1048576}]}}");
    Path dir = (V2 ? ROOT : ROOT.resolve("blkio")).resolve(parent + "/blkio");

    tasks.update(UpdateTaskRequest.newBuilder().setId("blkio").setResources(Any.newBuilder()
        .setValue(ByteString.copyFromUtf8("{\"blockIO\":{\"throttleWriteIOPSDevice\":[{\"major\":" + mm[0]
            + ",\"minor\":" + mm[1] + ",\"rate\":300}]}}"))).build());

    if (V2) {
      assertThat(Files.readString(dir.resolve("io.max")).trim())
          .isEqualTo(device + " rbps=1048576 wbps=max riops=max wiops=300");
    } else {
      assertThat(Files.readString(dir.resolve("blkio.throttle.read_bps_device")).trim()).isEqualTo(device + " 1048576");
      assertThat(Files.readString(dir.resolve("blkio.throttle.write_iops_device")).trim()).isEqualTo(device + " 300");
    }
    stop("blkio");
  }

  @Test
  void create_hugepageLimit_writtenWhereTheHugetlbControllerIs() throws IOException {
    Path dir = V2 ? ROOT : ROOT.resolve("hugetlb");
    org.junit.jupiter.api.Assumptions.assumeTrue(V2 ? Files.readString(ROOT.resolve("cgroup.controllers"))
        .contains("hugetlb") : Files.isDirectory(dir), "needs the hugetlb controller (on v1 hybrid hosts it is often"
        + " left on the cgroup2 hierarchy)");
    start("huge", "/" + parent + "/huge", "{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":4194304}]}");

    String suffix = V2 ? "max" : "limit_in_bytes";
    assertThat(Files.readString(dir.resolve(parent + "/huge/hugetlb.2MB." + suffix)).trim()).isEqualTo("4194304");
    // the reservation limit too where the kernel has one (5.7+); runc 1.1.5 leaves it unlimited
    Path rsvd = dir.resolve(parent + "/huge/hugetlb.2MB.rsvd." + suffix);
    if (Files.exists(rsvd)) {
      assertThat(Files.readString(rsvd).trim()).isEqualTo("4194304");
    }
    stop("huge");
  }

  @Test
  void create_unifiedMemoryHigh_writtenOnV2AndRefusedOnV1() throws IOException {
    String resources = "{\"memory\":{\"limit\":67108864},\"unified\":{\"memory.high\":\"50331648\"}}";
    if (!V2) {
      assertThatThrownBy(() -> start("high", "/" + parent + "/high", resources))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(e.getStatus().getDescription()).contains("linux.resources.unified: [memory.high]", "cgroup v1");
          });
      assertThat(MEMORY.resolve(parent + "/high")).as("nothing left of the refused task").doesNotExist();
      return;
    }
    start("high", "/" + parent + "/high", resources);

    assertThat(Files.readString(ROOT.resolve(parent + "/high/memory.high")).trim()).isEqualTo("50331648");
    assertThat(Files.readString(ROOT.resolve(parent + "/high/memory.max")).trim()).isEqualTo("67108864");
    stop("high");
  }

  /** MAJOR:MINOR of the first whole block device the kernel lists (the VM's disk; null_blk in .ci/cgroup2-vm). */
  private static String firstBlockDevice() throws IOException {
    try (var devices = Files.list(Path.of("/sys/block"))) {
      for (Path d : devices.sorted().toList()) {
        Path dev = d.resolve("dev");
        String name = d.getFileName().toString();
        if (Files.exists(dev) && !name.startsWith("loop") && !name.startsWith("ram")) {
          return Files.readString(dev).trim();
        }
      }
    }
    org.junit.jupiter.api.Assumptions.abort("needs a block device in /sys/block to throttle");
    throw new AssertionError("unreachable");
  }

  @Test
  void pauseResume_runningTask_frozenThenThawedAndKillWhilePausedReports137() throws IOException {
    start("freeze", "/" + parent + "/freeze", "{}");

    tasks.pause(PauseRequest.newBuilder().setId("freeze").build());
    assertThat(tasks.state(StateRequest.newBuilder().setId("freeze").build()).getStatus())
        .isEqualTo(io.jshim.proto.types.task.Status.PAUSED);
    if (V2) {
      assertThat(ROOT.resolve(parent + "/freeze/cgroup.events")).content().contains("frozen 1");
    } else {
      assertThat(ROOT.resolve("freezer/" + parent + "/freeze/freezer.state")).content().isEqualToIgnoringWhitespace("FROZEN");
    }
    assertCode(() -> tasks.pause(PauseRequest.newBuilder().setId("freeze").build()), Status.Code.FAILED_PRECONDITION);
    tasks.resume(ResumeRequest.newBuilder().setId("freeze").build());
    assertThat(tasks.state(StateRequest.newBuilder().setId("freeze").build()).getStatus())
        .isEqualTo(io.jshim.proto.types.task.Status.RUNNING);
    assertCode(() -> tasks.resume(ResumeRequest.newBuilder().setId("freeze").build()), Status.Code.FAILED_PRECONDITION);

    tasks.pause(PauseRequest.newBuilder().setId("freeze").build());
    tasks.kill(KillRequest.newBuilder().setId("freeze").setSignal(9).build());
    assertThat(tasks.wait(WaitRequest.newBuilder().setId("freeze").build()).getExitStatus()).isEqualTo(137);
    tasks.delete(DeleteRequest.newBuilder().setId("freeze").build());
  }

  @Test
  void create_noCgroupsPath_defaultCgroupPerTaskRemovedOnDelete() throws IOException {
    Path bundle = fixture.bundle(Privileged.testbin().toString(), "sleep", "60").namespaces("pid").write();
    tasks.create(CreateTaskRequest.newBuilder().setId("plain").setBundle(bundle.toString()).build());
    int pid = tasks.state(StateRequest.newBuilder().setId("plain").build()).getPid();
    String tag = V2 ? "0::" : ":pids:";
    String line = Files.readAllLines(Path.of("/proc/" + pid + "/cgroup")).stream()
        .filter(l -> l.contains(tag)).findFirst().orElseThrow();
    Path cgroup = PIDS.resolve(line.substring(line.indexOf(tag) + tag.length() + 1));

    assertThat(line).endsWith("/jshim/plain");
    assertThat(cgroup.resolve("cgroup.procs")).content().contains(Integer.toString(pid));

    tasks.kill(KillRequest.newBuilder().setId("plain").setSignal(9).build());
    tasks.delete(DeleteRequest.newBuilder().setId("plain").build());
    assertThat(cgroup).doesNotExist();
  }

  private void start(String id, String cgroupsPath, String resources) throws IOException {
    Path bundle = fixture.bundle(Privileged.testbin().toString(), "sleep", "60").namespaces("pid")
        .customize(c -> {
          try {
            c.with("linux").put("cgroupsPath", cgroupsPath).set("resources",
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(resources));
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        }).write();
    tasks.create(CreateTaskRequest.newBuilder().setId(id).setBundle(bundle.toString()).build());
    tasks.start(StartRequest.newBuilder().setId(id).build());
  }

  private void stop(String id) {
    tasks.kill(KillRequest.newBuilder().setId(id).setSignal(9).build());
    tasks.wait(WaitRequest.newBuilder().setId(id).build());
    tasks.delete(DeleteRequest.newBuilder().setId(id).build());
  }

  private static void assertCode(Runnable call, Status.Code expected) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(expected));
  }
}
