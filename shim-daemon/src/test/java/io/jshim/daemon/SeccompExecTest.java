package io.jshim.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.jshim.proto.task.v2.CreateTaskRequest;
import io.jshim.proto.task.v2.DeleteRequest;
import io.jshim.proto.task.v2.ExecProcessRequest;
import io.jshim.proto.task.v2.KillRequest;
import io.jshim.proto.task.v2.StartRequest;
import io.jshim.proto.task.v2.StateRequest;
import io.jshim.proto.task.v2.TaskGrpc;
import io.jshim.proto.task.v2.WaitRequest;
import java.io.IOException;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An exec gets its task's linux.seccomp, as under runc, loaded with and without the exec's no_new_privs; a created
 * init is already filtered before Start, as runc loads the filter before it reports the container created.
 */
@Tag("privileged")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SeccompExecTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROCESS_TYPE = "types.containerd.io/opencontainers/runtime-spec/1/Process";
  /** getppid fails with EPERM, everything else is allowed. */
  private static final String PROFILE = "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getppid\"],"
      + "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}]}";

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
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void exec_taskWithProfile_execFilteredWithAndWithoutNoNewPrivs() throws IOException {
    startTask("filtered", PROFILE);

    assertThat(runExec("filtered", "nnp", true, "status", "Seccomp")).isEqualTo("2");
    assertThat(runExec("filtered", "privs", false, "status", "Seccomp")).isEqualTo("2");
    assertThat(runExec("filtered", "nnp-ppid", true, "ppid")).isEqualTo("-1");
    assertThat(runExec("filtered", "privs-ppid", false, "ppid")).isEqualTo("-1");
    assertThat(runExec("filtered", "privs-nnp", false, "status", "NoNewPrivs")).isEqualTo("0");
    stopTask("filtered");
  }

  @Test
  void exec_taskWithoutProfile_execUnfiltered() throws IOException {
    startTask("plain", null);

    assertThat(runExec("plain", "plain", true, "status", "Seccomp")).isEqualTo("0");
    assertThat(runExec("plain", "ppid", true, "ppid")).isEqualTo("0");
    stopTask("plain");
  }

  @ParameterizedTest(name = "noNewPrivileges={0}")
  @ValueSource(booleans = {true, false})
  void create_profile_createdInitAlreadyFilteredBeforeStart(boolean noNewPrivs) throws IOException {
    createTask("held", PROFILE, noNewPrivs);
    int pid = tasks.state(StateRequest.newBuilder().setId("held").build()).getPid();

    assertThat(Files.readAllLines(Path.of("/proc/" + pid + "/status")))
        .contains("Seccomp:\t2", "NoNewPrivs:\t" + (noNewPrivs ? 1 : 0));
    stopTask("held");
  }

  private void startTask(String id, String seccomp) throws IOException {
    createTask(id, seccomp, true);
    tasks.start(StartRequest.newBuilder().setId(id).build());
  }

  private void createTask(String id, String seccomp, boolean noNewPrivs) throws IOException {
    Path bundle = fixture.bundle(Privileged.testbin().toString(), "sleep", "60").namespaces("pid", "mount")
        .testRootfs().customize(config -> {
          ((ObjectNode) config.get("process")).putArray("args").add("/bin/jshim-testbin").add("sleep").add("60");
          ((ObjectNode) config.get("process")).put("noNewPrivileges", noNewPrivs);
          if (seccomp != null) {
            try {
              config.with("linux").set("seccomp", JSON.readTree(seccomp));
            } catch (IOException e) {
              throw new AssertionError(e);
            }
          }
        }).write();
    tasks.create(CreateTaskRequest.newBuilder().setId(id).setBundle(bundle.toString()).build());
  }

  private void stopTask(String id) {
    tasks.kill(KillRequest.newBuilder().setId(id).setSignal(9).build());
    tasks.wait(WaitRequest.newBuilder().setId(id).build());
    tasks.delete(DeleteRequest.newBuilder().setId(id).build());
  }

  private String runExec(String id, String execId, boolean noNewPrivs, String... args) throws IOException {
    ObjectNode spec = JSON.createObjectNode();
    ArrayNode argv = spec.putArray("args").add("/bin/jshim-testbin");
    List.of(args).forEach(argv::add);
    spec.putArray("env").add("PATH=/bin");
    spec.put("cwd", "/");
    spec.put("noNewPrivileges", noNewPrivs);
    Path out = dir.resolve(execId + ".out");
    tasks.exec(ExecProcessRequest.newBuilder().setId(id).setExecId(execId).setStdout(out.toString())
        .setStderr(out.toString()).setSpec(Any.newBuilder().setTypeUrl(PROCESS_TYPE)
            .setValue(ByteString.copyFromUtf8(spec.toString()))).build());
    tasks.start(StartRequest.newBuilder().setId(id).setExecId(execId).build());
    int status = tasks.wait(WaitRequest.newBuilder().setId(id).setExecId(execId).build()).getExitStatus();
    tasks.delete(DeleteRequest.newBuilder().setId(id).setExecId(execId).build());
    assertThat(status).as("exit of exec %s", List.of(args)).isZero();
    return Files.readString(out).trim();
  }
}
