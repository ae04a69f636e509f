package io.jshim.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jshim.client.FakeTaskService;
import io.jshim.client.ExecClient;
import io.jshim.client.UdsTestServer;
import io.jshim.proto.task.v2.CreateTaskRequest;
import io.jshim.proto.task.v2.ExecProcessRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jline.terminal.Attributes.LocalFlag;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import sun.misc.Signal;

/** {@code jshimctl exec}, {@code run -t} and {@code run -i} against the fake daemon. */
@Timeout(30)
class JshimCtlExecTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONFIG = """
      {"ociVersion": "1.0.2",
       "process": {
         "terminal": false,
         "user": {"uid": 0, "gid": 0, "additionalGids": [1, 2]},
         "args": ["sleep"],
         "env": ["PATH=/usr/bin:/bin", "HOME=/root"],
         "cwd": "/",
         "capabilities": {"bounding": ["CAP_CHOWN"]},
         "noNewPrivileges": true
       }}
      """;

  @TempDir
  Path tmp;

  private final FakeTaskService fake = new FakeTaskService();
  private UdsTestServer server;
  private CliRunner cli;

  @BeforeEach
  void setUp() throws IOException {
    Path socket = tmp.resolve("jshim.sock");
    server = UdsTestServer.start(socket, fake, fake.logService());
    cli = new CliRunner(Map.of("JSHIM_SOCKET", socket.toString()), new Properties());
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  /** Creates and starts task t1 from a bundle holding {@code config}. */
  private Path runningTask(String config) throws IOException {
    Path bundle = Files.createDirectories(tmp.resolve("bundle"));
    Files.writeString(bundle.resolve("config.json"), config);
    assertThat(cli.run("create", "t1", "--bundle", bundle.toString()).exitCode()).isZero();
    assertThat(cli.run("start", "t1").exitCode()).isZero();
    return bundle;
  }

  private static CliConsole console(InputStream stdin, Terminal terminal, ByteArrayOutputStream screen) {
    return new CliConsole() {
      @Override
      public InputStream stdin() {
        return stdin;
      }

      @Override
      public TerminalSession openTerminal() throws IOException {
        if (terminal == null) {
          throw new IOException("-t: stdin is not a terminal (test)");
        }
        return TerminalSession.attach(terminal, screen);
      }
    };
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(5);
    }
  }

  private static JsonNode spec(ExecProcessRequest request) throws IOException {
    return JSON.readTree(request.getSpec().getValue().toByteArray());
  }

  private static List<String> texts(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(node -> values.add(node.asText()));
    return values;
  }

  @Test
  void exec_command_runsContainersProcessWithChangesAndExitsWithItsStatus() throws IOException {
    runningTask(CONFIG);

    CliRunner.Result exec = cli.run("exec", "--exec-id", "e1", "-e", "HOME=/tmp", "t1", "--env", "A=1",
        "--user", "1000:100", "--cwd", "/srv", "--", "exit", "3");

    assertThat(exec.exitCode()).as(exec.err()).isEqualTo(3);
    assertThat(exec.err()).isEmpty();
    ExecProcessRequest request = fake.execs().get(0);
    assertThat(request.getId()).isEqualTo("t1");
    assertThat(request.getExecId()).isEqualTo("e1");
    assertThat(request.getTerminal()).isFalse();
    assertThat(request.getStdin()).as("no -i: /dev/null").isEmpty();
    assertThat(request.getSpec().getTypeUrl()).isEqualTo(ExecClient.PROCESS_SPEC_TYPE_URL);
    JsonNode spec = spec(request);
    assertThat(texts(spec.path("args"))).containsExactly("exit", "3");
    assertThat(texts(spec.path("env"))).containsExactly("PATH=/usr/bin:/bin", "HOME=/tmp", "A=1");
    assertThat(spec.path("cwd").asText()).isEqualTo("/srv");
    assertThat(spec.path("user").toString()).isEqualTo("{\"uid\":1000,\"gid\":100}");
    assertThat(spec.path("capabilities").path("bounding").get(0).asText()).isEqualTo("CAP_CHOWN");
    assertThat(spec.path("noNewPrivileges").asBoolean()).isTrue();
    assertThat(spec.path("terminal").asBoolean(true)).isFalse();
    assertThat(fake.hasExec("t1", "e1")).as("exec deleted").isFalse();
    assertThat(fake.running("t1")).as("the task keeps running").isTrue();
  }

  @Test
  void exec_withoutExecId_usesExecDashRandomAndKeepsContainersProcess() throws IOException {
    runningTask(CONFIG);

    CliRunner.Result exec = cli.run("exec", "t1", "exit", "0");

    assertThat(exec.exitCode()).as(exec.err()).isZero();
    ExecProcessRequest request = fake.execs().get(0);
    assertThat(request.getExecId()).matches("exec-[0-9a-f-]{12}");
    JsonNode spec = spec(request);
    assertThat(texts(spec.path("env"))).containsExactly("PATH=/usr/bin:/bin", "HOME=/root");
    assertThat(spec.path("user").toString()).isEqualTo("{\"uid\":0,\"gid\":0,\"additionalGids\":[1,2]}");
  }

  @Test
  void exec_signaledProcess_exitsWith128PlusSignal() throws Exception {
    runningTask(CONFIG);
    CompletableFuture<CliRunner.Result> exec =
        CompletableFuture.supplyAsync(() -> cli.run("exec", "--exec-id", "e1", "t1", "sleep"));
    await(() -> fake.runningExec("t1", "e1") && fake.waitCalls() > 0, "the exec to run");

    fake.exitExec("t1", "e1", 128 + 9);

    assertThat(exec.get(10, TimeUnit.SECONDS).exitCode()).isEqualTo(137);
  }

  @Test
  void exec_sigtermToCli_isForwardedToTheExecOnly() throws Exception {
    runningTask(CONFIG);
    CompletableFuture<CliRunner.Result> exec =
        CompletableFuture.supplyAsync(() -> cli.run("exec", "--exec-id", "e1", "t1", "sleep"));
    await(() -> fake.runningExec("t1", "e1") && fake.waitCalls() > 0, "the exec to run");

    // exec's handlers are installed before Exec and stay until it returns, so this cannot end the test JVM.
    Signal.raise(new Signal("TERM"));

    assertThat(exec.get(10, TimeUnit.SECONDS).exitCode()).isEqualTo(128 + 15);
    assertThat(fake.kills()).singleElement().satisfies(request -> {
      assertThat(request.getExecId()).isEqualTo("e1");
      assertThat(request.getSignal()).isEqualTo(15);
      assertThat(request.getAll()).isFalse();
    });
    assertThat(fake.running("t1")).isTrue();
  }

  @Test
  void parse_optionsBeforeCommandBelongToExec_everythingFromTheCommandOnToIt() {
    ExecCommand exec = cli.parse(ExecCommand.class, "exec", "-t", "t1", "--cwd", "/x", "ls", "-t", "--cwd", "y");
    ExecCommand dashed = cli.parse(ExecCommand.class, "exec", "t1", "--", "-weird", "--", "z");

    assertThat(exec.tty).isTrue();
    assertThat(exec.cwd).isEqualTo("/x");
    assertThat(exec.command).containsExactly("ls", "-t", "--cwd", "y");
    assertThat(dashed.command).containsExactly("-weird", "--", "z");
  }

  @Test
  void exec_bundleWithoutConfig_exit125NamingTheFileWithoutExec() throws IOException {
    Path bundle = runningTask(CONFIG);
    Files.delete(bundle.resolve("config.json"));

    CliRunner.Result exec = cli.run("exec", "t1", "true");

    assertThat(exec.exitCode()).isEqualTo(JshimCtl.EXIT_ERROR);
    assertThat(exec.err()).isEqualTo("jshimctl: task t1: cannot read its process from "
        + bundle.resolve("config.json") + ": no such file (expected: the task's bundle, readable where jshimctl runs)"
        + System.lineSeparator());
    assertThat(fake.execs()).isEmpty();
  }

  @Test
  void exec_usageErrors_exit2WithoutCalls() throws IOException {
    runningTask(CONFIG);

    CliRunner.Result noCommand = cli.run("exec", "t1");
    CliRunner.Result badUser = cli.run("exec", "--user", "root", "t1", "id");
    CliRunner.Result badEnv = cli.run("exec", "-e", "NOEQUALS", "t1", "id");
    CliRunner.Result relativeCwd = cli.run("exec", "--cwd", "srv", "t1", "id");

    assertThat(noCommand.exitCode()).isEqualTo(JshimCtl.EXIT_USAGE);
    assertThat(noCommand.err()).startsWith("jshimctl: missing the command to run: jshimctl exec [OPTIONS] ID [--] CMD");
    assertThat(badUser.exitCode()).isEqualTo(JshimCtl.EXIT_USAGE);
    assertThat(badUser.err()).startsWith("jshimctl: --user: root (expected: UID or UID:GID");
    assertThat(badEnv.exitCode()).isEqualTo(JshimCtl.EXIT_USAGE);
    assertThat(badEnv.err()).startsWith("jshimctl: --env: NOEQUALS (expected: KEY=VALUE)");
    assertThat(relativeCwd.exitCode()).isEqualTo(JshimCtl.EXIT_USAGE);
    assertThat(relativeCwd.err()).startsWith("jshimctl: --cwd: srv (expected: an absolute path)");
    assertThat(fake.execs()).isEmpty();
  }

  @Test
  void exec_daemonRefuses_exit125WithDaemonMessageAndOtherExecLeftAlone() throws Exception {
    runningTask(CONFIG);
    CompletableFuture<CliRunner.Result> first =
        CompletableFuture.supplyAsync(() -> cli.run("exec", "--exec-id", "e1", "t1", "sleep"));
    await(() -> fake.runningExec("t1", "e1") && fake.waitCalls() > 0, "the first exec to run");

    CliRunner.Result duplicate = cli.run("exec", "--exec-id", "e1", "t1", "true");
    CliRunner.Result unknown = cli.run("exec", "nope", "true");

    assertThat(duplicate.exitCode()).isEqualTo(JshimCtl.EXIT_ERROR);
    assertThat(duplicate.err()).isEqualTo("jshimctl: exec e1 in task t1 already exists" + System.lineSeparator());
    assertThat(fake.runningExec("t1", "e1")).as("the first exec is not touched").isTrue();
    assertThat(fake.kills()).isEmpty();
    assertThat(unknown.exitCode()).isEqualTo(JshimCtl.EXIT_ERROR);
    assertThat(unknown.err()).isEqualTo("jshimctl: task nope not found" + System.lineSeparator());
    fake.exitExec("t1", "e1", 0);
    assertThat(first.get(10, TimeUnit.SECONDS).exitCode()).isZero();
  }

  @Test
  void exec_stoppedTask_exit125WithDaemonMessage() throws IOException {
    runningTask(CONFIG);
    fake.exit("t1", 0);

    CliRunner.Result exec = cli.run("exec", "t1", "true");

    assertThat(exec.exitCode()).isEqualTo(JshimCtl.EXIT_ERROR);
    assertThat(exec.err()).isEqualTo("jshimctl: cannot exec in task t1: it is stopped" + System.lineSeparator());
  }

  @Test
  void exec_interactive_copiesStdinThenClosesTheProcessStdin() throws IOException {
    runningTask(CONFIG);
    byte[] input = "hello\nworld\n".getBytes(StandardCharsets.UTF_8);
    CliRunner interactive = cli.withConsole(console(new ByteArrayInputStream(input), null, null));

    CliRunner.Result exec = interactive.run("exec", "-i", "--exec-id", "e1", "t1", "cat");

    assertThat(exec.exitCode()).as(exec.err()).isZero();
    ExecProcessRequest request = fake.execs().get(0);
    assertThat(request.getStdin()).matches(".*/jshim-stdin-[^/]*/stdin");
    assertThat(Files.exists(Path.of(request.getStdin()))).as("fifo removed").isFalse();
    assertThat(request.getTerminal()).isFalse();
    assertThat(fake.stdinOf("t1", "e1")).isEqualTo("hello\nworld\n");
    assertThat(fake.closeIos()).singleElement().satisfies(close -> {
      assertThat(close.getExecId()).isEqualTo("e1");
      assertThat(close.getStdin()).isTrue();
    });
  }

  @Test
  void exec_tty_relaysRawTerminalResizesPtyAndRestoresTerminal() throws Exception {
    runningTask(CONFIG);
    PipedInputStream keys = new PipedInputStream();
    PipedOutputStream typing = new PipedOutputStream(keys);
    ByteArrayOutputStream screen = new ByteArrayOutputStream();
    Terminal terminal = TerminalSessionTest.externalTerminal(keys, screen);
    CliRunner tty = cli.withConsole(console(InputStream.nullInputStream(), terminal, screen));

    CompletableFuture<CliRunner.Result> exec =
        CompletableFuture.supplyAsync(() -> tty.run("exec", "-t", "--exec-id", "e1", "t1", "cat"));
    await(() -> fake.resizes().size() == 1, "the first resize");
    boolean echoWhileAttached = terminal.getAttributes().getLocalFlag(LocalFlag.ECHO);
    terminal.setSize(new Size(100, 30));
    terminal.raise(Terminal.Signal.WINCH);
    await(() -> fake.resizes().size() == 2, "the resize after SIGWINCH");
    typing.write("ls\r\u0003".getBytes(StandardCharsets.UTF_8));
    typing.flush();
    await(() -> fake.stdinOf("t1", "e1").equals("ls\r\u0003"), "the keys to reach the process");
    typing.close();

    CliRunner.Result result = exec.get(10, TimeUnit.SECONDS);
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(echoWhileAttached).isFalse();
    assertThat(terminal.getAttributes().getLocalFlag(LocalFlag.ECHO)).as("terminal restored").isTrue();
    assertThat(screen.toString(StandardCharsets.UTF_8)).as("the pty's output, nothing echoed locally")
        .isEqualTo("ls\r\u0003");
    ExecProcessRequest request = fake.execs().get(0);
    assertThat(request.getTerminal()).isTrue();
    assertThat(request.getStderr()).isEmpty();
    assertThat(request.getStdin()).matches(".*/jshim-tty-[^/]*/stdin");
    assertThat(request.getStdout()).matches(".*/jshim-tty-[^/]*/stdout");
    assertThat(spec(request).path("terminal").asBoolean()).isTrue();
    assertThat(fake.resizes()).extracting(r -> r.getExecId() + ":" + r.getWidth() + "x" + r.getHeight())
        .containsExactly("e1:80x24", "e1:100x30");
    assertThat(fake.closeIos()).singleElement().satisfies(close -> assertThat(close.getExecId()).isEqualTo("e1"));
  }

  @Test
  void exec_ttyWithoutTerminal_exit125WithoutExec() throws IOException {
    runningTask(CONFIG);
    CliRunner noTerminal = cli.withConsole(console(InputStream.nullInputStream(), null, null));

    CliRunner.Result exec = noTerminal.run("exec", "-t", "t1", "sh");

    assertThat(exec.exitCode()).isEqualTo(JshimCtl.EXIT_ERROR);
    assertThat(exec.err()).startsWith("jshimctl: -t: stdin is not a terminal");
    assertThat(fake.execs()).isEmpty();
  }

  @Test
  void run_tty_createsWithTerminalAndRelaysIt() throws Exception {
    PipedInputStream keys = new PipedInputStream();
    PipedOutputStream typing = new PipedOutputStream(keys);
    ByteArrayOutputStream screen = new ByteArrayOutputStream();
    Terminal terminal = TerminalSessionTest.externalTerminal(keys, screen);
    CliRunner tty = cli.withConsole(console(InputStream.nullInputStream(), terminal, screen));

    CompletableFuture<CliRunner.Result> run =
        CompletableFuture.supplyAsync(() -> tty.run("run", "-t", "--id", "r1", "cat"));
    await(() -> !fake.resizes().isEmpty(), "the first resize (before Start: the init's pty exists since Create)");
    typing.write("echo hi\r".getBytes(StandardCharsets.UTF_8));
    typing.close();

    CliRunner.Result result = run.get(10, TimeUnit.SECONDS);
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(screen.toString(StandardCharsets.UTF_8)).isEqualTo("echo hi\r");
    CreateTaskRequest create = fake.creates().get(0);
    assertThat(create.getTerminal()).isTrue();
    assertThat(create.getStderr()).isEmpty();
    assertThat(create.getStdin()).endsWith("/stdin");
    assertThat(create.getStdout()).endsWith("/stdout");
    JsonNode config = fake.config("r1").orElseThrow();
    assertThat(config.path("process").path("terminal").asBoolean()).isTrue();
    assertThat(texts(config.path("process").path("env"))).contains("TERM=xterm");
    assertThat(fake.resizes().get(0).getExecId()).isEmpty();
    assertThat(fake.closeIos()).singleElement().satisfies(close -> assertThat(close.getExecId()).isEmpty());
    assertThat(terminal.getAttributes().getLocalFlag(LocalFlag.ECHO)).isTrue();
    assertThat(fake.hasTasks()).as("task deleted").isFalse();
  }

  @Test
  void run_interactive_passesStdinAndClosesIt() {
    CliRunner interactive = cli.withConsole(
        console(new ByteArrayInputStream("data\n".getBytes(StandardCharsets.UTF_8)), null, null));

    CliRunner.Result run = interactive.run("run", "-i", "--id", "r1", "cat");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(fake.creates().get(0).getTerminal()).isFalse();
    assertThat(fake.creates().get(0).getStdin()).endsWith("/stdin");
    assertThat(fake.stdinOf("r1", "")).isEqualTo("data\n");
    assertThat(fake.closeIos()).hasSize(1);
  }

  @Test
  void run_withoutInteractive_passesNoStdin() {
    CliRunner.Result run = cli.run("run", "--id", "r1", "exit", "0");

    assertThat(run.exitCode()).isZero();
    assertThat(fake.creates().get(0).getStdin()).isEmpty();
    assertThat(fake.config("r1").orElseThrow().path("process").path("terminal").asBoolean(true)).isFalse();
  }

  @Test
  void run_bundleTerminalDisagreesWithTty_exit125WithoutCreate() throws IOException {
    Path bundle = Files.createDirectories(tmp.resolve("bundle"));
    Files.writeString(bundle.resolve("config.json"), CONFIG);
    Path ttyBundle = Files.createDirectories(tmp.resolve("tty-bundle"));
    Files.writeString(ttyBundle.resolve("config.json"), CONFIG.replace("\"terminal\": false", "\"terminal\": true"));

    CliRunner.Result withTty = cli.run("run", "-t", "--bundle", bundle.toString());
    CliRunner.Result withoutTty = cli.run("run", "--bundle", ttyBundle.toString());

    assertThat(withTty.exitCode()).isEqualTo(JshimCtl.EXIT_ERROR);
    assertThat(withTty.err()).isEqualTo("jshimctl: --bundle " + bundle
        + ": config.json has process.terminal false (expected: true with -t)" + System.lineSeparator());
    assertThat(withoutTty.exitCode()).isEqualTo(JshimCtl.EXIT_ERROR);
    assertThat(withoutTty.err()).isEqualTo("jshimctl: --bundle " + ttyBundle
        + ": config.json has process.terminal true (expected: false without -t; add -t to attach a terminal)"
        + System.lineSeparator());
    assertThat(fake.creates()).isEmpty();
  }
}
