package io.jshim.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.jshim.proto.task.v2.CreateTaskRequest;
import io.jshim.proto.task.v2.DeleteRequest;
import io.jshim.proto.task.v2.ExecProcessRequest;
import io.jshim.proto.task.v2.KillRequest;
import io.jshim.proto.task.v2.StartRequest;
import io.jshim.proto.task.v2.StateRequest;
import io.jshim.proto.task.v2.StateResponse;
import io.jshim.proto.task.v2.TaskGrpc;
import io.jshim.proto.task.v2.WaitRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon SIGKILLed with tasks in every phase, and a new daemon on the same state directory: what it finds again
 * (see README, "What survives a restart").
 */
@Tag("privileged")
@Timeout(120)
class DaemonRestartTest {
  private static final int UNKNOWN = 255;

  @TempDir
  Path dir;

  @Test
  void restart_afterSigkill_exitedRunningGoneAndHeldTasksAreFoundAgain() throws Exception {
    Privileged.assumeRoot();
    Files.createDirectories(dir.resolve("logs"));
    Process first = startDaemonProcess();
    int runningPid;
    int longExecPid;
    String firstWitness;
    ManagedChannel channel = channel();
    try {
      TaskGrpc.TaskBlockingStub tasks = TaskGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
      create(tasks, "exited", "exit", "3");
      tasks.start(StartRequest.newBuilder().setId("exited").build());
      assertThat(tasks.wait(WaitRequest.newBuilder().setId("exited").build()).getExitStatus()).isEqualTo(3);
      create(tasks, "running", "sleep", "600");
      runningPid = tasks.start(StartRequest.newBuilder().setId("running").build()).getPid();
      tasks.exec(execRequest("running", "long", "sleep", "600"));
      longExecPid = tasks.start(StartRequest.newBuilder().setId("running").setExecId("long").build()).getPid();
      // ends while no daemon runs: the first daemon's witness records it too
      tasks.exec(execRequest("running", "short", "last-thread", "6", "1"));
      tasks.start(StartRequest.newBuilder().setId("running").setExecId("short").build());
      // ends by itself after the restart, its main thread long gone: the last thread's status is the process's
      create(tasks, "ending", "last-thread", "4", "6");
      tasks.start(StartRequest.newBuilder().setId("ending").build());
      create(tasks, "gone", "sleep", "1");
      int gonePid = tasks.start(StartRequest.newBuilder().setId("gone").build()).getPid();
      create(tasks, "held", "exit", "0");
      firstWitness = Files.readString(dir.resolve("state/witness")).trim();
      first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      // "gone" ends while no daemon watches it
      awaitGone(gonePid);
    } finally {
      channel.shutdownNow();
    }
    assertThat(ProcessHandle.of(runningPid)).as("a container outlives its daemon").isPresent();

    try (DaemonFixture second = DaemonFixture.start(dir)) {
      TaskGrpc.TaskBlockingStub tasks = second.stub();
      StateResponse exited = state(tasks, "exited");
      assertThat(exited.getStatus()).isEqualTo(io.jshim.proto.types.task.Status.STOPPED);
      assertThat(exited.getExitStatus()).as("the exit recorded when it was reaped").isEqualTo(3);
      assertThat(tasks.wait(WaitRequest.newBuilder().setId("exited").build()).getExitStatus()).isEqualTo(3);
      assertThat(tasks.delete(DeleteRequest.newBuilder().setId("exited").build()).getExitStatus()).isEqualTo(3);

      StateResponse gone = awaitState(tasks, "gone", io.jshim.proto.types.task.Status.STOPPED);
      assertThat(gone.getExitStatus()).as("exited while no daemon ran: the first daemon's exit witness saw it")
          .isEqualTo(0);
      assertThat(Files.readString(dir.resolve("state/witness"))).as("the new daemon's witness")
          .doesNotStartWith(firstWitness.split(" ")[0] + " ");
      awaitGone(Integer.parseInt(firstWitness.split(" ")[0]));
      tasks.delete(DeleteRequest.newBuilder().setId("gone").build());

      StateResponse running = state(tasks, "running");
      assertThat(running.getStatus()).isEqualTo(io.jshim.proto.types.task.Status.RUNNING);
      assertThat(running.getPid()).isEqualTo(runningPid);
      assertThat(tasks.wait(WaitRequest.newBuilder().setId("running").setExecId("short").build()).getExitStatus())
          .as("an exec that ended while no daemon ran, from the witness").isEqualTo(6);
      tasks.delete(DeleteRequest.newBuilder().setId("running").setExecId("short").build());

      // the exec that ran when the daemon died: adopted like the init, its status from the exit notice
      StateResponse longExec = tasks.state(StateRequest.newBuilder().setId("running").setExecId("long").build());
      assertThat(longExec.getStatus()).isEqualTo(io.jshim.proto.types.task.Status.RUNNING);
      assertThat(longExec.getPid()).isEqualTo(longExecPid);
      tasks.kill(KillRequest.newBuilder().setId("running").setExecId("long").setSignal(9).build());
      assertThat(tasks.wait(WaitRequest.newBuilder().setId("running").setExecId("long").build()).getExitStatus())
          .isEqualTo(128 + 9);
      tasks.delete(DeleteRequest.newBuilder().setId("running").setExecId("long").build());
      assertThat(Files.readString(dir.resolve("state/tasks/running/task.json"))).as("the deleted exec's record goes")
          .doesNotContain("\"long\"");

      // an exec joins the adopted init's namespaces; it counts only if the init's pidfd is still live afterwards
      tasks.exec(execRequest("running", "e", "exit", "5"));
      int execPid = tasks.start(StartRequest.newBuilder().setId("running").setExecId("e").build()).getPid();
      assertThat(execPid).isPositive().isNotEqualTo(runningPid);
      assertThat(tasks.wait(WaitRequest.newBuilder().setId("running").setExecId("e").build()).getExitStatus())
          .as("an exec of a restored task is our child").isEqualTo(5);
      tasks.delete(DeleteRequest.newBuilder().setId("running").setExecId("e").build());
      tasks.kill(KillRequest.newBuilder().setId("running").setSignal(9).build());
      assertThat(tasks.wait(WaitRequest.newBuilder().setId("running").build()).getExitStatus())
          .as("adopted: its status from the kernel's exit notice").isEqualTo(128 + 9);
      awaitGone(runningPid);
      tasks.delete(DeleteRequest.newBuilder().setId("running").build());

      boolean endingAdopted = state(tasks, "ending").getStatus() == io.jshim.proto.types.task.Status.RUNNING;
      int ending = tasks.wait(WaitRequest.newBuilder().setId("ending").build()).getExitStatus();
      // only if the restart took over 6 s did it end unwatched
      assertThat(ending).as("adopted while running: %s", endingAdopted).isEqualTo(endingAdopted ? 4 : UNKNOWN);
      tasks.delete(DeleteRequest.newBuilder().setId("ending").build());

      // a held process waits for its daemon's go: it ends when that daemon dies
      StateResponse held = awaitState(tasks, "held", io.jshim.proto.types.task.Status.STOPPED);
      assertThat(held.getStatus()).isEqualTo(io.jshim.proto.types.task.Status.STOPPED);
      assertThat(held.getExitStatus()).isEqualTo(UNKNOWN);
      assertThatThrownBy(() -> tasks.start(StartRequest.newBuilder().setId("held").build()))
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
      tasks.delete(DeleteRequest.newBuilder().setId("held").build());

      try (Stream<Path> left = Files.list(dir.resolve("state/tasks"))) {
        assertThat(left).as("every record removed with its task").isEmpty();
      }
      assertThat(cgroupDirs()).as("every task cgroup removed").isEmpty();
    }
  }

