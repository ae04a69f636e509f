package io.jshim.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.jshim.proto.task.v2.CreateTaskRequest;
import io.jshim.proto.task.v2.DeleteRequest;
import io.jshim.proto.task.v2.DeleteResponse;
import io.jshim.proto.task.v2.ExecProcessRequest;
import io.jshim.proto.task.v2.KillRequest;
import io.jshim.proto.task.v2.PauseRequest;
import io.jshim.proto.task.v2.PidsRequest;
import io.jshim.proto.task.v2.ResumeRequest;
import io.jshim.proto.task.v2.StartRequest;
import io.jshim.proto.task.v2.StateRequest;
import io.jshim.proto.task.v2.StateResponse;
import io.jshim.proto.task.v2.TaskGrpc;
import io.jshim.proto.task.v2.WaitRequest;
import io.jshim.proto.task.v2.WaitResponse;
import io.jshim.proto.types.task.ProcessInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Exec processes in running containers: namespaces, exit codes, ordering against the init exit. */
@Tag("privileged")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExecTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROCESS_TYPE = "types.containerd.io/opencontainers/runtime-spec/1/Process";

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

  @Test
  void exec_inRunningContainer_seesItsPidNamespaceHostnameAndRoot() throws IOException {
    Path bundle = fixture.bundle("/bin/jshim-testbin", "sleep", "60").namespaces("pid", "mount", "uts", "ipc")
        .hostname("box").testRootfs().write();
    Files.writeString(bundle.resolve("rootfs/marker"), "inside the root\n");
    int initPid = startTask("box", bundle);

    assertThat(runExec("box", "e1", "hostname")).isEqualTo("box");
    assertThat(Integer.parseInt(runExec("box", "e2", "pid"))).isGreaterThan(1);
    assertThat(runExec("box", "e3", "ppid")).as("the container's init is not its parent, but it lives beside it").isEqualTo("0");
    assertThat(runExec("box", "e4", "cat-file", "/marker")).isEqualTo("inside the root");
    assertThat(runExec("box", "e5", "ns", "pid")).isEqualTo(Files.readSymbolicLink(Path.of("/proc/" + initPid + "/ns/pid")).toString());
    assertThat(runExec("box", "e6", "ns", "mnt")).isEqualTo(Files.readSymbolicLink(Path.of("/proc/" + initPid + "/ns/mnt")).toString());
  }

  @Test
  void exec_exitCode_relayedByWaitStateAndDelete() throws IOException {
    startTask("codes", fixture.bundle(testbin(), "sleep", "60").namespaces("pid").write());
    exec("codes", "five", List.of(testbin(), "exit", "5"), dir.resolve("five.out"));

    int pid = tasks.start(StartRequest.newBuilder().setId("codes").setExecId("five").build()).getPid();
    WaitResponse exit = tasks.wait(WaitRequest.newBuilder().setId("codes").setExecId("five").build());
    StateResponse state = tasks.state(StateRequest.newBuilder().setId("codes").setExecId("five").build());
    DeleteResponse deleted = tasks.delete(DeleteRequest.newBuilder().setId("codes").setExecId("five").build());

    assertThat(exit.getExitStatus()).isEqualTo(5);
    assertThat(state.getStatus()).isEqualTo(io.jshim.proto.types.task.Status.STOPPED);
    assertThat(state.getExitStatus()).isEqualTo(5);
    assertThat(state.getPid()).isEqualTo(pid);
    assertThat(deleted.getExitStatus()).isEqualTo(5);
    assertThat(deleted.getPid()).isEqualTo(pid);
    assertNotFound(() -> tasks.state(StateRequest.newBuilder().setId("codes").setExecId("five").build()));
  }

  @Test
  void exec_tenAtOnce_eachExitCodeReachesItsWaiter() throws Exception {
    startTask("many", fixture.bundle(testbin(), "sleep", "60").namespaces("pid", "mount").write());
    List<CompletableFuture<Integer>> exits = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String execId = "x" + i;
      exec("many", execId, List.of(testbin(), "exit", Integer.toString(i)), dir.resolve(execId));
    }
    for (int i = 0; i < 10; i++) {
      String execId = "x" + i;
      TaskGrpc.TaskBlockingStub own = fixture.stub();
      exits.add(CompletableFuture.supplyAsync(() -> {
        own.start(StartRequest.newBuilder().setId("many").setExecId(execId).build());
        return own.wait(WaitRequest.newBuilder().setId("many").setExecId(execId).build()).getExitStatus();
      }));
    }

    List<Integer> codes = new ArrayList<>();
    for (CompletableFuture<Integer> exit : exits) {
      codes.add(exit.get(30, TimeUnit.SECONDS));
    }

    assertThat(codes).isEqualTo(IntStream.range(0, 10).boxed().toList());
  }

  @Test
  void exec_badRequests_answeredWithTheRightCodes() throws IOException {
    startTask("bad", fixture.bundle(testbin(), "sleep", "60").namespaces("pid").write());
    exec("bad", "once", List.of(testbin(), "exit", "0"), dir.resolve("once"));

    assertCode(Status.Code.ALREADY_EXISTS, () -> exec("bad", "once", List.of(testbin(), "exit", "0"), dir.resolve("again")));
    assertCode(Status.Code.NOT_FOUND, () -> exec("nosuchtask", "e", List.of(testbin(), "exit", "0"), dir.resolve("x")));
    assertCode(Status.Code.NOT_FOUND, () -> tasks.start(StartRequest.newBuilder().setId("bad").setExecId("nosuchexec").build()));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> tasks.exec(ExecProcessRequest.newBuilder().setId("bad").setExecId("nospec").build()));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> exec("bad", "../x", List.of(testbin(), "exit", "0"), dir.resolve("y")));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> exec("bad", "noargs", List.of(), dir.resolve("z")));

    tasks.kill(KillRequest.newBuilder().setId("bad").setSignal(9).build());
    tasks.wait(WaitRequest.newBuilder().setId("bad").build());
    assertCode(Status.Code.FAILED_PRECONDITION, () -> exec("bad", "late", List.of(testbin(), "exit", "0"), dir.resolve("late")));
    assertCode(Status.Code.FAILED_PRECONDITION, () -> tasks.start(StartRequest.newBuilder().setId("bad").setExecId("once").build()));
  }

  @Test
  void exec_neverStarted_deleteReportsPidZeroAndStateWasCreated() throws IOException {
    startTask("unstarted", fixture.bundle(testbin(), "sleep", "60").namespaces("pid").write());
    exec("unstarted", "idle", List.of(testbin(), "exit", "3"), dir.resolve("idle"));

    StateResponse state = tasks.state(StateRequest.newBuilder().setId("unstarted").setExecId("idle").build());
    DeleteResponse deleted = tasks.delete(DeleteRequest.newBuilder().setId("unstarted").setExecId("idle").build());

    assertThat(state.getStatus()).isEqualTo(io.jshim.proto.types.task.Status.CREATED);
    assertThat(state.getPid()).isZero();
    assertThat(deleted.getPid()).isZero();
    assertThat(deleted.getExitStatus()).isZero();
  }

  @Test
  void initExit_sharedPidNamespace_execIsKilledAndReportedFirst() throws Exception {
    startTask("shared", fixture.bundle(testbin(), "sleep", "60").namespaces("mount").write());
    exec("shared", "bg", List.of(testbin(), "ignore-term", "60"), dir.resolve("bg"));
    tasks.start(StartRequest.newBuilder().setId("shared").setExecId("bg").build());

    tasks.kill(KillRequest.newBuilder().setId("shared").setSignal(9).build());
    WaitResponse initExit = tasks.wait(WaitRequest.newBuilder().setId("shared").build());
    StateResponse exec = tasks.state(StateRequest.newBuilder().setId("shared").setExecId("bg").build());

    assertThat(initExit.getExitStatus()).isEqualTo(137);
    assertThat(exec.getStatus()).as("the exec's exit is published before the init's").isEqualTo(io.jshim.proto.types.task.Status.STOPPED);
    assertThat(exec.getExitStatus()).isEqualTo(137);
  }

  @Test
  void initExit_privatePidNamespace_execDiesWithItAndIsReportedFirst() throws Exception {
    startTask("private", fixture.bundle(testbin(), "sleep", "60").namespaces("pid", "mount").write());
    exec("private", "bg", List.of(testbin(), "sleep", "60"), dir.resolve("bg"));
    tasks.start(StartRequest.newBuilder().setId("private").setExecId("bg").build());

    tasks.kill(KillRequest.newBuilder().setId("private").setSignal(9).build());
    tasks.wait(WaitRequest.newBuilder().setId("private").build());
    StateResponse exec = tasks.state(StateRequest.newBuilder().setId("private").setExecId("bg").build());

    assertThat(exec.getStatus()).isEqualTo(io.jshim.proto.types.task.Status.STOPPED);
    assertThat(exec.getExitStatus()).isEqualTo(137);
  }

  @Test
  void exec_withUserInSpec_runsAsThatUser() throws IOException {
    startTask("user", fixture.bundle(testbin(), "sleep", "60").namespaces("pid").write());
    ObjectNode spec = spec(List.of(testbin(), "id"));
    spec.putObject("user").put("uid", 1000).put("gid", 1000);
    exec("user", "asuser", spec, dir.resolve("asuser"));

    tasks.start(StartRequest.newBuilder().setId("user").setExecId("asuser").build());
    tasks.wait(WaitRequest.newBuilder().setId("user").setExecId("asuser").build());

    assertThat(Files.readString(dir.resolve("asuser")).trim()).isEqualTo("uid=1000 gid=1000");
  }

  @Test
  void pids_runningExec_listedAfterInit() throws IOException {
    int initPid = startTask("listed", fixture.bundle(testbin(), "sleep", "60").namespaces("pid").write());
    exec("listed", "bg", List.of(testbin(), "sleep", "60"), dir.resolve("bg"));
    int execPid = tasks.start(StartRequest.newBuilder().setId("listed").setExecId("bg").build()).getPid();

    List<Integer> pids = tasks.pids(PidsRequest.newBuilder().setId("listed").build()).getProcessesList().stream()
        .map(ProcessInfo::getPid).toList();

    assertThat(pids).containsExactly(initPid, execPid);
  }

  @Test
  void start_execInPausedTask_failedPrecondition() throws IOException {
    startTask("frozen", fixture.bundle(testbin(), "sleep", "60").namespaces("pid").write());
    exec("frozen", "e", List.of(testbin(), "exit", "0"), dir.resolve("e"));
    tasks.pause(PauseRequest.newBuilder().setId("frozen").build());
    try {
      assertCode(Status.Code.FAILED_PRECONDITION, () -> tasks.start(StartRequest.newBuilder().setId("frozen").setExecId("e").build()));
    } finally {
      tasks.resume(ResumeRequest.newBuilder().setId("frozen").build());
    }
  }

  private String testbin() {
    return Privileged.testbin().toString();
  }

  private int startTask(String id, Path bundle) {
    tasks.create(CreateTaskRequest.newBuilder().setId(id).setBundle(bundle.toString()).build());
    return tasks.start(StartRequest.newBuilder().setId(id).build()).getPid();
  }

  /** Runs {@code /bin/jshim-testbin ARGS} as an exec and returns its trimmed output. */
  private String runExec(String id, String execId, String... args) throws IOException {
    List<String> argv = new ArrayList<>(List.of("/bin/jshim-testbin"));
    argv.addAll(List.of(args));
    Path out = dir.resolve(execId + ".out");
    exec(id, execId, argv, out);
    tasks.start(StartRequest.newBuilder().setId(id).setExecId(execId).build());
    int status = tasks.wait(WaitRequest.newBuilder().setId(id).setExecId(execId).build()).getExitStatus();
    tasks.delete(DeleteRequest.newBuilder().setId(id).setExecId(execId).build());
    assertThat(status).as("exit of %s", argv).isZero();
    return Files.readString(out).trim();
  }

  private void exec(String id, String execId, List<String> args, Path stdout) {
    exec(id, execId, spec(args), stdout);
  }

  private void exec(String id, String execId, ObjectNode spec, Path stdout) {
    tasks.exec(ExecProcessRequest.newBuilder().setId(id).setExecId(execId).setStdout(stdout.toString())
        .setStderr(stdout.toString()).setSpec(Any.newBuilder().setTypeUrl(PROCESS_TYPE)
            .setValue(ByteString.copyFromUtf8(spec.toString()))).build());
  }

  private static ObjectNode spec(List<String> args) {
    ObjectNode spec = JSON.createObjectNode();
    ArrayNode argv = spec.putArray("args");
    args.forEach(argv::add);
    spec.putArray("env").add("PATH=/bin:/usr/bin");
    spec.put("cwd", "/");
    return spec;
  }

  private static void assertNotFound(Runnable call) {
    assertCode(Status.Code.NOT_FOUND, call);
  }

  private static void assertCode(Status.Code code, Runnable call) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class,
        e -> assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(code));
  }
}
