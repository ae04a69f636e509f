package io.jshim.daemon.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.jshim.daemon.DaemonFixture;
import io.jshim.proto.task.v2.CreateTaskRequest;
import io.jshim.proto.task.v2.DeleteRequest;
import io.jshim.proto.task.v2.ExecProcessRequest;
import io.jshim.proto.task.v2.KillRequest;
import io.jshim.proto.task.v2.StartRequest;
import io.jshim.proto.task.v2.TaskGrpc;
import io.jshim.proto.task.v2.UpdateTaskRequest;
import io.jshim.proto.task.v2.WaitRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The OCI fields that are neither namespaces, mounts nor credentials ({@code linux.personality},
 * {@code process.ioPriority}, {@code process.scheduler}, {@code domainname}, {@code linux.timeOffsets} with a time
 * namespace, {@code process.execCPUAffinity}), read back from inside the container, each bundle also run by
 * {@code runc run}. Debian's runc 1.1.5 (runtime-spec 1.0.2) predates most of them: it runs such a bundle without
 * them (the report shows the defaults), and refuses a {@code time} namespace. jshim applies them as the runtime
 * spec 1.2 says. The security fields this host cannot apply (AppArmor and SELinux: the kernel has no such LSM;
 * Intel RDT: no resctrl) both runtimes refuse: runc exits 1 before the program runs, jshim fails Create with
 * FAILED_PRECONDITION naming the field, unless the daemon was started with {@code --allow-unapplied}.
 */