  @Test
  void restart_withContainerdEvents_exitOfEveryRestoredTaskIsForwarded() throws Exception {
    Privileged.assumeRoot();
    Files.createDirectories(dir.resolve("logs"));
    Process first = startDaemonProcess();
    int runningPid;
    ManagedChannel channel = channel();
    try {
      TaskGrpc.TaskBlockingStub tasks = TaskGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
      create(tasks, "exited", "exit", "3");
      tasks.start(StartRequest.newBuilder().setId("exited").build());
      tasks.wait(WaitRequest.newBuilder().setId("exited").build());
      create(tasks, "running", "sleep", "600");
      runningPid = tasks.start(StartRequest.newBuilder().setId("running").build()).getPid();
      // the exit of "exited" may have reached no containerd: this daemon had none
      first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    } finally {
      channel.shutdownNow();
    }

    try (ContainerdEvents events = ContainerdEvents.start(dir.resolve("run/containerd-events.sock"))) {
      Process second = startDaemonProcess("--events-address", events.socket().toString(), "--namespace", "restart");
      channel = channel();
      try {
        TaskGrpc.TaskBlockingStub tasks = TaskGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
        assertThat(events.awaitExit("exited").getExitStatus()).as("sent again by the restored daemon").isEqualTo(3);
        assertThat(events.exitOf("running", "running")).as("still running").isEmpty();

        tasks.kill(KillRequest.newBuilder().setId("running").setSignal(9).build());

        assertThat(events.awaitExit("running").getExitStatus()).isEqualTo(128 + 9);
        assertThat(events.awaitExit("running").getPid()).isEqualTo(runningPid);
        tasks.delete(DeleteRequest.newBuilder().setId("exited").build());
        tasks.delete(DeleteRequest.newBuilder().setId("running").build());
      } finally {
        channel.shutdownNow();
        second.destroy();
        second.waitFor(10, TimeUnit.SECONDS);
      }
    }
    assertThat(cgroupDirs()).as("every task cgroup removed").isEmpty();
  }

