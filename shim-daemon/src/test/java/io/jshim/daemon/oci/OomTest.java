package io.jshim.daemon.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jshim.daemon.DaemonFixture;
import io.jshim.daemon.Privileged;
import io.jshim.proto.task.v2.CreateTaskRequest;
import io.jshim.proto.task.v2.DeleteRequest;
import io.jshim.proto.task.v2.DeleteResponse;
import io.jshim.proto.task.v2.StartRequest;
import io.jshim.proto.task.v2.StateRequest;
import io.jshim.proto.task.v2.StateResponse;
import io.jshim.proto.task.v2.TaskGrpc;
import io.jshim.proto.task.v2.WaitRequest;
import io.jshim.proto.task.v2.WaitResponse;
import io.jshim.proto.types.task.Status;
import io.jshim.proto.v1.DaemonStatusGrpc;
import io.jshim.proto.v1.GetStatusRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A workload that outgrows {@code linux.resources.memory.limit} is killed by the kernel's OOM killer,
 * and the task reports it as a death by SIGKILL: 137.
 *
 * <p>The workload is busybox's shell doubling a string until it dies: it is pid 1 itself that
 * allocates (so the OOM kill is the container's exit, not a child's status passed on), and it needs
 * nothing from /dev. The limit is 32 MiB with memory+swap the same, so swap cannot hide the overrun.
 * RLIMIT_AS at 512 MiB is a safety net for a runtime that does not apply the memory limit: the shell then
 * fails its allocation and exits with an error instead of eating the machine's memory.
 */
@Tag("privileged")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OomTest {
  private static final long LIMIT = 32L << 20;
  private static final long SAFETY_NET = 512L << 20;

  @TempDir
  Path dir;

  private Bundles bundles;
  private DaemonFixture fixture;

  @BeforeEach
  void setUp() throws IOException {
    Privileged.assumeRoot();
    TestRootfs.assumeBusybox();
    TestRootfs.setMode(dir, 0755);
    bundles = new Bundles(dir.resolve("bundles"), Runc.binary().orElse(null));
  }

  @AfterEach
  void tearDown() {
    if (fixture != null) {
      fixture.close();
    }
    Cgroups.removeTestParent();
  }

  @Test
  void memoryLimit_workloadAllocatesFarMore_waitAndStateReportSigkill137() throws IOException {
    fixture = DaemonFixture.start(dir.resolve("daemon"));
    TaskGrpc.TaskBlockingStub tasks = fixture.stub();
    String id = "oom-jshim";
    Path bundle = bundles.write(id, config(id));

    tasks.create(CreateTaskRequest.newBuilder().setId(id).setBundle(bundle.toString())
        .setStdout(dir.resolve("out").toString()).setStderr(dir.resolve("err").toString()).build());
    tasks.start(StartRequest.newBuilder().setId(id).build());
    WaitResponse exit = tasks.wait(WaitRequest.newBuilder().setId(id).build());
    StateResponse state = tasks.state(StateRequest.newBuilder().setId(id).build());
    long oomKills = DaemonStatusGrpc.newBlockingStub(fixture.channel()).get(GetStatusRequest.getDefaultInstance()).getOomKills();
    DeleteResponse deleted = tasks.delete(DeleteRequest.newBuilder().setId(id).build());

    String stderr = Files.readString(dir.resolve("err"));
    assertThat(exit.getExitStatus()).as("Wait's exit status; the workload's stderr: %s", stderr).isEqualTo(137);
    assertThat(state.getStatus()).isEqualTo(Status.STOPPED);
    assertThat(state.getExitStatus()).as("State's exit status").isEqualTo(137);
    assertThat(deleted.getExitStatus()).as("Delete's exit status").isEqualTo(137);
    assertThat(oomKills).as("OOM kills the daemon counted in the task's cgroup").isPositive();
  }

  @Test
  void memoryLimit_sameBundleUnderRunc_killedWith137() throws IOException {
    Path binary = Runc.binary().orElse(null);
    assumeTrue(binary != null, "runc is not installed: this only checks the bundle against the reference runtime");
    Runc runc = Runc.in(binary, dir.resolve("runc"));
    String id = "oom-runc";
    Path bundle = bundles.write(id, config(id));
    try {
      Runc.Result result = runc.run(bundle, id, dir.resolve("runc-out"), Duration.ofSeconds(30));

      assertThat(result.exitStatus()).as("runc's exit status; its stderr: %s", result.stderr()).isEqualTo(137);
    } finally {
      runc.deleteAll();
    }
  }

  private static ObjectNode config(String id) {
    ObjectNode config = Bundles.minimal("/bin/sh", "-c", "x=a; while :; do x=$x$x; done");
    ObjectNode linux = (ObjectNode) config.get("linux");
    linux.put("cgroupsPath", "/" + Bundles.CGROUP_PARENT + "/" + id);
    linux.putObject("resources").putObject("memory").put("limit", LIMIT).put("swap", LIMIT);
    ((ObjectNode) config.get("process")).putArray("rlimits").addObject()
        .put("type", "RLIMIT_AS").put("soft", SAFETY_NET).put("hard", SAFETY_NET);
    return config;
  }
}
