package io.jshim.daemon.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.jshim.daemon.DaemonFixture;
import io.jshim.daemon.Privileged;
import io.jshim.proto.task.v2.CreateTaskRequest;
import io.jshim.proto.task.v2.ExecProcessRequest;
import io.jshim.proto.task.v2.StartRequest;
import io.jshim.proto.task.v2.TaskGrpc;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CVE-2024-21626 class: a working directory given as a /proc magic link ({@code /proc/self/fd/N} of an fd
 * the runtime leaked, a host process's {@code root} or {@code cwd}) must never start the container's program
 * outside its root. Every such cwd is refused, for the init and for an exec.
 */
@Tag("privileged")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CwdEscapeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROCESS_TYPE = "types.containerd.io/opencontainers/runtime-spec/1/Process";
  private static final int FDS = 64;

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
  void create_cwdProcSelfFdN_refusedForEveryNBelow64() throws IOException {
    for (int n = 0; n < FDS; n++) {
      String id = "fd" + n;
      String cwd = "/proc/self/fd/" + n;
      Path bundle = new DaemonFixture.BundleBuilder(dir.resolve(id), java.util.List.of("/bin/jshim-testbin", "cwd"))
          .namespaces("pid", "mount").testRootfs()
          .customize(config -> ((ObjectNode) config.get("process")).put("cwd", cwd)).write();

      assertThatThrownBy(() -> tasks.create(CreateTaskRequest.newBuilder().setId(id).setBundle(bundle.toString())
          .build())).as("Create with cwd %s", cwd).isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getDescription()).contains("chdir \"" + cwd + "\""));
    }
  }

  @Test
  void exec_cwdProcSelfFdN_refusedForEveryNBelow64() throws IOException {
    Path bundle = fixture.bundle("/bin/jshim-testbin", "sleep", "60").namespaces("pid", "mount").testRootfs().write();
    tasks.create(CreateTaskRequest.newBuilder().setId("box").setBundle(bundle.toString()).build());
    tasks.start(StartRequest.newBuilder().setId("box").build());
    for (int n = 0; n < FDS; n++) {
      String execId = "fd" + n;
      String cwd = "/proc/self/fd/" + n;
      tasks.exec(ExecProcessRequest.newBuilder().setId("box").setExecId(execId)
          .setSpec(processSpec(cwd, "/bin/jshim-testbin", "cwd")).build());

      assertThatThrownBy(() -> tasks.start(StartRequest.newBuilder().setId("box").setExecId(execId).build()))
          .as("exec Start with cwd %s", cwd).isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getDescription()).contains("chdir \"" + cwd + "\""));
    }
  }

  @Test
  void create_cwdLinkToAHostProcessRoot_refusedAsOutsideTheRoot() throws IOException {
    // no pid namespace and a proc of the host's pids: /proc/<this JVM>/root leads to the host's /
    String cwd = "/proc/" + ProcessHandle.current().pid() + "/root";
    Path bundle = fixture.bundle("/bin/jshim-testbin", "cwd").namespaces("mount").testRootfs().customize(config -> {
      ((ObjectNode) config.get("process")).put("cwd", cwd);
      ArrayNode mounts = config.putArray("mounts");
      mounts.addObject().put("destination", "/proc").put("type", "proc").put("source", "proc");
    }).write();

    assertThatThrownBy(() -> tasks.create(CreateTaskRequest.newBuilder().setId("hostroot")
        .setBundle(bundle.toString()).build())).isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getDescription()).contains("chdir \"" + cwd + "\" left the container's root"));
  }

  private static Any processSpec(String cwd, String... args) {
    ObjectNode spec = JSON.createObjectNode();
    ArrayNode argv = spec.putArray("args");
    for (String arg : args) {
      argv.add(arg);
    }
    spec.putArray("env").add("PATH=/bin");
    spec.put("cwd", cwd);
    return Any.newBuilder().setTypeUrl(PROCESS_TYPE).setValue(ByteString.copyFromUtf8(spec.toString())).build();
  }
}