  @Test
  void restart_recordsAreReadable_taskJsonHasTheExit() throws Exception {
    Privileged.assumeRoot();
    try (DaemonFixture daemon = DaemonFixture.start(dir)) {
      TaskGrpc.TaskBlockingStub tasks = daemon.stub();
      Path bundle = daemon.bundle(Privileged.testbin().toString(), "exit", "4").namespaces("pid").write();
      tasks.create(CreateTaskRequest.newBuilder().setId("rec").setBundle(bundle.toString()).build());
      String created = Files.readString(dir.resolve("state/tasks/rec/task.json"));
      assertThat(created).contains("\"phase\" : \"created\"").doesNotContain("exitStatus");
      assertThat(Files.readString(dir.resolve("state/tasks/rec/cleanup"))).containsPattern("(?m)^init \\d+ \\d+$");
      tasks.start(StartRequest.newBuilder().setId("rec").build());
      tasks.wait(WaitRequest.newBuilder().setId("rec").build());
      String exited = Files.readString(dir.resolve("state/tasks/rec/task.json"));
      assertThat(exited).contains("\"phase\" : \"stopped\"").contains("\"exitStatus\" : 4").contains("exitedAt");
      tasks.delete(DeleteRequest.newBuilder().setId("rec").build());
      assertThat(dir.resolve("state/tasks/rec")).doesNotExist();
    }
  }