@Tag("privileged")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SpecFieldsTest {
  private static final String RUN = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
  private static final String PROCESS_TYPE = "types.containerd.io/opencontainers/runtime-spec/1/Process";
  /** What the container prints about itself; every line is one of the fields. */
  private static final String REPORT = String.join("; ",
      "echo machine $(uname -m)",
      "echo personality $(cat /proc/self/personality)",
      "echo io $(ionice)",
      "awk '{print \"sched nice=\" $19 \" policy=\" $41}' /proc/self/stat",
      "echo domainname $(cat /proc/sys/kernel/domainname)",
      "grep Cpus_allowed_list /proc/self/status",
      "cat /proc/self/timens_offsets",
      "awk '{print \"uptime days=\" int($1 / 86400)}' /proc/uptime");

  @TempDir
  Path dir;

  private Path runcBinary;
  private SideBySide both;
  private Runc runc;
  private Bundles bundles;
  private DaemonFixture fixture;
  private int runs;

  @BeforeEach
  void setUp() throws IOException {
    both = SideBySide.start(dir);
    runcBinary = both.runcBinary();
    runc = both.runc();
    bundles = both.bundles();
    fixture = both.fixture();
  }

  @AfterEach
  void tearDown() throws IOException {
    if (both != null) {
      both.close();
    }
  }

  @Test
  void personalityIoPrioritySchedulerDomainname_runcIgnoresThem_jshimAppliesThem() throws IOException {
    ObjectNode config = config(REPORT);
    config.put("domainname", "dom.example");
    ObjectNode linux = (ObjectNode) config.get("linux");
    linux.putObject("personality").put("domain", "LINUX32");
    ObjectNode process = (ObjectNode) config.get("process");
    process.putObject("ioPriority").put("class", "IOPRIO_CLASS_BE").put("priority", 6);
    process.putObject("scheduler").put("policy", "SCHED_BATCH").put("nice", 5);

    String byRunc = runRunc(config, 0);
    String byJshim = runJshim(config);

    assertThat(byRunc).as("runc 1.1.5 runs the bundle without the fields it does not know")
        .contains("machine x86_64\n", "personality 00000000\n", "io none: prio 0\n", "sched nice=0 policy=0\n",
            "domainname (none)\n");
    assertThat(byJshim).as("jshim applies them")
        .contains("machine i686\n", "personality 00000008\n", "io best-effort: prio 6\n", "sched nice=5 policy=3\n",
            "domainname dom.example\n");
  }

  @Test
  void timeNamespaceWithOffsets_runcRefusesTheNamespace_jshimRunsInItWithTheOffsets() throws IOException {
    ObjectNode config = config(REPORT);
    ObjectNode linux = (ObjectNode) config.get("linux");
    ((ArrayNode) linux.get("namespaces")).addObject().put("type", "time");
    ObjectNode offsets = linux.putObject("timeOffsets");
    offsets.putObject("monotonic").put("secs", 3600).put("nanosecs", 7);
    offsets.putObject("boottime").put("secs", 10 * 86400);

    Runc.Result byRunc = runc.run(bundles.write("runc-time-" + RUN, config), "runc-time-" + RUN,
        dir.resolve("runc-time.out"), Duration.ofSeconds(60));
    String byJshim = runJshim(config);

    assertThat(byRunc.exitStatus()).as("runc 1.1.5 knows no time namespace").isEqualTo(1);
    assertThat(byRunc.stderr()).contains("namespace {", "time", "} does not exist");
    assertThat(byJshim).contains("monotonic        3600         7\n", "boottime       864000         0\n");
    assertThat(uptimeDays(byJshim)).as("/proc/uptime counts from the shifted boot time").isGreaterThanOrEqualTo(10);
  }

  @Test
  void exec_ioPrioritySchedulerCpuAffinityAndTheTimeNamespace_appliedToTheExec() throws IOException {
    assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "needs two CPUs for a final affinity unlike the initial");
    ObjectNode config = config("sleep", "30");
    ObjectNode linux = (ObjectNode) config.get("linux");
    ((ArrayNode) linux.get("namespaces")).addObject().put("type", "time");
    linux.putObject("timeOffsets").putObject("boottime").put("secs", 20 * 86400);
    String id = "jshim-exec-" + RUN;
    TaskGrpc.TaskBlockingStub tasks = fixture.stub();
    tasks.create(CreateTaskRequest.newBuilder().setId(id).setBundle(bundles.write(id, config).toString()).build());
    tasks.start(StartRequest.newBuilder().setId(id).build());
    try {
      ObjectNode spec = Bundles.JSON.createObjectNode();
      spec.putArray("args").add("/bin/sh").add("-c").add(REPORT);
      spec.putArray("env").add("PATH=/bin");
      spec.put("cwd", "/");
      spec.putObject("ioPriority").put("class", "IOPRIO_CLASS_IDLE").put("priority", 0);
      spec.putObject("scheduler").put("policy", "SCHED_IDLE");
      spec.putObject("execCPUAffinity").put("initial", "0").put("final", "1");
      Path out = dir.resolve("exec.out");
      tasks.exec(ExecProcessRequest.newBuilder().setId(id).setExecId("fields").setStdout(out.toString())
          .setSpec(Any.newBuilder().setTypeUrl(PROCESS_TYPE).setValue(ByteString.copyFromUtf8(spec.toString()))).build());
      tasks.start(StartRequest.newBuilder().setId(id).setExecId("fields").build());
      assertThat(tasks.wait(WaitRequest.newBuilder().setId(id).setExecId("fields").build()).getExitStatus()).isZero();
      String report = Files.readString(out);

      assertThat(report).contains("io idle\n", "sched nice=0 policy=5\n", "Cpus_allowed_list:\t1\n",
          "boottime      1728000         0\n");
      assertThat(uptimeDays(report)).isGreaterThanOrEqualTo(20);

      spec.put("apparmorProfile", "docker-default");
      assertThatThrownBy(() -> tasks.exec(ExecProcessRequest.newBuilder().setId(id).setExecId("labelled")
          .setSpec(Any.newBuilder().setTypeUrl(PROCESS_TYPE).setValue(ByteString.copyFromUtf8(spec.toString()))).build()))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(e.getStatus().getDescription()).contains("exec labelled", "process.apparmorProfile: this host has no AppArmor");
          });

      assertThatThrownBy(() -> tasks.update(UpdateTaskRequest.newBuilder().setId(id).setResources(Any.newBuilder()
          .setTypeUrl("types.containerd.io/opencontainers/runtime-spec/1/LinuxResources")
          .setValue(ByteString.copyFromUtf8("{\"pids\":{\"limit\":50},\"rdma\":{\"mlx4_0\":{\"hcaHandles\":2}}}")))
          .build()))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(e.getStatus().getDescription()).contains("update", "resources.rdma");
          });
    } finally {
      tasks.kill(KillRequest.newBuilder().setId(id).setSignal(9).build());
      tasks.wait(WaitRequest.newBuilder().setId(id).build());
      tasks.delete(DeleteRequest.newBuilder().setId(id).build());
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "process.apparmorProfile | {\"process\":{\"apparmorProfile\":\"docker-default\"}} | unable to apply apparmor profile | this host has no AppArmor",
      "process.selinuxLabel | {\"process\":{\"selinuxLabel\":\"system_u:system_r:container_t:s0\"}} | selinux is disabled or not supported | this host has no SELinux",
      "linux.mountLabel | {\"linux\":{\"mountLabel\":\"system_u:object_r:container_file_t:s0\"}} | context= | this host has no SELinux",
      "linux.intelRdt | {\"linux\":{\"intelRdt\":{\"closID\":\"c\",\"l3CacheSchema\":\"L3:0=ff\"}}} | Intel RDT/CAT is not enabled | this host has no Intel RDT"})
  void fieldThisHostCannotApply_refusedByRuncAndByJshimNamingIt(String field, String patch, String runcSays, String jshimSays)
      throws IOException {
    ObjectNode config = config("true");
    merge(config, (ObjectNode) Bundles.JSON.readTree(patch));
    String name = field.replace('.', '-') + "-" + RUN;

    Runc.Result byRunc = runc.run(bundles.write("runc-" + name, config), "runc-" + name, dir.resolve(name + ".out"),
        Duration.ofSeconds(60));
    Path jshimBundle = bundles.write("jshim-" + name, config);
    StatusRuntimeException byJshim = catchStatus(() -> fixture.run("jshim-" + name, jshimBundle,
        dir.resolve(name + ".jshim.out")));

    if (runcSays != null) {
      assertThat(byRunc.exitStatus()).as("runc's answer: %s", byRunc.stderr()).isEqualTo(1);
      assertThat(byRunc.stderr()).contains(runcSays);
    }
    assertThat(byJshim).as("jshim must refuse %s", field).isNotNull();
    assertThat(byJshim.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(byJshim.getStatus().getDescription()).contains(field + ": " + jshimSays, "--allow-unapplied " + field);
  }

  @Test
  void allowUnapplied_fieldsLetThrough_containerRunsWithoutThem() throws IOException {
    fixture = both.replaceDaemon(DaemonFixture.startAllowingUnapplied(dir.resolve("allowing"),
        Set.of("process.apparmorProfile", "linux.intelRdt")));
    ObjectNode config = config("/bin/sh", "-c", "echo ran");
    merge(config, (ObjectNode) Bundles.JSON.readTree(
        "{\"process\":{\"apparmorProfile\":\"docker-default\"},\"linux\":{\"intelRdt\":{\"closID\":\"c\"}}}"));

    assertThat(runJshim(config)).isEqualTo("ran\n");
    config.put("domainname", "x");
    ((ObjectNode) config.get("process")).put("selinuxLabel", "l");
    Path still = bundles.write("jshim-still-" + RUN, config);
    assertThat(catchStatus(() -> fixture.run("jshim-still-" + RUN, still, dir.resolve("still.out")))
        .getStatus().getDescription()).as("a field not allowed is still refused")
        .contains("process.selinuxLabel").doesNotContain("process.apparmorProfile:");
  }

  /** runc's default config, terminal off, the test root, running {@code args} (a shell command when one). */
  private ObjectNode config(String... args) throws IOException {
    ObjectNode config = Runc.defaultSpec(runcBinary);
    ObjectNode process = (ObjectNode) config.get("process");
    process.put("terminal", false);
    ((ObjectNode) config.get("root")).put("path", "rootfs");
    ArrayNode argv = process.putArray("args");
    if (args.length == 1 && args[0].contains(" ")) {
      argv.add("/bin/sh").add("-c").add(args[0]);
    } else {
      for (String arg : args) {
        argv.add(arg);
      }
    }
    return config;
  }

  private String runRunc(ObjectNode config, int expectedExit) throws IOException {
    String id = "runc-fields-" + (++runs) + "-" + RUN;
    Path out = dir.resolve(id + ".out");
    Runc.Result result = runc.run(bundles.write(id, config), id, out, Duration.ofSeconds(60));
    assertThat(result.exitStatus()).as("runc: %s", result.stderr()).isEqualTo(expectedExit);
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  private String runJshim(ObjectNode config) throws IOException {
    String id = "jshim-fields-" + (++runs) + "-" + RUN;
    Path out = dir.resolve(id + ".out");
    Path err = dir.resolve(id + ".err");
    int status = fixture.run(id, bundles.write(id, config), out, err);
    assertThat(status).as("jshim's exit status; stderr: %s", Files.exists(err) ? Files.readString(err) : "").isZero();
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  private static long uptimeDays(String report) {
    return report.lines().filter(l -> l.startsWith("uptime days=")).mapToLong(l -> Long.parseLong(l.substring(12)))
        .findFirst().orElse(-1);
  }

  private static StatusRuntimeException catchStatus(Runnable call) {
    try {
      call.run();
      return null;
    } catch (StatusRuntimeException e) {
      return e;
    }
  }

  private static void merge(ObjectNode into, ObjectNode patch) {
    patch.fields().forEachRemaining(e -> {
      if (e.getValue().isObject() && into.get(e.getKey()) instanceof ObjectNode target) {
        merge(target, (ObjectNode) e.getValue());
      } else {
        into.set(e.getKey(), e.getValue());
      }
    });
  }
}
