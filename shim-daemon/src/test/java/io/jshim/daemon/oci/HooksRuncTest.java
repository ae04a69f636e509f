package io.jshim.daemon.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.jshim.daemon.DaemonFixture;
import io.jshim.proto.task.v2.CreateTaskRequest;
import io.jshim.proto.task.v2.DeleteRequest;
import io.jshim.proto.task.v2.StartRequest;
import io.jshim.proto.task.v2.StateRequest;
import io.jshim.proto.task.v2.TaskGrpc;
import io.jshim.proto.task.v2.WaitRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * OCI hooks under jshim against {@code runc} 1.1.5 on the same bundle (runc's default config plus hooks). Every
 * hook is {@code /bin/busybox} with {@code args[0] = "sh"} (so argv[0] must be the given one: busybox picks its
 * applet by it) running {@code hook.sh}, which writes to {@code OUT/KIND} what it saw: its arguments, its whole
 * environment, its working directory, for each namespace whether it is the host's (the host's inodes come in the
 * hook's env), whether {@code /} is the container's root, its uid, and the state JSON it read on stdin. The two
 * runtimes' files must match after the container id, the bundle path, the output directory and host pids (a pid
 * other than 1) are replaced by placeholders.
 *
 * <p>Known differences, asserted as such: runc 1.1.5 runs poststart hooks inside {@code runc create}, before the
 * program runs (state {@code created}; fixed in later runc, against the spec); jshim runs them in Start after the
 * program's execve (state {@code running}), so a failing poststart hook fails Start there and Create in runc. A
 * failing startContainer hook makes {@code runc start} still exit 0 (the error is only on the container's stderr)
 * and the container exit; jshim's Start fails with the hook's error, and the container exits too.
 */
@Tag("privileged")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HooksRuncTest {
  private static final String RUN = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
  private static final List<String> KINDS = List.of("prestart", "createRuntime", "createContainer", "startContainer",
      "poststart", "poststop");
  private static final List<String> NAMESPACES = List.of("mnt", "pid", "uts", "ipc", "net");
  private static final String CONTAINER_OUT = "/hookout";
  private static final String SCRIPT = """
      kind=$1 out=$2 code=$3
      state=$(cat)
      {
        echo "args: $*"
        echo "env:"
        env | sort
        echo "cwd: $(pwd)"
        for ns in mnt pid uts ipc net; do
          eval host=\\$HOST_NS_$ns
          if [ "$(readlink /proc/self/ns/$ns)" = "$host" ]; then echo "ns $ns: host"; else echo "ns $ns: other"; fi
        done
        if [ -e /report.sh ]; then echo "root: container"; else echo "root: host"; fi
        echo "uid: $(id -u)"
        echo "state: $state"
      } > "$out/$kind"
      if [ -n "$4" ]; then exec sleep "$4"; fi
      exit "$code"
      """;

  @TempDir
  Path dir;

  private SideBySide both;
  private Runc runc;
  private Bundles bundles;
  private DaemonFixture fixture;
  private Path script;
  private final Map<String, String> hostNs = new TreeMap<>();

  @BeforeEach
  void setUp() throws IOException {
    both = SideBySide.start(dir);
    runc = both.runc();
    bundles = both.bundles();
    fixture = both.fixture();
    script = dir.resolve("hook.sh");
    Files.writeString(script, SCRIPT);
    TestRootfs.setMode(script, 0755);
    for (String ns : NAMESPACES) {
      hostNs.put(ns, Files.readSymbolicLink(Path.of("/proc/self/ns", ns)).toString());
    }
  }

  @AfterEach
  void tearDown() throws IOException {
    if (both != null) {
      both.close();
    }
  }

  @Test
  void allSixKinds_runcAndJshim_sameArgsEnvNamespacesAndState() throws IOException {
    Outcome byRunc = underRunc("all", Map.of());
    Outcome byJshim = underJshim("all", Map.of());

    assertThat(byRunc.failedStep).as("runc: %s", byRunc.messages).isEqualTo("none");
    assertThat(byJshim.failedStep).as("jshim: %s", byJshim.messages).isEqualTo("none");
    assertThat(byRunc.seen.keySet()).containsExactlyInAnyOrderElementsOf(KINDS);
    // the one known difference (see the class comment): runc 1.1.5's poststart runs inside create
    assertThat(byRunc.seen.get("poststart")).contains("\"status\":\"created\"");
    assertThat(byJshim.seen.get("poststart")).contains("\"status\":\"running\"");
    Map<String, String> expected = new TreeMap<>(byRunc.seen);
    expected.computeIfPresent("poststart", (k, v) -> v.replace("\"status\":\"created\"", "\"status\":\"running\""));
    for (String kind : KINDS) {
      assertThat(byJshim.seen.get(kind)).as("%s hook under jshim (runc's: %s)", kind, expected.get(kind))
          .isEqualTo(expected.get(kind));
    }
    // the spec's placement, checked directly (the comparison alone would accept a shared mistake)
    assertThat(byJshim.seen.get("prestart")).contains("ns mnt: host", "ns pid: host", "root: host", "cwd: <bundle>\n",
        "\"pid\":\"<pid>\"", "\"status\":\"creating\"");
    assertThat(byJshim.seen.get("createContainer")).contains("ns mnt: other", "ns pid: other", "root: host",
        "cwd: <bundle>/rootfs\n", "\"pid\":1,");
    assertThat(byJshim.seen.get("startContainer")).contains("ns mnt: other", "root: container", "\"status\":\"created\"");
    assertThat(byJshim.seen.get("poststop")).contains("ns mnt: host", "\"status\":\"stopped\"").doesNotContain("\"pid\"");
    assertThat(byJshim.seen.get("createRuntime")).contains("args: createRuntime <out> 0\n", "A=1\n", "B=two words\n")
        .doesNotContain("HOME=", "JAVA_HOME");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Failing.class)
  void failingHook_runcAndJshim_sameStepFailsSameHooksRan(Failing failing) throws IOException {
    Map<String, ObjectNode> overrides = Map.of(failing.kind, hook(failing.kind, 1, 0, 0));

    Outcome byRunc = underRunc("fail-" + failing.kind, overrides);
    Outcome byJshim = underJshim("fail-" + failing.kind, overrides);

    assertThat(byRunc.failedStep).as("runc: %s", byRunc.messages).isEqualTo(failing.runcStep);
    assertThat(byRunc.seen.keySet()).as("hooks run by runc").containsExactlyInAnyOrderElementsOf(failing.runcRan);
    assertThat(byJshim.failedStep).as("jshim: %s", byJshim.messages).isEqualTo(failing.jshimStep);
    assertThat(byJshim.seen.keySet()).as("hooks run by jshim").containsExactlyInAnyOrderElementsOf(failing.jshimRan);
    if (!failing.jshimStep.equals("none")) {
      assertThat(byJshim.messages).contains(failing.kind + " hook #0").contains("exited with status 1");
    }
    if (failing.jshimStep.equals("create")) {
      assertThat(byJshim.leftBehind).as("jshim after a failed create").isFalse();
      assertThat(byRunc.leftBehind).as("runc after a failed create").isFalse();
    }
    if (failing == Failing.START_CONTAINER) {
      assertThat(byJshim.programRan).as("jshim: the program after a failed startContainer hook").isFalse();
      assertThat(byRunc.programRan).as("runc: the program after a failed startContainer hook").isFalse();
    }
  }

  @Test
  void prestartPastItsTimeout_runcAndJshim_createFailsWithinTheTimeout() throws IOException {
    Map<String, ObjectNode> overrides = Map.of("prestart", hook("prestart", 0, 30, 1));

    long start = System.nanoTime();
    Outcome byRunc = underRunc("timeout", overrides);
    Duration runcTook = Duration.ofNanos(System.nanoTime() - start);
    start = System.nanoTime();
    Outcome byJshim = underJshim("timeout", overrides);
    Duration jshimTook = Duration.ofNanos(System.nanoTime() - start);

    assertThat(byRunc.failedStep).as("runc: %s", byRunc.messages).isEqualTo("create");
    assertThat(byJshim.failedStep).as("jshim: %s", byJshim.messages).isEqualTo("create");
    assertThat(byJshim.messages).contains("prestart hook #0", "timeout of 1 s");
    assertThat(byJshim.seen.keySet()).isEqualTo(byRunc.seen.keySet()).contains("prestart", "poststop")
        .doesNotContain("createRuntime");
    assertThat(runcTook).isLessThan(Duration.ofSeconds(20));
    assertThat(jshimTook).isLessThan(Duration.ofSeconds(20));
    assertThat(byJshim.leftBehind).isFalse();
  }

  @Test
  void hookThatCannotExec_runcAndJshim_createFails() throws IOException {
    ObjectNode missing = hook("createRuntime", 0, 0, 0).put("path", "/nonexistent/hook");
    Map<String, ObjectNode> overrides = Map.of("createRuntime", missing);

    Outcome byRunc = underRunc("noexec", overrides);
    Outcome byJshim = underJshim("noexec", overrides);

    assertThat(byRunc.failedStep).as("runc: %s", byRunc.messages).isEqualTo("create");
    assertThat(byJshim.failedStep).as("jshim: %s", byJshim.messages).isEqualTo("create");
    assertThat(byJshim.messages).contains("execve /nonexistent/hook", "No such file or directory");
    assertThat(byJshim.seen.keySet()).isEqualTo(byRunc.seen.keySet());
  }

  @Test
  void relativeHookPath_jshim_createRefusedNamingTheField() throws IOException {
    ObjectNode config = config(Map.of("prestart", hook("prestart", 0, 0, 0).put("path", "bin/busybox")),
        outDir("relative"));
    Path bundle = bundles.write("relative-jshim", config);
    TaskGrpc.TaskBlockingStub tasks = TaskGrpc.newBlockingStub(fixture.channel()).withDeadlineAfter(30, TimeUnit.SECONDS);

    assertThatThrownBy(() -> tasks.create(CreateTaskRequest.newBuilder().setId("relative-" + RUN)
        .setBundle(bundle.toString()).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).contains("hooks.prestart[0].path", "absolute");
        });
  }

  /** One failing hook kind, and what each runtime does about it (see the class comment for the differences). */
  enum Failing {
    PRESTART("prestart", "create", List.of("prestart", "poststop"), "create", List.of("prestart", "poststop")),
    CREATE_RUNTIME("createRuntime", "create", List.of("prestart", "createRuntime", "poststop"),
        "create", List.of("prestart", "createRuntime", "poststop")),
    CREATE_CONTAINER("createContainer", "create", List.of("prestart", "createRuntime", "createContainer", "poststop"),
        "create", List.of("prestart", "createRuntime", "createContainer", "poststop")),
    START_CONTAINER("startContainer", "none", KINDS, "start", KINDS.stream().filter(k -> !k.equals("poststart")).toList()),
    POSTSTART("poststart", "create", List.of("prestart", "createRuntime", "createContainer", "poststart", "poststop"),
        "start", KINDS),
    POSTSTOP("poststop", "none", KINDS, "none", KINDS);

    final String kind;
    final String runcStep;
    final List<String> runcRan;
    final String jshimStep;
    final List<String> jshimRan;

    Failing(String kind, String runcStep, List<String> runcRan, String jshimStep, List<String> jshimRan) {
      this.kind = kind;
      this.runcStep = runcStep;
      this.runcRan = runcRan;
      this.jshimStep = jshimStep;
      this.jshimRan = jshimRan;
    }
  }

  /**
   * What a lifecycle showed: the first step that failed ("create", "start", "delete" or "none"), the error
   * messages, what each hook saw (normalised), whether anything of the container was left after a failed create,
   * and whether its program printed.
   */
  private record Outcome(String failedStep, String messages, Map<String, String> seen, boolean leftBehind,
      boolean programRan) {}

  private Outcome underRunc(String name, Map<String, ObjectNode> overrides) throws IOException {
    String id = "runc-hooks-" + name + "-" + RUN;
    Path out = outDir(id);
    Path bundle = writeBundle(id, config(overrides, out));
    Path stdout = dir.resolve(id + ".out");
    Duration step = Duration.ofSeconds(60);
    StringBuilder messages = new StringBuilder();
    String failed = "none";
    boolean leftBehind = false;
    Runc.Result created = runc.create(bundle, id, stdout, step);
    messages.append(created.stderr());
    if (created.exitStatus() != 0) {
      failed = "create";
      leftBehind = runc.command(step, dir.resolve(id + ".state"), bundle, "state", id).exitStatus() == 0;
    } else {
      Runc.Result started = runc.command(step, dir.resolve(id + ".start"), bundle, "start", id);
      messages.append(started.stderr());
      if (started.exitStatus() != 0) {
        failed = "start";
      }
      awaitRuncStopped(id, bundle);
      Runc.Result deleted = runc.command(step, dir.resolve(id + ".delete"), bundle, "delete", id);
      messages.append(deleted.stderr());
      if (deleted.exitStatus() != 0 && failed.equals("none")) {
        failed = "delete";
      }
    }
    return new Outcome(failed, messages.toString(), seen(out, id, bundle), leftBehind, printed(stdout));
  }

  private Outcome underJshim(String name, Map<String, ObjectNode> overrides) throws IOException {
    String id = "jshim-hooks-" + name + "-" + RUN;
    Path out = outDir(id);
    Path bundle = writeBundle(id, config(overrides, out));
    Path stdout = dir.resolve(id + ".out");
    TaskGrpc.TaskBlockingStub tasks = TaskGrpc.newBlockingStub(fixture.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
    StringBuilder messages = new StringBuilder();
    String failed = "none";
    boolean leftBehind = false;
    try {
      tasks.create(CreateTaskRequest.newBuilder().setId(id).setBundle(bundle.toString()).setStdout(stdout.toString())
          .setStderr(dir.resolve(id + ".err").toString()).build());
    } catch (StatusRuntimeException e) {
      messages.append(e.getStatus().getDescription());
      failed = "create";
      try {
        tasks.state(StateRequest.newBuilder().setId(id).build());
        leftBehind = true;
      } catch (StatusRuntimeException expected) {
        leftBehind = expected.getStatus().getCode() != Status.Code.NOT_FOUND;
      }
    }
    if (failed.equals("none")) {
      try {
        tasks.start(StartRequest.newBuilder().setId(id).build());
      } catch (StatusRuntimeException e) {
        messages.append(e.getStatus().getDescription());
        failed = "start";
      }
      tasks.wait(WaitRequest.newBuilder().setId(id).build());
      tasks.delete(DeleteRequest.newBuilder().setId(id).build());
    }
    return new Outcome(failed, messages.toString(), seen(out, id, bundle), leftBehind, printed(stdout));
  }

  private void awaitRuncStopped(String id, Path bundle) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      Runc.Result state = runc.command(Duration.ofSeconds(10), dir.resolve(id + ".state"), bundle, "state", id);
      if (state.exitStatus() != 0 || state.stderr().contains("\"stopped\"")) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    throw new AssertionError("runc's container " + id + " did not stop within 20 s");
  }

  private Path outDir(String id) throws IOException {
    Path out = Files.createDirectory(dir.resolve(id + ".hooks"));
    TestRootfs.setMode(out, 0777);
    return out;
  }

  private Path writeBundle(String id, ObjectNode config) throws IOException {
    Path bundle = bundles.write(id, config);
    Path rootfs = bundle.resolve("rootfs");
    Files.copy(script, rootfs.resolve("hook.sh"));
    TestRootfs.setMode(rootfs.resolve("hook.sh"), 0755);
    Files.createDirectories(rootfs.resolve(CONTAINER_OUT.substring(1)));
    return bundle;
  }

  /** runc's default config, the program printing one line, a hook of every kind (OVERRIDES replace some). */
  private ObjectNode config(Map<String, ObjectNode> overrides, Path out) throws IOException {
    ObjectNode config = Runc.defaultSpec(Path.of(Runc.binary().orElseThrow().toString()));
    ObjectNode process = (ObjectNode) config.get("process");
    process.put("terminal", false);
    ArrayNode args = process.putArray("args");
    Stream.of("/bin/sh", "-c", "echo program ran").forEach(args::add);
    ((ObjectNode) config.get("root")).put("path", "rootfs");
    ObjectNode bind = ((ArrayNode) config.get("mounts")).addObject().put("destination", CONTAINER_OUT).put("type", "bind")
        .put("source", out.toString());
    bind.putArray("options").add("rbind");
    ObjectNode hooks = config.putObject("hooks");
    for (String kind : KINDS) {
      ObjectNode hook = overrides.getOrDefault(kind, hook(kind, 0, 0, 0));
      String where = kind.equals("startContainer") ? CONTAINER_OUT : out.toString();
      ArrayNode argv = (ArrayNode) hook.get("args");
      argv.set(3, argv.textNode(where));
      hooks.putArray(kind).add(hook);
    }
    return config;
  }

  /** busybox sh running hook.sh (the container's copy for startContainer); SLEEP seconds after writing; TIMEOUT 0 = none. */
  private ObjectNode hook(String kind, int exitCode, int sleep, int timeout) {
    ObjectNode hook = Bundles.JSON.createObjectNode();
    hook.put("path", TestRootfs.BUSYBOX.toString());
    ArrayNode args = hook.putArray("args");
    Stream.of("sh", kind.equals("startContainer") ? "/hook.sh" : script.toString(), kind, "OUT",
        Integer.toString(exitCode)).forEach(args::add);
    if (sleep > 0) {
      args.add(Integer.toString(sleep));
    }
    ArrayNode env = hook.putArray("env");
    env.add("A=1").add("B=two words");
    hostNs.forEach((ns, inode) -> env.add("HOST_NS_" + ns + "=" + inode));
    if (timeout > 0) {
      hook.put("timeout", timeout);
    }
    return hook;
  }

  /** What each hook wrote, normalised: id, bundle, output directory and host pids as placeholders. */
  private Map<String, String> seen(Path out, String id, Path bundle) throws IOException {
    Map<String, String> seen = new TreeMap<>();
    try (Stream<Path> files = Files.list(out)) {
      for (Path file : files.toList()) {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        StringBuilder normalised = new StringBuilder();
        for (String line : text.split("\n", -1)) {
          if (line.startsWith("state: ")) {
            line = "state: " + normaliseState(line.substring("state: ".length()), id, bundle);
          }
          normalised.append(line.replace(bundle.toString(), "<bundle>").replace(out.toString(), "<out>")
              .replace(id, "<id>")).append('\n');
        }
        seen.put(file.getFileName().toString(), normalised.toString());
      }
    }
    return seen;
  }

  private static String normaliseState(String json, String id, Path bundle) throws IOException {
    JsonNode state = Bundles.JSON.readTree(json);
    if (!(state instanceof ObjectNode object)) {
      return "not an object: " + json;
    }
    Map<String, Object> fields = new TreeMap<>();
    object.fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue()));
    ObjectNode sorted = Bundles.JSON.createObjectNode();
    fields.forEach((k, v) -> sorted.set(k, (JsonNode) v));
    if (sorted.has("pid") && sorted.get("pid").asInt() != 1) {
      sorted.put("pid", "<pid>");
    }
    if (sorted.path("id").asText().equals(id)) {
      sorted.put("id", "<id>");
    }
    if (sorted.path("bundle").asText().equals(bundle.toString())) {
      sorted.put("bundle", "<bundle>");
    }
    return sorted.toString();
  }

  private static boolean printed(Path stdout) throws IOException {
    return Files.exists(stdout) && Files.readString(stdout, StandardCharsets.UTF_8).contains("program ran");
  }
}
