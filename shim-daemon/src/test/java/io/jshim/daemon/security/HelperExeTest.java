package io.jshim.daemon.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.jshim.daemon.DaemonFixture;
import io.jshim.daemon.Privileged;
import io.jshim.proto.task.v2.CreateTaskRequest;
import io.jshim.proto.task.v2.DeleteRequest;
import io.jshim.proto.task.v2.ExecProcessRequest;
import io.jshim.proto.task.v2.KillRequest;
import io.jshim.proto.task.v2.StartRequest;
import io.jshim.proto.task.v2.TaskGrpc;
import io.jshim.proto.task.v2.WaitRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CVE-2019-5736 class: while the helper's code runs inside a container (an init held before Start, an exec
 * being set up), a process of the container must not open {@code /proc/PID/exe} of it, and nothing may write the
 * helper through that link. The probe is {@code jshim-testbin probe-exe}: it opens every other process's exe with
 * O_PATH, and for each that names jshim-spawn reads it and writes a byte back, at once and after its pass.
 *
 * <p>The processes of the container get runc's default capability set (no CAP_SYS_PTRACE), the held ones too:
 * then the kernel's capability subset rule lets the probe in, and only the helper's own protection stops it.
 */
@Tag("privileged")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HelperExeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROCESS_TYPE = "types.containerd.io/opencontainers/runtime-spec/1/Process";
  private static final List<String> RUNC_DEFAULT_CAPS = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID",
      "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
      "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");
  private static final Pattern COUNTS = Pattern.compile(
      "probes=(\\d+) denied=(\\d+) helper-opened=(\\d+) helper-read=(\\d+) helper-writable=(\\d+)");

  @TempDir
  Path dir;

  private DaemonFixture fixture;
  private TaskGrpc.TaskBlockingStub tasks;
  private String helperDigest;

  @BeforeEach
  void startDaemon() throws IOException {
    Privileged.assumeRoot();
    fixture = DaemonFixture.start(dir);
    tasks = fixture.stub();
    helperDigest = sha256(Privileged.helper());
  }

  @AfterEach
  void stopDaemon() throws IOException {
    if (fixture != null) {
      fixture.close();
      assertThat(sha256(Privileged.helper())).as("the helper binary on the host").isEqualTo(helperDigest);
    }
  }

  @Test
  void probe_heldInitInSharedPidNamespace_cannotOpenItsExe() throws IOException {
    int prober = startProberTask();
    createHeldInitIn("held", prober);

    Map<String, Long> counts = probeOnce("p1", RUNC_DEFAULT_CAPS);

    assertThat(counts.get("denied")).as("the held init, seen and refused").isGreaterThanOrEqualTo(1);
    assertThat(counts.get("helper-opened")).isZero();
    assertThat(counts.get("helper-writable")).isZero();
  }

  @Test
  void probe_withCapSysPtrace_opensOnlyASealedCopyThatCannotBeWritten() throws IOException {
    int prober = startProberTask();
    createHeldInitIn("held", prober);
    List<String> caps = new java.util.ArrayList<>(RUNC_DEFAULT_CAPS);
    caps.add("CAP_SYS_PTRACE");

    Path out = dir.resolve("ptrace.out");
    Map<String, Long> counts = probe("p2", caps, "0", out);

    assertThat(counts.get("helper-opened")).as("CAP_SYS_PTRACE lets the probe open the held init's exe").isEqualTo(1);
    assertThat(Files.readString(out)).as("what it opened").contains("-> /memfd:jshim-spawn (deleted)")
        .doesNotContain(Privileged.helper().toString());
    assertThat(counts.get("helper-writable")).isZero();
  }

  @Test
  void probe_duringManyExecs_neverOpensTheHelper() throws Exception {
    Path bundle = fixture.bundle("/bin/jshim-testbin", "probe-exe", "600").namespaces("pid", "mount").testRootfs()
        .customize(config -> capabilities((ObjectNode) config.get("process"), RUNC_DEFAULT_CAPS)).write();
    Path out = dir.resolve("init-probe.out");
    tasks.create(CreateTaskRequest.newBuilder().setId("box").setBundle(bundle.toString()).setStdout(out.toString())
        .build());
    tasks.start(StartRequest.newBuilder().setId("box").build());
    for (int i = 0; i < 100; i++) {
      runExec("box", "e" + i, RUNC_DEFAULT_CAPS, dir.resolve("e.out"), "/bin/jshim-testbin", "exit", "0");
    }
    // the probe prints each find at once (flushed): what it saw survives the kill
    tasks.kill(KillRequest.newBuilder().setId("box").setSignal(9).build());
    tasks.wait(WaitRequest.newBuilder().setId("box").build());
    tasks.delete(DeleteRequest.newBuilder().setId("box").build());

    String probeOutput = Files.readString(out);
    assertThat(probeOutput).doesNotContain("opened ").doesNotContain("writable through");
  }

  private int startProberTask() throws IOException {
    Path bundle = fixture.bundle("/bin/jshim-testbin", "sleep", "60").namespaces("pid", "mount").testRootfs().write();
    tasks.create(CreateTaskRequest.newBuilder().setId("prober").setBundle(bundle.toString()).build());
    return tasks.start(StartRequest.newBuilder().setId("prober").build()).getPid();
  }

  /** Creates (and leaves held before execve) a task that joins the pid namespace of {@code pid}. */
  private void createHeldInitIn(String id, int pid) throws IOException {
    Path bundle = new DaemonFixture.BundleBuilder(dir.resolve(id), List.of("/bin/jshim-testbin", "sleep", "60"))
        .namespaces("mount").testRootfs().customize(config -> {
          ((ArrayNode) config.get("linux").get("namespaces")).addObject().put("type", "pid")
              .put("path", "/proc/" + pid + "/ns/pid");
          capabilities((ObjectNode) config.get("process"), RUNC_DEFAULT_CAPS);
        }).write();
    tasks.create(CreateTaskRequest.newBuilder().setId(id).setBundle(bundle.toString()).build());
  }

  private Map<String, Long> probeOnce(String execId, List<String> caps) throws IOException {
    return probe(execId, caps, "0", dir.resolve(execId + ".out"));
  }

  private Map<String, Long> probe(String execId, List<String> caps, String seconds, Path out) throws IOException {
    runExec("prober", execId, caps, out, "/bin/jshim-testbin", "probe-exe", seconds);
    return counts(Files.readString(out));
  }

  private void runExec(String id, String execId, List<String> caps, Path out, String... args) {
    ObjectNode spec = JSON.createObjectNode();
    ArrayNode argv = spec.putArray("args");
    for (String arg : args) {
      argv.add(arg);
    }
    spec.putArray("env").add("PATH=/bin");
    spec.put("cwd", "/");
    capabilities(spec, caps);
    tasks.exec(ExecProcessRequest.newBuilder().setId(id).setExecId(execId).setStdout(out.toString())
        .setStderr(out.toString()).setSpec(Any.newBuilder().setTypeUrl(PROCESS_TYPE)
            .setValue(ByteString.copyFromUtf8(spec.toString()))).build());
    tasks.start(StartRequest.newBuilder().setId(id).setExecId(execId).build());
    int status = tasks.wait(WaitRequest.newBuilder().setId(id).setExecId(execId).build()).getExitStatus();
    tasks.delete(DeleteRequest.newBuilder().setId(id).setExecId(execId).build());
    assertThat(status).as("exit of exec %s", execId).isZero();
  }

  private static void capabilities(ObjectNode process, List<String> caps) {
    ObjectNode sets = process.putObject("capabilities");
    for (String set : List.of("bounding", "effective", "permitted")) {
      ArrayNode names = sets.putArray(set);
      caps.forEach(names::add);
    }
  }

  private static Map<String, Long> counts(String output) {
    Matcher m = COUNTS.matcher(output);
    assertThat(m.find()).as("probe summary in %s", output).isTrue();
    Map<String, Long> counts = new TreeMap<>();
    String[] names = {"probes", "denied", "helper-opened", "helper-read", "helper-writable"};
    for (int i = 0; i < names.length; i++) {
      counts.put(names[i], Long.parseLong(m.group(i + 1)));
    }
    return counts;
  }

  private static String sha256(Path file) throws IOException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
