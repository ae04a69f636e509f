package io.jshim.daemon.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.jshim.daemon.DaemonFixture;
import io.jshim.daemon.Privileged;
import io.jshim.proto.task.v2.CreateTaskRequest;
import io.jshim.proto.task.v2.DeleteRequest;
import io.jshim.proto.task.v2.KillRequest;
import io.jshim.proto.task.v2.StartRequest;
import io.jshim.proto.task.v2.StateRequest;
import io.jshim.proto.task.v2.TaskGrpc;
import io.jshim.proto.task.v2.WaitRequest;
import io.jshim.proto.v1.DaemonStatusGrpc;
import io.jshim.proto.v1.GetStatusRequest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Clients that die, containers that fork wide or ignore SIGTERM: the daemon still reports every exit and reaps everything. */
@Tag("privileged")
@Tag("stress")
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FaultsTest {
  @TempDir
  Path dir;

  private ExternalDaemon daemon;
  private TaskGrpc.TaskBlockingStub tasks;

  @BeforeEach
  void startDaemon() throws Exception {
    Privileged.assumeRoot();
    daemon = ExternalDaemon.start(dir.resolve("daemon"), false);
    tasks = daemon.stub();
  }

  @AfterEach
  void stopDaemon() throws InterruptedException {
    if (daemon != null) {
      daemon.close();
    }
  }

  @Test
  void wait_clientProcessSigkilledWhileWaiting_aNewClientGetsTheExitStatus() throws Exception {
    start("waited", bundle("waited", "/bin/busybox", "sh", "-c", "sleep 5; exit 7"));
    Process client = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), WaitClient.class.getName(), daemon.socket().toString(), "waited")
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
    assertThat(out.readLine()).isEqualTo("waiting");
    Thread.sleep(1000);

    client.destroyForcibly();
    assertThat(client.waitFor(10, TimeUnit.SECONDS)).isTrue();

    assertThat(client.exitValue()).as("the client died of SIGKILL inside Wait, not after it").isEqualTo(137);
    assertThat(tasks.wait(WaitRequest.newBuilder().setId("waited").build()).getExitStatus()).isEqualTo(7);
    assertThat(tasks.delete(DeleteRequest.newBuilder().setId("waited").build()).getExitStatus()).isEqualTo(7);
    assertLifecycleSucceeds();
  }

  @Test
  void exit_containerLeavesAThousandChildren_daemonReapsEveryOrphan() throws Exception {
    ProcView proc = new ProcView(daemon.pid());
    long reapedBefore = reaped();
    // no pid namespace: the children outlive the container's init, are re-parented to the daemon (subreaper) and
    // killed by it (containerd's rule for a task without its own pid namespace). They must outlive the fork loop:
    // a child that exits while the shell runs is reaped by the shell (under load the loop took over a second and
    // the shell reaped 700 of 1000 one-second sleeps).
    start("forker", bundle("forker", "/bin/busybox", "sh", "-c",
        "i=0; while [ $i -lt 1000 ]; do /bin/busybox sleep 120 & i=$((i+1)); done; exit 0"));

    assertThat(tasks.wait(WaitRequest.newBuilder().setId("forker").build()).getExitStatus()).isZero();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!proc.childrenButWitness().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }

    assertThat(proc.childrenButWitness()).as("children of the daemon but its exit witness (zombies are state Z)")
        .isEmpty();
    assertThat(reaped() - reapedBefore).as("processes the daemon reaped").isGreaterThanOrEqualTo(1001);
    assertThat(tasks.delete(DeleteRequest.newBuilder().setId("forker").build()).getExitStatus()).isZero();
    assertLifecycleSucceeds();
  }

  @Test
  void delete_childOfTheContainerStillInItsCgroup_childKilledAndCgroupRemoved() throws Exception {
    start("lingerer", bundle("lingerer", Privileged.testbin().toString(), "orphan", "60"));
    assertThat(tasks.wait(WaitRequest.newBuilder().setId("lingerer").build()).getExitStatus()).isZero();

    tasks.delete(DeleteRequest.newBuilder().setId("lingerer").build());

    assertThat(Leftovers.taskCgroups(daemon.pid())).as("cgroups of the deleted task")
        .noneMatch(c -> c.endsWith("/lingerer"));
    assertLifecycleSucceeds();
  }

  @Test
  void kill_containerIgnoresSigterm_termDoesNothingAndKillEndsItWith137() throws Exception {
    Path out = dir.resolve("stubborn.out");
    tasks.create(CreateTaskRequest.newBuilder().setId("stubborn").setStdout(out.toString())
        .setBundle(bundle("stubborn", Privileged.testbin().toString(), "ignore-term", "60").toString()).build());
    tasks.start(StartRequest.newBuilder().setId("stubborn").build());
    awaitText(out, "ready");

    tasks.kill(KillRequest.newBuilder().setId("stubborn").setSignal(15).build());

    assertThatThrownBy(() -> tasks.withDeadlineAfter(2, TimeUnit.SECONDS).wait(WaitRequest.newBuilder().setId("stubborn").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    assertThat(tasks.state(StateRequest.newBuilder().setId("stubborn").build()).getStatus()).isEqualTo(io.jshim.proto.types.task.Status.RUNNING);
    tasks.kill(KillRequest.newBuilder().setId("stubborn").setSignal(9).build());
    assertThat(tasks.wait(WaitRequest.newBuilder().setId("stubborn").build()).getExitStatus()).isEqualTo(137);
    assertThat(tasks.delete(DeleteRequest.newBuilder().setId("stubborn").build()).getExitStatus()).isEqualTo(137);
  }

  // uts, ipc and mount but no pid namespace: as pid 1 of its own namespace the kernel would drop SIGTERM anyway
  private Path bundle(String name, String... args) throws Exception {
    return new DaemonFixture.BundleBuilder(dir.resolve("bundle-" + name), List.of(args)).namespaces("uts", "ipc", "mount").write();
  }

  private void start(String id, Path bundle) {
    tasks.create(CreateTaskRequest.newBuilder().setId(id).setBundle(bundle.toString()).build());
    tasks.start(StartRequest.newBuilder().setId(id).build());
  }

  private long reaped() {
    return DaemonStatusGrpc.newBlockingStub(daemon.channel()).withDeadlineAfter(30, TimeUnit.SECONDS)
        .get(GetStatusRequest.getDefaultInstance()).getReaper().getReaped();
  }

  private void assertLifecycleSucceeds() throws Exception {
    Path bundle = bundle("after", Privileged.testbin().toString(), "exit", "0");
    assertThat(Lifecycles.once(tasks, "after", bundle)).isZero();
  }

  private static void awaitText(Path file, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!(Files.exists(file) && Files.readString(file).contains(text))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(file + " never said " + text);
      }
      Thread.sleep(50);
    }
  }
}