  @Test
  void create_stateDiskFull_failsUnavailableAndEarlierRecordsStayIntact() throws Exception {
    Privileged.assumeRoot();
    Path state = Files.createDirectories(dir.resolve("state"));
    mount(state);
    try (DaemonFixture daemon = DaemonFixture.start(dir)) {
      TaskGrpc.TaskBlockingStub tasks = daemon.stub();
      Path bundle = daemon.bundle(Privileged.testbin().toString(), "exit", "0").namespaces("pid").write();
      tasks.create(CreateTaskRequest.newBuilder().setId("before").setBundle(bundle.toString()).build());
      String before = Files.readString(state.resolve("tasks/before/task.json"));
      fill(state.resolve("filler"));

      assertThatThrownBy(() -> tasks.create(CreateTaskRequest.newBuilder().setId("after")
          .setBundle(bundle.toString()).build()))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(e.getStatus().getDescription()).contains("cannot record task after")
                .contains("expected: a writable state directory with free space");
          });
      assertThat(state.resolve("tasks/after")).doesNotExist();
      assertThat(Files.readString(state.resolve("tasks/before/task.json"))).isEqualTo(before);
      // the daemon goes on: the earlier task still runs to its end
      tasks.start(StartRequest.newBuilder().setId("before").build());
      assertThat(tasks.wait(WaitRequest.newBuilder().setId("before").build()).getExitStatus()).isZero();
      tasks.delete(DeleteRequest.newBuilder().setId("before").build());
      assertThat(cgroupDirs()).isEmpty();
    } finally {
      new ProcessBuilder("umount", "-l", state.toString()).inheritIO().start().waitFor();
    }
  }

  private static void mount(Path state) throws IOException, InterruptedException {
    Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=256k,mode=0700", "tmpfs", state.toString())
        .inheritIO().start();
    assertThat(mount.waitFor()).as("mount a small tmpfs").isZero();
  }

  private static void fill(Path file) {
    byte[] block = new byte[4096];
    try (var out = Files.newOutputStream(file)) {
      while (true) {
        out.write(block);
      }
    } catch (IOException full) {
      assertThat(full.getMessage()).contains("No space left");
    }
  }

  private Process startDaemonProcess(String... extraArgs) throws IOException, InterruptedException {
    Path socket = dir.resolve("run/jshim.sock");
    Files.deleteIfExists(socket);
    List<String> command = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "io.jshim.daemon.ShimMain", "--socket", socket.toString(),
        "--state-dir", dir.resolve("state").toString(), "--helper", Privileged.helper().toString(),
        "--log-root", dir.resolve("logs").toString()));
    command.addAll(List.of(extraArgs));
    Process daemon = new ProcessBuilder(command)
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("first-daemon.log").toFile()))
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(socket)) {
      if (!daemon.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("the first daemon did not come up; see " + dir.resolve("first-daemon.log"));
      }
      Thread.sleep(50);
    }
    return daemon;
  }

  private ManagedChannel channel() {
    return Grpc.newChannelBuilder("unix://" + dir.resolve("run/jshim.sock"), InsecureChannelCredentials.create()).build();
  }

  private void create(TaskGrpc.TaskBlockingStub tasks, String id, String... args) throws IOException {
    List<String> argv = Stream.concat(Stream.of(Privileged.testbin().toString()), Stream.of(args)).toList();
    Path bundle = new DaemonFixture.BundleBuilder(dir.resolve("bundle-" + id), argv).namespaces("pid").write();
    tasks.create(CreateTaskRequest.newBuilder().setId(id).setBundle(bundle.toString()).build());
  }

  private static ExecProcessRequest execRequest(String id, String execId, String... args) {
    String argv = Stream.concat(Stream.of(Privileged.testbin().toString()), Stream.of(args))
        .map(a -> "\"" + a + "\"").collect(java.util.stream.Collectors.joining(", "));
    return ExecProcessRequest.newBuilder().setId(id).setExecId(execId)
        .setSpec(com.google.protobuf.Any.newBuilder()
            .setTypeUrl("types.containerd.io/opencontainers/runtime-spec/1/Process")
            .setValue(com.google.protobuf.ByteString.copyFromUtf8("{\"args\": [" + argv + "], \"cwd\": \"/\"}")))
        .build();
  }

  private static StateResponse state(TaskGrpc.TaskBlockingStub tasks, String id) {
    return tasks.state(StateRequest.newBuilder().setId(id).build());
  }

  private static StateResponse awaitState(TaskGrpc.TaskBlockingStub tasks, String id, io.jshim.proto.types.task.Status want)
      throws InterruptedException {
    StateResponse state = state(tasks, id);
    for (int i = 0; i < 100 && state.getStatus() != want; i++) {
      Thread.sleep(50);
      state = state(tasks, id);
    }
    return state;
  }

  // gone, or a zombie whose new parent has not reaped it yet
  private static void awaitGone(int pid) throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      if (ProcessHandle.of(pid).isEmpty() || zombie(pid)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("process " + pid + " is still running");
  }

  private static boolean zombie(int pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException e) {
      return true;
    }
  }

  private static List<Path> cgroupDirs() throws IOException {
    Path pids = Path.of("/sys/fs/cgroup/pids");
    if (!Files.isDirectory(pids)) {
      return List.of();
    }
    try (Stream<Path> all = Files.walk(pids)) {
      return all.filter(p -> Stream.of("exited", "running", "gone", "held", "before", "after")
          .anyMatch(id -> p.endsWith(Path.of("jshim", id)))).toList();
    }
  }
}
