package io.jshim.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jshim.client.FakeTaskService;
import io.jshim.client.UdsTestServer;
import java.io.IOException;
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
  void verbs_unknownTask_exit125WithDaemonMessage() {
    CliRunner.Result start = cli.run("start", "nope");

    assertThat(start.exitCode()).isEqualTo(JshimCtl.EXIT_ERROR);
    assertThat(start.err()).isEqualTo("jshimctl: task nope not found" + System.lineSeparator());
    assertThat(start.out()).isEmpty();
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
