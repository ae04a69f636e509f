package io.jshim.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.jshim.proto.task.v2.ConnectRequest;
import io.jshim.proto.task.v2.ConnectResponse;
import io.jshim.proto.task.v2.CreateTaskRequest;
import io.jshim.proto.task.v2.CreateTaskResponse;
import io.jshim.proto.task.v2.DeleteRequest;
import io.jshim.proto.task.v2.DeleteResponse;
import io.jshim.proto.task.v2.KillRequest;
import io.jshim.proto.task.v2.PidsRequest;
import io.jshim.proto.task.v2.ShutdownRequest;
import io.jshim.proto.task.v2.StartRequest;
import io.jshim.proto.task.v2.StateRequest;
import io.jshim.proto.task.v2.StateResponse;
import io.jshim.proto.task.v2.TaskGrpc;
import io.jshim.proto.task.v2.WaitRequest;
import io.jshim.proto.task.v2.WaitResponse;
import io.jshim.proto.types.task.ProcessInfo;
import io.jshim.proto.v1.DaemonStatusGrpc;
import io.jshim.proto.v1.GetStatusRequest;
import io.jshim.proto.v1.StatusResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The task lifecycle over the real Unix socket, with real processes in real namespaces. */
@Tag("privileged")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TaskLifecycleTest {
  @TempDir
  Path dir;

  private DaemonFixture fixture;
  private TaskGrpc.TaskBlockingStub tasks;

  @BeforeEach
  void startDaemon() throws IOException {
    Privileged.assumeRoot();
    fixture = DaemonFixture.start(dir);
    tasks = fixture.stub();
  }

  @AfterEach
  void stopDaemon() {
    if (fixture != null) {
      fixture.close();
    }
  }

  private String testbin() {
    return Privileged.testbin().toString();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 3})
  void run_workloadExitsWithCode_waitAndDeleteReportIt(int code) throws IOException {
    Path bundle = fixture.bundle(testbin(), "exit", Integer.toString(code)).namespaces("pid", "uts", "ipc", "mount").write();

    assertThat(fixture.run("exit" + code, bundle, dir.resolve("out"))).isEqualTo(code);
  }

  @Test
  void kill_sigkillWhileRunning_waitReports137() throws IOException {
    Path bundle = fixture.bundle(testbin(), "sleep", "60").namespaces("pid").write();
    create("victim", bundle, "");
    tasks.start(StartRequest.newBuilder().setId("victim").build());

    tasks.kill(KillRequest.newBuilder().setId("victim").setSignal(9).build());
    WaitResponse exit = tasks.wait(WaitRequest.newBuilder().setId("victim").build());

    assertThat(exit.getExitStatus()).isEqualTo(137);
    assertThat(exit.getExitedAt().getSeconds()).isPositive();
    DeleteResponse deleted = tasks.delete(DeleteRequest.newBuilder().setId("victim").build());
    assertThat(deleted.getExitStatus()).isEqualTo(137);
  }

  @Test
  void create_newPidNamespace_workloadIsPidOne() throws IOException {
    Path bundle = fixture.bundle(testbin(), "pid").namespaces("pid", "mount").write();

    assertThat(fixture.run("pid1", bundle, dir.resolve("out"))).isZero();
    assertThat(Files.readString(dir.resolve("out")).trim()).isEqualTo("1");
  }

  @Test
  void create_newUtsNamespaceWithHostname_workloadSeesIt() throws IOException {
    Path bundle = fixture.bundle(testbin(), "hostname").namespaces("uts").hostname("demo-host").write();

    assertThat(fixture.run("uts", bundle, dir.resolve("out"))).isZero();
    assertThat(Files.readString(dir.resolve("out")).trim()).isEqualTo("demo-host");
  }

  @Test
  void start_whileDaemonHoldsManyFds_workloadSeesOnlyZeroOneTwo() throws IOException {
    List<java.io.FileInputStream> open = new ArrayList<>();
    try {
      // the JVM opens these without close-on-exec: the helper and the workload must still not pass them on
      for (int i = 0; i < 20; i++) {
        open.add(new java.io.FileInputStream("/dev/null"));
      }
      Path bundle = fixture.bundle(testbin(), "fds").namespaces("pid", "mount").write();

      assertThat(fixture.run("fds", bundle, dir.resolve("out"))).isZero();
      assertThat(Files.readAllLines(dir.resolve("out"))).containsExactly("0", "1", "2");
    } finally {
      for (java.io.FileInputStream in : open) {
        in.close();
      }
    }
  }

  @Test
  void create_rootfsWithPidAndMountNamespaces_runsInsideTheRootWithFreshProc() throws IOException {
    Path bundle = fixture.bundle("/bin/jshim-testbin", "fds").namespaces("pid", "mount", "uts", "ipc").testRootfs().write();
    Path pidBundle = fixture.bundle("/bin/jshim-testbin", "pid").namespaces("pid", "mount").testRootfs().write();

    assertThat(fixture.run("rootfs-fds", bundle, dir.resolve("fds"))).isZero();
    assertThat(fixture.run("rootfs-pid", pidBundle, dir.resolve("pid"))).isZero();

    assertThat(Files.readAllLines(dir.resolve("fds"))).containsExactly("0", "1", "2");
    assertThat(Files.readString(dir.resolve("pid")).trim()).isEqualTo("1");
    assertThat(Files.exists(Path.of("/bin/jshim-testbin"))).as("host untouched").isFalse();
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "rlimit RLIMIT_NOFILE | 1000 2000",
      "umask | 0027",
      "groups | 10,20",
      "status NoNewPrivs | 1",
      "oom-score-adj | 500",
      "id | uid=1000 gid=1000"})
  void create_processOptionsInConfig_workloadRunsWithThem(String command, String expected) throws IOException {
    List<String> argv = new ArrayList<>(List.of(testbin()));
    argv.addAll(List.of(command.split(" ")));
    Path bundle = fixture.bundle(argv.toArray(String[]::new)).namespaces("pid").customize(config -> {
      var process = (com.fasterxml.jackson.databind.node.ObjectNode) config.get("process");
      process.put("noNewPrivileges", true).put("oomScoreAdj", 500);
      var user = process.putObject("user").put("uid", 1000).put("gid", 1000).put("umask", 027);
      user.putArray("additionalGids").add(10).add(20);
      process.putArray("rlimits").addObject().put("type", "RLIMIT_NOFILE").put("soft", 1000).put("hard", 2000);
    }).write();

    assertThat(fixture.run("opts", bundle, dir.resolve("out"))).isZero();
    assertThat(Files.readString(dir.resolve("out")).trim()).isEqualTo(expected);
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({
      // as uid 1000 the program keeps only its ambient capabilities across execve (no file capabilities)
      "1000, CapBnd, 0000000000000005",
      "1000, CapPrm, 0000000000000004",
      "1000, CapEff, 0000000000000004",
      "1000, CapInh, 0000000000000004",
      "1000, CapAmb, 0000000000000004",
      // as root execve grants the whole bounding set
      "0, CapBnd, 0000000000000005",
      "0, CapEff, 0000000000000005"})
  void create_capabilitiesInConfig_workloadRunsWithThoseSets(int uid, String field, String expected) throws IOException {
    Path bundle = fixture.bundle(testbin(), "status", field).namespaces("pid").customize(config -> {
      var process = (com.fasterxml.jackson.databind.node.ObjectNode) config.get("process");
      process.putObject("user").put("uid", uid).put("gid", uid);
      var caps = process.putObject("capabilities");
      caps.putArray("bounding").add("CAP_CHOWN").add("CAP_DAC_READ_SEARCH");
      caps.putArray("effective").add("CAP_CHOWN");
      caps.putArray("permitted").add("CAP_CHOWN").add("CAP_DAC_READ_SEARCH");
      caps.putArray("inheritable").add("CAP_DAC_READ_SEARCH");
      caps.putArray("ambient").add("CAP_DAC_READ_SEARCH");
    }).write();

    assertThat(fixture.run("caps", bundle, dir.resolve("out"))).isZero();
    assertThat(Files.readString(dir.resolve("out")).trim()).isEqualTo(expected);
  }

  @Test
  void create_sysctlInItsOwnNetworkNamespace_appliedInsideHostUnchanged() throws IOException {
    Path hostFile = Path.of("/proc/sys/net/ipv4/ip_forward");
    String hostBefore = Files.readString(hostFile).trim();
    String wanted = hostBefore.equals("1") ? "0" : "1";
    Path bundle = fixture.bundle(testbin(), "cat-file", hostFile.toString()).namespaces("pid", "mount", "network")
        .customize(config -> ((com.fasterxml.jackson.databind.node.ObjectNode) config.get("linux"))
            .putObject("sysctl").put("net.ipv4.ip_forward", wanted)).write();

    assertThat(fixture.run("sysctl", bundle, dir.resolve("out"))).isZero();
    assertThat(Files.readString(dir.resolve("out")).trim()).isEqualTo(wanted);
    assertThat(Files.readString(hostFile).trim()).as("host value").isEqualTo(hostBefore);
  }

  @Test
  void create_maskedPath_readsEmptyInsideStillReadableOnTheHost() throws IOException {
    Path bundle = fixture.bundle(testbin(), "cat-file", "/proc/version").namespaces("pid", "mount")
        .customize(config -> ((com.fasterxml.jackson.databind.node.ObjectNode) config.get("linux"))
            .putArray("maskedPaths").add("/proc/version").add("/no/such/path")).write();

    assertThat(fixture.run("masked", bundle, dir.resolve("out"))).isZero();
    assertThat(Files.readString(dir.resolve("out"))).isEmpty();
    assertThat(Files.readString(Path.of("/proc/version"))).as("host view").isNotEmpty();
  }

  @Test
  void create_readonlyPath_writesInsideFailWithErofs() throws IOException {
    Path bundle = fixture.bundle(testbin(), "write-file", "/proc/sys/kernel/shmmax", "65536").namespaces("pid", "mount", "ipc")
        .customize(config -> ((com.fasterxml.jackson.databind.node.ObjectNode) config.get("linux"))
            .putArray("readonlyPaths").add("/proc/sys")).write();

    assertThat(fixture.run("readonly", bundle, dir.resolve("out"))).isEqualTo(1);
    assertThat(Files.readString(dir.resolve("out"))).contains("EROFS");
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({"true, 1, EROFS", "false, 0, ok"})
  void create_readonlyRoot_writesToTheRootFailOnlyWhenAsked(boolean readonly, int status, String output) throws IOException {
    Path bundle = fixture.bundle("/bin/jshim-testbin", "write-file", "/etc/hostname", "changed").namespaces("pid", "mount")
        .testRootfs().customize(config -> ((com.fasterxml.jackson.databind.node.ObjectNode) config.get("root"))
            .put("readonly", readonly)).write();
    Files.createDirectories(bundle.resolve("rootfs/etc"));
    Files.writeString(bundle.resolve("rootfs/etc/hostname"), "original");

    assertThat(fixture.run("roroot", bundle, dir.resolve("out"))).isEqualTo(status);
    assertThat(Files.readString(dir.resolve("out"))).contains(output);
    assertThat(Files.readString(bundle.resolve("rootfs/etc/hostname"))).isEqualTo(readonly ? "original" : "changed");
  }

  @Test
  void create_processOptionTheKernelRefuses_errorNamesItAndNothingIsLeft() throws IOException {
    // the kernel refuses an RLIMIT_NOFILE above fs.nr_open even to root: the workload fails after its clone
    Path tooHigh = fixture.bundle(testbin(), "exit", "0").namespaces("pid").customize(config ->
        ((com.fasterxml.jackson.databind.node.ObjectNode) config.get("process")).putArray("rlimits").addObject()
            .put("type", "RLIMIT_NOFILE").put("soft", 1L << 40).put("hard", 1L << 40)).write();

    assertThatThrownBy(() -> create("toohigh", tooHigh, ""))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getDescription()).contains("RLIMIT_NOFILE"));
    assertCode(() -> tasks.state(StateRequest.newBuilder().setId("toohigh").build()), Status.Code.NOT_FOUND);
  }

  @Test
  void wait_fromSeveralClientsAtOnce_allGetTheExit() throws Exception {
    Path bundle = fixture.bundle("/bin/sh", "-c", "sleep 0.5; exit 5").namespaces("pid").write();
    create("shared", bundle, "");
    List<com.google.common.util.concurrent.ListenableFuture<WaitResponse>> waits = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      waits.add(TaskGrpc.newFutureStub(fixture.channel()).wait(WaitRequest.newBuilder().setId("shared").build()));
    }

    tasks.start(StartRequest.newBuilder().setId("shared").build());

    for (var wait : waits) {
      assertThat(wait.get(30, TimeUnit.SECONDS).getExitStatus()).isEqualTo(5);
    }
  }

  @Test
  void wait_afterTheExit_answersAtOnceWithTheSameStatus() throws IOException {
    Path bundle = fixture.bundle(testbin(), "exit", "9").write();
    create("late", bundle, "");
    tasks.start(StartRequest.newBuilder().setId("late").build());
    WaitResponse first = tasks.wait(WaitRequest.newBuilder().setId("late").build());

    WaitResponse again = tasks.withDeadlineAfter(2, TimeUnit.SECONDS).wait(WaitRequest.newBuilder().setId("late").build());

    assertThat(again).isEqualTo(first);
    assertThat(again.getExitStatus()).isEqualTo(9);
  }

  @Test
  void kill_exitedProcess_notFoundAndNothingSignalled() throws IOException {
    Path bundle = fixture.bundle(testbin(), "exit", "0").write();
    create("gone", bundle, "");
    tasks.start(StartRequest.newBuilder().setId("gone").build());
    tasks.wait(WaitRequest.newBuilder().setId("gone").build());

    assertThatThrownBy(() -> tasks.kill(KillRequest.newBuilder().setId("gone").setSignal(9).build()))
        .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void delete_createdButNeverStarted_killsItWith137() throws IOException {
    Path bundle = fixture.bundle(testbin(), "exit", "0").namespaces("pid").write();
    create("unstarted", bundle, "");

    DeleteResponse deleted = tasks.delete(DeleteRequest.newBuilder().setId("unstarted").build());

    assertThat(deleted.getExitStatus()).isEqualTo(137);
    assertCode(() -> tasks.state(StateRequest.newBuilder().setId("unstarted").build()), Status.Code.NOT_FOUND);
  }

  @Test
  void state_throughTheLifecycle_reportsCreatedRunningStopped() throws IOException {
    Path bundle = fixture.bundle("/bin/sh", "-c", "sleep 0.3; exit 4").namespaces("pid").write();
    int pid = create("states", bundle, dir.resolve("o").toString()).getPid();

    StateResponse created = tasks.state(StateRequest.newBuilder().setId("states").build());
    tasks.start(StartRequest.newBuilder().setId("states").build());
    StateResponse running = tasks.state(StateRequest.newBuilder().setId("states").build());
    tasks.wait(WaitRequest.newBuilder().setId("states").build());
    StateResponse stopped = tasks.state(StateRequest.newBuilder().setId("states").build());

    assertThat(created.getStatus()).isEqualTo(io.jshim.proto.types.task.Status.CREATED);
    assertThat(created.getPid()).isEqualTo(pid);
    assertThat(created.getExitedAt().getSeconds()).isEqualTo(-62135596800L);
    assertThat(created.getStdout()).isEqualTo(dir.resolve("o").toString());
    assertThat(running.getStatus()).isEqualTo(io.jshim.proto.types.task.Status.RUNNING);
    assertThat(stopped.getStatus()).isEqualTo(io.jshim.proto.types.task.Status.STOPPED);
    assertThat(stopped.getExitStatus()).isEqualTo(4);
  }

  @Test
  void pids_containerWithAChild_listsInitFirstThenTheChild() throws IOException {
    Path bundle = fixture.bundle("/bin/sh", "-c", "sleep 30 & wait").namespaces("pid", "mount").write();
    int init = create("tree", bundle, "").getPid();
    tasks.start(StartRequest.newBuilder().setId("tree").build());

    List<Integer> pids = new ArrayList<>();
    for (int attempt = 0; attempt < 100 && pids.size() < 2; attempt++) {
      pids.clear();
      tasks.pids(PidsRequest.newBuilder().setId("tree").build()).getProcessesList().stream().map(ProcessInfo::getPid).forEach(pids::add);
      sleep(20);
    }

    assertThat(pids).hasSize(2).first().isEqualTo(init);
    tasks.kill(KillRequest.newBuilder().setId("tree").setSignal(9).setAll(true).build());
    assertThat(tasks.wait(WaitRequest.newBuilder().setId("tree").build()).getExitStatus()).isEqualTo(137);
  }

  @Test
  void connect_withTaskId_returnsShimAndTaskPids() throws IOException {
    Path bundle = fixture.bundle(testbin(), "exit", "0").write();
    int pid = create("conn", bundle, "").getPid();

    ConnectResponse reply = tasks.connect(ConnectRequest.newBuilder().setId("conn").build());

    assertThat(reply.getShimPid()).isEqualTo((int) ProcessHandle.current().pid());
    assertThat(reply.getTaskPid()).isEqualTo(pid);
    assertThat(reply.getVersion()).startsWith("jshim");
  }

  @Test
  void twoHundredContainers_exitingTogether_allReportedWithTheirCodes() throws Exception {
    int count = 200;
    for (int i = 0; i < count; i++) {
      create("many-" + i, fixture.bundle(testbin(), "exit", Integer.toString(i % 256)).write(), "");
    }
    TaskGrpc.TaskFutureStub async = TaskGrpc.newFutureStub(fixture.channel());
    List<com.google.common.util.concurrent.ListenableFuture<WaitResponse>> waits = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      waits.add(async.wait(WaitRequest.newBuilder().setId("many-" + i).build()));
    }

    List<Thread> starters = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int first = t;
      Thread starter = new Thread(() -> {
        for (int i = first; i < count; i += 4) {
          tasks.start(StartRequest.newBuilder().setId("many-" + i).build());
        }
      });
      starter.start();
      starters.add(starter);
    }
    for (Thread starter : starters) {
      starter.join();
    }

    for (int i = 0; i < count; i++) {
      assertThat(waits.get(i).get(30, TimeUnit.SECONDS).getExitStatus()).as("exit of many-" + i).isEqualTo(i % 256);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-leading", "trailing-", "two..dots", "has space", "slash/inside",
      "x2345678901234567890123456789012345678901234567890123456789012345678901234567"})
  void create_invalidId_invalidArgumentAndDaemonKeepsServing(String id) throws IOException {
    Path bundle = fixture.bundle(testbin(), "exit", "0").write();

    assertCode(() -> create(id, bundle, ""), Status.Code.INVALID_ARGUMENT);
    assertThat(tasks.connect(ConnectRequest.getDefaultInstance()).getShimPid()).isPositive();
  }

  @Test
  void create_duplicateId_alreadyExists() throws IOException {
    Path bundle = fixture.bundle(testbin(), "exit", "0").write();
    create("twice", bundle, "");

    assertCode(() -> create("twice", bundle, ""), Status.Code.ALREADY_EXISTS);
  }

  @Test
  void unknownId_everyCall_notFound() {
    assertCode(() -> tasks.state(StateRequest.newBuilder().setId("nope").build()), Status.Code.NOT_FOUND);
    assertCode(() -> tasks.start(StartRequest.newBuilder().setId("nope").build()), Status.Code.NOT_FOUND);
    assertCode(() -> tasks.wait(WaitRequest.newBuilder().setId("nope").build()), Status.Code.NOT_FOUND);
    assertCode(() -> tasks.delete(DeleteRequest.newBuilder().setId("nope").build()), Status.Code.NOT_FOUND);
    assertCode(() -> tasks.kill(KillRequest.newBuilder().setId("nope").setSignal(15).build()), Status.Code.NOT_FOUND);
  }

  @Test
  void create_missingBinary_invalidArgumentNamingTheProgram() throws IOException {
    Path bundle = fixture.bundle("/no/such/program").namespaces("pid").write();

    assertThatThrownBy(() -> create("nobin", bundle, ""))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).contains("/no/such/program");
        });
    assertCode(() -> tasks.state(StateRequest.newBuilder().setId("nobin").build()), Status.Code.NOT_FOUND);
  }

  @Test
  void create_missingBundle_invalidArgument() {
    assertCode(() -> create("nobundle", dir.resolve("absent"), ""), Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void delete_runningProcess_failedPrecondition() throws IOException {
    Path bundle = fixture.bundle(testbin(), "sleep", "60").write();
    create("busy", bundle, "");
    tasks.start(StartRequest.newBuilder().setId("busy").build());

    assertCode(() -> tasks.delete(DeleteRequest.newBuilder().setId("busy").build()), Status.Code.FAILED_PRECONDITION);
    tasks.kill(KillRequest.newBuilder().setId("busy").setSignal(9).build());
  }

  @Test
  void start_twice_failedPrecondition() throws IOException {
    Path bundle = fixture.bundle(testbin(), "sleep", "60").write();
    create("again", bundle, "");
    tasks.start(StartRequest.newBuilder().setId("again").build());

    assertCode(() -> tasks.start(StartRequest.newBuilder().setId("again").build()), Status.Code.FAILED_PRECONDITION);
    tasks.kill(KillRequest.newBuilder().setId("again").setSignal(9).build());
  }

  @Test
  void kill_signalOutOfRange_invalidArgument() throws IOException {
    Path bundle = fixture.bundle(testbin(), "exit", "0").write();
    create("sig", bundle, "");

    assertCode(() -> tasks.kill(KillRequest.newBuilder().setId("sig").setSignal(0).build()), Status.Code.INVALID_ARGUMENT);
    assertCode(() -> tasks.kill(KillRequest.newBuilder().setId("sig").setSignal(65).build()), Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void shutdown_noTaskLeft_stopsTheDaemonAfterAnswering() throws Exception {
    Path bundle = fixture.bundle(testbin(), "exit", "0").write();
    fixture.run("done", bundle, dir.resolve("out"));

    tasks.shutdown(ShutdownRequest.newBuilder().build());

    Thread waiter = new Thread(() -> {
      try {
        fixture.daemon().awaitShutdown();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    waiter.start();
    waiter.join(10_000);
    assertThat(waiter.isAlive()).as("daemon still waiting to shut down").isFalse();
  }

  @Test
  void create_namespacePathOfAnotherTask_joinsItsUtsNamespace() throws IOException {
    Path first = fixture.bundle(testbin(), "sleep", "60").namespaces("uts").hostname("shared-uts").write();
    int pid = create("owner", first, "").getPid();
    Path second = fixture.bundle(testbin(), "hostname").customize(c -> ((com.fasterxml.jackson.databind.node.ArrayNode)
        c.path("linux").path("namespaces")).addObject().put("type", "uts").put("path", "/proc/" + pid + "/ns/uts")).write();

    assertThat(fixture.run("joiner", second, dir.resolve("out"))).isZero();
    assertThat(Files.readString(dir.resolve("out")).trim()).isEqualTo("shared-uts");
    tasks.delete(DeleteRequest.newBuilder().setId("owner").build());
  }

  @Test
  void shutdown_withTaskLeft_staysUp() throws IOException {
    create("keeper", fixture.bundle(testbin(), "exit", "0").write(), "");

    tasks.shutdown(ShutdownRequest.newBuilder().build());

    assertThat(tasks.state(StateRequest.newBuilder().setId("keeper").build()).getId()).isEqualTo("keeper");
  }

  @Test
  void orphanedGrandchild_reparentedToTheDaemon_isReapedNotLeftAZombie() throws Exception {
    // an exec orphans it: when the init process exits without a pid namespace, what is left is killed
    Path bundle = fixture.bundle(testbin(), "sleep", "60").write();
    create("orphans", bundle, dir.resolve("out").toString());
    tasks.start(StartRequest.newBuilder().setId("orphans").build());
    tasks.exec(io.jshim.proto.task.v2.ExecProcessRequest.newBuilder().setId("orphans").setExecId("parent")
        .setSpec(com.google.protobuf.Any.newBuilder().setTypeUrl("types.containerd.io/opencontainers/runtime-spec/1/Process")
            .setValue(com.google.protobuf.ByteString.copyFromUtf8("{\"args\":[\"" + testbin() + "\",\"orphan\",\"0.5\"],\"cwd\":\"/\"}")))
        .build());
    tasks.start(StartRequest.newBuilder().setId("orphans").setExecId("parent").build());
    assertThat(tasks.wait(WaitRequest.newBuilder().setId("orphans").setExecId("parent").build()).getExitStatus()).isZero();
    int self = (int) ProcessHandle.current().pid();

    List<Integer> adopted = new ArrayList<>();
    for (int attempt = 0; attempt < 50 && adopted.isEmpty(); attempt++) {
      // other tests leave held workloads behind (their command lines name jshim-testbin too)
      adopted.addAll(childrenRunning(self, "jshim-testbin orphan 0.5"));
      sleep(10);
    }
    assertThat(adopted).as("grandchild re-parented to the subreaper").isNotEmpty();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (adopted.stream().anyMatch(pid -> Files.exists(Path.of("/proc/" + pid))) && System.nanoTime() < deadline) {
      sleep(20);
    }
    assertThat(adopted).allSatisfy(pid -> assertThat(Path.of("/proc/" + pid)).as("reaped, not a zombie").doesNotExist());
    tasks.kill(KillRequest.newBuilder().setId("orphans").setSignal(9).build());
    tasks.wait(WaitRequest.newBuilder().setId("orphans").build());
    tasks.delete(DeleteRequest.newBuilder().setId("orphans").build());
  }

  @Test
  void healthAndReflection_standardServices_answer() {
    var health = io.grpc.health.v1.HealthGrpc.newBlockingStub(fixture.channel())
        .check(io.grpc.health.v1.HealthCheckRequest.getDefaultInstance());
    assertThat(health.getStatus()).isEqualTo(io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);

    List<String> services = new ArrayList<>();
    var done = new java.util.concurrent.CountDownLatch(1);
    var requests = io.grpc.reflection.v1.ServerReflectionGrpc.newStub(fixture.channel()).serverReflectionInfo(
        new io.grpc.stub.StreamObserver<>() {
          @Override
          public void onNext(io.grpc.reflection.v1.ServerReflectionResponse reply) {
            reply.getListServicesResponse().getServiceList().forEach(s -> services.add(s.getName()));
          }

          @Override
          public void onError(Throwable t) {
            done.countDown();
          }

          @Override
          public void onCompleted() {
            done.countDown();
          }
        });
    requests.onNext(io.grpc.reflection.v1.ServerReflectionRequest.newBuilder().setListServices("").build());
    requests.onCompleted();
    assertThat(awaitLatch(done)).isTrue();
    assertThat(services).contains("containerd.task.v2.Task", "grpc.health.v1.Health");
  }

  @Test
  void daemonStatus_afterARun_countsForksAndReapedProcesses() throws IOException {
    Path bundle = fixture.bundle(testbin(), "exit", "0").namespaces("pid").write();
    fixture.run("counted", bundle, dir.resolve("out"));
    create("pending", fixture.bundle(testbin(), "exit", "0").write(), "");

    StatusResponse status = DaemonStatusGrpc.newBlockingStub(fixture.channel()).get(GetStatusRequest.getDefaultInstance());

    assertThat(status.getTasks()).isEqualTo(1);
    assertThat(status.getForkGate().getForkEntries()).isEqualTo(2);
    assertThat(status.getForkGate().getActiveHolders()).isZero();
    assertThat(status.getForkGate().getMaxHandoffsWaited()).isLessThanOrEqualTo(2);
    assertThat(status.getReaper().getReaped()).as("the workload and the helper").isGreaterThanOrEqualTo(2);
  }

  @Test
  void checkpoint_unknownTaskOrNoPath_isRefused() {
    assertCode(() -> tasks.checkpoint(io.jshim.proto.task.v2.CheckpointTaskRequest.newBuilder().setId("x")
        .setPath(dir.resolve("images").toString()).build()), Status.Code.NOT_FOUND);
    assertCode(() -> tasks.checkpoint(io.jshim.proto.task.v2.CheckpointTaskRequest.newBuilder().setId("x").build()),
        Status.Code.INVALID_ARGUMENT);
  }

  private CreateTaskResponse create(String id, Path bundle, String stdout) {
    return tasks.create(CreateTaskRequest.newBuilder().setId(id).setBundle(bundle.toString()).setStdout(stdout).build());
  }

  private static void assertCode(Runnable call, Status.Code expected) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(expected));
  }

  /** Living children of {@code parent} whose command line mentions {@code name}. */
  private static List<Integer> childrenRunning(int parent, String name) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.parent().map(ProcessHandle::pid).orElse(-1L) == parent)
        .filter(p -> p.info().commandLine().orElse("").contains(name))
        .map(p -> (int) p.pid())
        .toList();
  }

  private static boolean awaitLatch(java.util.concurrent.CountDownLatch latch) {
    try {
      return latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
