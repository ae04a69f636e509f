package io.jshim.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import io.grpc.stub.StreamObserver;
import io.jshim.client.FakeTaskService;
import io.jshim.client.TaskClient;
import io.jshim.client.UdsTestServer;
import io.jshim.proto.task.v2.UpdateTaskRequest;
import io.jshim.proto.v1.DaemonStatusGrpc;
import io.jshim.proto.v1.GetStatusRequest;
import io.jshim.proto.v1.StatusResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import sun.misc.Signal;

@Timeout(20)
class JshimCtlTest {
  @TempDir
  Path tmp;

  private final FakeTaskService fake = new FakeTaskService();
  private UdsTestServer server;
  private Path socket;
  private CliRunner cli;

  @BeforeEach
  void setUp() throws IOException {
    socket = tmp.resolve("jshim.sock");
    server = UdsTestServer.start(socket, fake);
    cli = new CliRunner(Map.of("JSHIM_SOCKET", socket.toString()), new Properties());
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  private Path bundle(String... args) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("bundle"));
    StringBuilder json = new StringBuilder("{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[");
    for (int i = 0; i < args.length; i++) {
      json.append(i == 0 ? "" : ",").append('"').append(args[i]).append('"');
    }
    Files.writeString(dir.resolve("config.json"), json.append("]}}"));
    return dir;
  }

  private static JsonNode json(UpdateTaskRequest request) throws IOException {
    return new ObjectMapper().readTree(request.getResources().getValue().toByteArray());
  }

  /** Answers the status call with OOM kills counted. */
  private static final class OomStatus extends DaemonStatusGrpc.DaemonStatusImplBase {
    @Override
    public void get(GetStatusRequest request, StreamObserver<StatusResponse> response) {
      response.onNext(StatusResponse.newBuilder().setPid(1).setVersion("test").setOomKills(3).build());
      response.onCompleted();
    }
  }

  private static String expectedStdio(int fd, String name) throws IOException {
    String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
    return RunStdio.opensDirectly(target)
        ? "/proc/" + ProcessHandle.current().pid() + "/fd/" + fd
        : ".*/jshim-io-[^/]*/" + name;
  }

  @Test
  void createStartWaitDelete_exitingWorkload_printsPidsAndWaitExitsWithStatus() throws IOException {
    Path bundle = bundle("exit", "7");

    CliRunner.Result create = cli.run("create", "t1", "--bundle", bundle.toString(), "--stdout", "out.log");
    CliRunner.Result start = cli.run("start", "t1");
    CliRunner.Result waited = cli.run("wait", "t1");
    CliRunner.Result delete = cli.run("delete", "t1");

    assertThat(create.exitCode()).isZero();
    String pid = create.out().strip();
    assertThat(pid).matches("\\d+");
    assertThat(fake.creates().get(0).getStdout()).isEqualTo(Path.of("out.log").toAbsolutePath().toString());
    assertThat(start.out().strip()).isEqualTo(pid);
    assertThat(waited.exitCode()).isEqualTo(7);
    assertThat(waited.out()).isEmpty();
    assertThat(delete.exitCode()).isZero();
    assertThat(delete.out()).matches(pid + " 7 \\d{4}-\\d\\d-\\d\\dT.*Z\\R");
  }

  @Test
  void wait_verbose_printsStatusAndTime() throws IOException {
    cli.run("create", "t1", "--bundle", bundle("exit", "3").toString());
    cli.run("start", "t1");

    CliRunner.Result waited = cli.run("wait", "-v", "t1");

    assertThat(waited.exitCode()).isEqualTo(3);
    assertThat(waited.out()).startsWith("3 ");
  }

  @Test
  void wait_runningTask_returnsOnceTaskExits() throws Exception {
    cli.run("create", "t1", "--bundle", bundle("sleep").toString());
    cli.run("start", "t1");

    CompletableFuture<CliRunner.Result> waited = CompletableFuture.supplyAsync(() -> cli.run("wait", "t1"));
    while (fake.waitCalls() == 0) {
      Thread.sleep(5);
    }
    assertThat(waited).isNotDone();
    fake.exit("t1", 12);

    assertThat(waited.get(10, TimeUnit.SECONDS).exitCode()).isEqualTo(12);
  }

  @Test
  void kill_signalKill_sendsNine() throws IOException {
    cli.run("create", "t1", "--bundle", bundle("sleep").toString());
    cli.run("start", "t1");

    CliRunner.Result kill = cli.run("kill", "t1", "--signal", "KILL");

    assertThat(kill.exitCode()).isZero();
    assertThat(fake.kills()).singleElement().satisfies(request -> {
      assertThat(request.getId()).isEqualTo("t1");
      assertThat(request.getSignal()).isEqualTo(9);
      assertThat(request.getAll()).isFalse();
    });
    assertThat(cli.run("wait", "t1").exitCode()).isEqualTo(137);
  }

  @Test
  void kill_defaults_sendsTermToInitOnly() throws IOException {
    cli.run("create", "t1", "--bundle", bundle("sleep").toString());
    cli.run("start", "t1");

    cli.run("kill", "t1");
    CliRunner.Result again = cli.run("kill", "--all", "-s", "SIGHUP", "t1");

    assertThat(fake.kills().get(0).getSignal()).isEqualTo(15);
    assertThat(again.exitCode()).isEqualTo(JshimCtl.EXIT_ERROR);
    assertThat(fake.kills().get(1).getSignal()).isEqualTo(1);
    assertThat(fake.kills().get(1).getAll()).isTrue();
  }

  @Test
  void kill_badSignal_isUsageErrorWithoutCall() {
    CliRunner.Result kill = cli.run("kill", "t1", "--signal", "BOGUS");

    assertThat(kill.exitCode()).isEqualTo(JshimCtl.EXIT_USAGE);
    assertThat(kill.err()).startsWith("jshimctl: ").contains("signal: BOGUS");
    assertThat(fake.kills()).isEmpty();
  }

  @Test
  void state_runningTask_printsTableAndJson() throws IOException {
    cli.run("create", "t1", "--bundle", bundle("sleep").toString());
    cli.run("start", "t1");

    CliRunner.Result table = cli.run("state", "t1");
    CliRunner.Result json = cli.run("state", "--json", "t1");

    assertThat(table.exitCode()).isZero();
    assertThat(table.out().lines().toList()).hasSize(2);
    assertThat(table.out().lines().findFirst().orElseThrow()).startsWith("ID").contains("PID", "STATUS", "BUNDLE");
    assertThat(table.out().lines().skip(1).findFirst().orElseThrow()).startsWith("t1").contains("running");
    JsonNode state = new ObjectMapper().readTree(json.out());
    assertThat(state.path("id").asText()).isEqualTo("t1");
    assertThat(state.path("status").asText()).isEqualTo("running");
    assertThat(state.path("pid").asInt()).isPositive();
    assertThat(state.path("exit_status").isNull()).isTrue();
  }

  @Test
  void ps_runningTask_printsOnePidPerLine() throws IOException {
    String pid = cli.run("create", "t1", "--bundle", bundle("sleep").toString()).out().strip();
    cli.run("start", "t1");

    CliRunner.Result ps = cli.run("ps", "t1");

    assertThat(ps.out().lines().toList()).containsExactly(pid, Integer.toString(Integer.parseInt(pid) + 1));
  }

  @Test
  void pauseResume_runningTask_stateShowsPausedThenRunning() throws IOException {
    cli.run("create", "t1", "--bundle", bundle("sleep").toString());
    cli.run("start", "t1");

    CliRunner.Result pause = cli.run("pause", "t1");
    String pausedState = cli.run("state", "t1").out();
    CliRunner.Result resume = cli.run("resume", "t1");

    assertThat(pause.exitCode()).isZero();
    assertThat(pause.out()).isEmpty();
    assertThat(pausedState.lines().skip(1).findFirst().orElseThrow()).contains("paused");
    assertThat(resume.exitCode()).isZero();
    assertThat(resume.out()).isEmpty();
    assertThat(cli.run("state", "t1").out().lines().skip(1).findFirst().orElseThrow()).contains("running");
    assertThat(fake.pauses()).singleElement().satisfies(request -> assertThat(request.getId()).isEqualTo("t1"));
    assertThat(fake.resumes()).singleElement().satisfies(request -> assertThat(request.getId()).isEqualTo("t1"));
  }

  @Test
  void pauseResume_wrongState_exit125WithDaemonMessage() throws IOException {
    cli.run("create", "t1", "--bundle", bundle("sleep").toString());

    CliRunner.Result pause = cli.run("pause", "t1");
    CliRunner.Result resume = cli.run("resume", "t1");

    assertThat(pause.exitCode()).isEqualTo(JshimCtl.EXIT_ERROR);
    assertThat(pause.err()).isEqualTo("jshimctl: cannot pause task t1: it is CREATED (expected: running)"
        + System.lineSeparator());
    assertThat(resume.exitCode()).isEqualTo(JshimCtl.EXIT_ERROR);
    assertThat(resume.err()).startsWith("jshimctl: cannot resume task t1: it is not paused");
  }

  @Test
  void update_everyOption_sendsLinuxResourcesJson() throws IOException {
    cli.run("create", "t1", "--bundle", bundle("sleep").toString());
    cli.run("start", "t1");

    CliRunner.Result update = cli.run("update", "t1", "--memory", "268435456", "--memory-swap", "-1",
        "--cpu-shares", "512", "--cpu-quota", "50000", "--cpu-period", "100000", "--cpus", "0-1,3",
        "--pids-limit", "64");

    assertThat(update.exitCode()).as(update.err()).isZero();
    assertThat(update.out()).isEmpty();
    UpdateTaskRequest request = fake.updates().get(0);
    assertThat(request.getId()).isEqualTo("t1");
    assertThat(request.getResources().getTypeUrl()).isEqualTo(TaskClient.LINUX_RESOURCES_TYPE_URL);
    assertThat(json(request)).isEqualTo(new ObjectMapper().readTree("""
        {"memory": {"limit": 268435456, "swap": -1},
         "cpu": {"shares": 512, "quota": 50000, "period": 100000, "cpus": "0-1,3"},
         "pids": {"limit": 64}}"""));
  }

  @Test
  void update_someOptions_sendsOnlyThoseFields() throws IOException {
    cli.run("create", "t1", "--bundle", bundle("sleep").toString());

    cli.run("update", "t1", "--pids-limit", "10");
    cli.run("update", "t1", "--cpus", "2", "--memory-swap", "1048576");

    assertThat(fake.updates()).hasSize(2);
    assertThat(json(fake.updates().get(0))).isEqualTo(new ObjectMapper().readTree("{\"pids\":{\"limit\":10}}"));
    assertThat(json(fake.updates().get(1))).isEqualTo(new ObjectMapper().readTree(
        "{\"memory\":{\"swap\":1048576},\"cpu\":{\"cpus\":\"2\"}}"));
  }

  @Test
  void update_resourcesFile_sendsItsContentAsIs() throws IOException {
    cli.run("create", "t1", "--bundle", bundle("sleep").toString());
    String content = "{\"memory\": {\"limit\": 1073741824}, \"unified\": {\"memory.high\": \"900M\"}}\n";
    Path file = Files.writeString(tmp.resolve("resources.json"), content);

    CliRunner.Result update = cli.run("update", "t1", "--resources", file.toString());

    assertThat(update.exitCode()).as(update.err()).isZero();
    assertThat(fake.updates()).singleElement().satisfies(request ->
        assertThat(request.getResources().getValue().toString(StandardCharsets.UTF_8)).isEqualTo(content));
  }

  @Test
  void update_noLimit_isUsageErrorWithoutCall() throws IOException {
    cli.run("create", "t1", "--bundle", bundle("sleep").toString());

    CliRunner.Result update = cli.run("update", "t1");

    assertThat(update.exitCode()).isEqualTo(JshimCtl.EXIT_USAGE);
    assertThat(update.err()).startsWith("jshimctl: missing the limits to set: give at least one of --memory, ")
        .contains("or --resources FILE.json")
        .contains("jshimctl update --help");
    assertThat(fake.updates()).isEmpty();
  }

  @Test
  void update_resourcesWithOptions_isUsageErrorWithoutCall() throws IOException {
    Path file = Files.writeString(tmp.resolve("resources.json"), "{}");

    CliRunner.Result update = cli.run("update", "t1", "--memory", "1", "--cpus", "0", "--resources", file.toString());

    assertThat(update.exitCode()).isEqualTo(JshimCtl.EXIT_USAGE);
    assertThat(update.err()).startsWith(
        "jshimctl: --resources cannot be combined with --memory, --cpus: the file gives all of the resources");
    assertThat(fake.updates()).isEmpty();
  }

  @Test
  void update_malformedValues_areUsageErrorsWithoutCall() {
    CliRunner.Result shares = cli.run("update", "t1", "--cpu-shares", "-2");
    CliRunner.Result cpus = cli.run("update", "t1", "--cpus", "0-a");
    CliRunner.Result memory = cli.run("update", "t1", "--memory", "1g");
    CliRunner.Result noId = cli.run("update", "--memory", "1");

    assertThat(shares.exitCode()).isEqualTo(JshimCtl.EXIT_USAGE);
    assertThat(shares.err()).startsWith("jshimctl: --cpu-shares: -2 (expected: >= 0)");
    assertThat(cpus.exitCode()).isEqualTo(JshimCtl.EXIT_USAGE);
    assertThat(cpus.err()).startsWith("jshimctl: --cpus: '0-a' (expected: CPU numbers and ranges");
    assertThat(memory.exitCode()).isEqualTo(JshimCtl.EXIT_USAGE);
    assertThat(memory.err()).startsWith("jshimctl: ").contains("--memory").contains("1g");
    assertThat(noId.exitCode()).isEqualTo(JshimCtl.EXIT_USAGE);
    assertThat(fake.updates()).isEmpty();
  }

  @Test
  void update_resourcesFileNotAnObject_exit125NamingFileWithoutCall() throws IOException {
    Path array = Files.writeString(tmp.resolve("array.json"), "[1]");
    Path broken = Files.writeString(tmp.resolve("broken.json"), "{\"memory\":");
    Path missing = tmp.resolve("missing.json");

    CliRunner.Result notObject = cli.run("update", "t1", "--resources", array.toString());
    CliRunner.Result notJson = cli.run("update", "t1", "--resources", broken.toString());
    CliRunner.Result absent = cli.run("update", "t1", "--resources", missing.toString());

    assertThat(notObject.exitCode()).isEqualTo(JshimCtl.EXIT_ERROR);
    assertThat(notObject.err()).isEqualTo("jshimctl: --resources " + array
        + ": a JSON array (expected: a JSON object, the OCI LinuxResources)" + System.lineSeparator());
    assertThat(notJson.exitCode()).isEqualTo(JshimCtl.EXIT_ERROR);
    assertThat(notJson.err()).startsWith("jshimctl: --resources " + broken + ": not valid JSON at line 1, column ");
    assertThat(absent.exitCode()).isEqualTo(JshimCtl.EXIT_ERROR);
    assertThat(absent.err()).startsWith("jshimctl: --resources " + missing + ": no such file");
    assertThat(fake.updates()).isEmpty();
  }

  @Test
  void stats_v2Metrics_printsTypeLineThenTextFormat() throws IOException {
    cli.run("create", "t1", "--bundle", bundle("sleep").toString());

    CliRunner.Result stats = cli.run("stats", "t1");

    assertThat(stats.exitCode()).as(stats.err()).isZero();
    assertThat(stats.out()).isEqualTo("""
        type: io.containerd.cgroups.v2.Metrics
        pids {
          current: 2
          limit: 100
        }
        """);
    assertThat(fake.statsRequests()).singleElement().satisfies(request -> assertThat(request.getId()).isEqualTo("t1"));
  }

  @Test
  void stats_v1Metrics_printsV1TypeAndFields() throws IOException {
    cli.run("create", "t1", "--bundle", bundle("sleep").toString());
    fake.answerStats(Any.newBuilder().setTypeUrl("io.containerd.cgroups.v1.Metrics")
        .setValue(io.jshim.proto.cgroups.v1.Metrics.newBuilder()
            .setMemory(io.jshim.proto.cgroups.v1.MemoryStat.newBuilder().setRss(4096))
            .build().toByteString())
        .build());

    CliRunner.Result stats = cli.run("stats", "t1");

    assertThat(stats.out()).isEqualTo("""
        type: io.containerd.cgroups.v1.Metrics
        memory {
          rss: 4096
        }
        """);
  }

  @Test
  void stats_unknownType_exit125SayingWhatWasExpected() throws IOException {
    cli.run("create", "t1", "--bundle", bundle("sleep").toString());
    fake.answerStats(Any.newBuilder().setTypeUrl("io.containerd.cgroups.v3.Metrics").build());

    CliRunner.Result stats = cli.run("stats", "t1");

    assertThat(stats.exitCode()).isEqualTo(JshimCtl.EXIT_ERROR);
    assertThat(stats.err()).isEqualTo("jshimctl: stats: unknown metrics type \"io.containerd.cgroups.v3.Metrics\" "
        + "(expected: io.containerd.cgroups.v1.Metrics or io.containerd.cgroups.v2.Metrics)"
        + System.lineSeparator());
    assertThat(stats.out()).isEmpty();
  }

  @Test
  void status_daemonCountsOomKills_printsOomKillsLine() throws IOException {
    Path statusSocket = tmp.resolve("status.sock");
    try (UdsTestServer statusServer = UdsTestServer.start(statusSocket, new FakeTaskService(), new OomStatus())) {
      CliRunner.Result status = cli.run("--socket", statusSocket.toString(), "status");

      assertThat(status.exitCode()).as(status.err()).isZero();
      assertThat(status.out().lines()).contains("  \"oom_kills\" : 3,");
      assertThat(new ObjectMapper().readTree(status.out()).path("oom_kills").asLong()).isEqualTo(3);
    }
  }

  @Test
  void help_listsNewVerbs() {
    CliRunner.Result help = cli.run("--help");

    assertThat(help.out()).contains("pause", "resume", "update", "stats", "exec", "logs");
  }

  @Test
  void verbs_unknownTask_exit125WithDaemonMessage() {
    CliRunner.Result start = cli.run("start", "nope");

    assertThat(start.exitCode()).isEqualTo(JshimCtl.EXIT_ERROR);
    assertThat(start.err()).isEqualTo("jshimctl: task nope not found" + System.lineSeparator());
    assertThat(start.out()).isEmpty();
  }

  @Test
  void newVerbs_unknownTask_exit125WithDaemonMessage() {
    for (String[] args : new String[][] {
      {"pause", "nope"}, {"resume", "nope"}, {"update", "nope", "--memory", "1"}, {"stats", "nope"}}) {
      CliRunner.Result result = cli.run(args);

      assertThat(result.exitCode()).as(args[0]).isEqualTo(JshimCtl.EXIT_ERROR);
      assertThat(result.err()).as(args[0]).isEqualTo("jshimctl: task nope not found" + System.lineSeparator());
    }
  }

  @Test
  void socketOption_missingDaemon_exit125NamingSocket() {
    Path missing = tmp.resolve("missing.sock");

    CliRunner.Result state = cli.run("--socket", missing.toString(), "state", "t1");
    CliRunner.Result inherited = cli.run("state", "--socket", missing.toString(), "t1");

    assertThat(state.exitCode()).isEqualTo(JshimCtl.EXIT_ERROR);
    assertThat(state.err()).startsWith("jshimctl: cannot reach jshim daemon at " + missing);
    assertThat(inherited.err()).startsWith("jshimctl: cannot reach jshim daemon at " + missing);
  }

  @Test
  void usage_missingVerbOrArgument_exit2() {
    assertThat(cli.run().exitCode()).isEqualTo(JshimCtl.EXIT_USAGE);
    CliRunner.Result create = cli.run("create", "t1");
    assertThat(create.exitCode()).isEqualTo(JshimCtl.EXIT_USAGE);
    assertThat(create.err()).contains("--bundle").contains("jshimctl create --help");
  }

  @Test
  void run_withSocket_writesBundleRunsAndExitsWithStatus() {
    CliRunner.Result run = cli.run("run", "--id", "r1", "--hostname", "box", "--env", "A=1", "--", "exit", "5");

    assertThat(run.exitCode()).isEqualTo(5);
    assertThat(run.err()).isEmpty();
    assertThat(fake.creates()).singleElement().satisfies(request -> {
      assertThat(request.getId()).isEqualTo("r1");
      // Pipes (what Surefire gives the test JVM) go directly through /proc; other fds through a relay fifo.
      assertThat(request.getStdout()).matches(expectedStdio(1, "stdout"));
      assertThat(request.getStderr()).matches(expectedStdio(2, "stderr"));
      assertThat(Files.exists(Path.of(request.getBundle()))).as("temp bundle removed").isFalse();
    });
    JsonNode config = fake.config("r1").orElseThrow();
    assertThat(config.path("hostname").asText()).isEqualTo("box");
    assertThat(config.path("process").path("env").toString()).contains("A=1");
    assertThat(fake.hasTasks()).as("task deleted").isFalse();
  }

  @Test
  void run_existingBundle_usesItAsIs() throws IOException {
    Path bundle = bundle("exit", "0");

    CliRunner.Result run = cli.run("run", "--bundle", bundle.toString(), "--id", "r1");

    assertThat(run.exitCode()).isZero();
    assertThat(fake.creates().get(0).getBundle()).isEqualTo(bundle.toString());
    assertThat(Files.exists(bundle.resolve("config.json"))).isTrue();
  }

  @Test
  void run_bundleWithCommand_isUsageError() throws IOException {
    CliRunner.Result run = cli.run("run", "--bundle", bundle("exit", "0").toString(), "echo", "hi");

    assertThat(run.exitCode()).isEqualTo(JshimCtl.EXIT_USAGE);
    assertThat(run.err()).startsWith("jshimctl: --bundle cannot be combined with a command");
    assertThat(fake.creates()).isEmpty();
  }

  @Test
  void run_duplicateId_exit125AndLeavesOtherTaskAlone() throws IOException {
    cli.run("create", "r1", "--bundle", bundle("sleep").toString());

    CliRunner.Result run = cli.run("run", "--id", "r1", "true");

    assertThat(run.exitCode()).isEqualTo(JshimCtl.EXIT_ERROR);
    assertThat(run.err()).isEqualTo("jshimctl: task r1 already exists" + System.lineSeparator());
    assertThat(fake.kills()).isEmpty();
    assertThat(fake.hasTasks()).isTrue();
  }

  @Test
  void run_sigtermToCli_isForwardedToContainer() throws Exception {
    CompletableFuture<CliRunner.Result> run =
        CompletableFuture.supplyAsync(() -> cli.run("run", "--id", "r1", "sleep"));
    while (!fake.running("r1") || fake.waitCalls() == 0) {
      assertThat(run).isNotDone();
      Thread.sleep(5);
    }

    // run's handlers are installed before create and stay until it returns, so this cannot end the test JVM.
    Signal.raise(new Signal("TERM"));

    assertThat(run.get(10, TimeUnit.SECONDS).exitCode()).isEqualTo(128 + 15);
    assertThat(fake.kills()).singleElement().satisfies(request -> {
      assertThat(request.getSignal()).isEqualTo(15);
      assertThat(request.getAll()).isFalse();
    });
  }
}
