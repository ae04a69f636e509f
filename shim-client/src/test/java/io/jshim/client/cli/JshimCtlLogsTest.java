package io.jshim.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.client.FakeTaskService;
import io.jshim.client.LogInfo;
import io.jshim.client.UdsTestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code jshimctl logs} against the fake daemon and log files the test writes. */
@Timeout(30)
class JshimCtlLogsTest {
  private static final String T = "2024-05-01T12:00:00.000000001Z";
  private static final String NL = System.lineSeparator();

  @TempDir
  Path tmp;

  private final FakeTaskService fake = new FakeTaskService();
  private UdsTestServer server;
  private CliRunner cli;
  private Path log;

  @BeforeEach
  void setUp() throws IOException {
    Path socket = tmp.resolve("jshim.sock");
    server = UdsTestServer.start(socket, fake, fake.logService());
    cli = new CliRunner(Map.of("JSHIM_SOCKET", socket.toString()), new Properties());
    Path bundle = Files.createDirectories(tmp.resolve("bundle"));
    Files.writeString(bundle.resolve("config.json"), "{\"process\":{\"args\":[\"sleep\"]}}");
    cli.run("create", "t1", "--bundle", bundle.toString());
    cli.run("start", "t1");
    log = Files.createDirectories(tmp.resolve("logs")).resolve("t1.log");
    fake.setLog("t1", log, 1 << 20, 3);
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  private static void append(Path file, String... lines) throws IOException {
    StringBuilder text = new StringBuilder();
    for (String line : lines) {
      text.append(line).append('\n');
    }
    Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private void awaitMoreStateCalls(int before) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (fake.stateCalls() <= before) {
      assertThat(System.nanoTime()).as("logs -f looked at the task again").isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  @Test
  void logs_printsTextByStreamJoiningPartialPieces() throws IOException {
    append(log, T + " stdout F one", T + " stdout P tw", T + " stderr F oops", T + " stdout F o",
        T + " stdout F ", T + " stdout P tail");

    CliRunner.Result logs = cli.run("logs", "t1");

    assertThat(logs.exitCode()).as(logs.err()).isZero();
    assertThat(logs.out()).isEqualTo("one\ntwo\n\ntail");
    assertThat(logs.err()).isEqualTo("oops\n");
  }

  @Test
  void logs_includeRotated_printsRotatedFilesOldestFirst() throws IOException {
    append(Path.of(log + ".2"), T + " stdout F first");
    append(Path.of(log + ".1"), T + " stdout F second");
    append(log, T + " stdout F third");

    CliRunner.Result all = cli.run("logs", "--include-rotated", "t1");
    CliRunner.Result current = cli.run("logs", "t1");

    assertThat(all.out()).isEqualTo("first\nsecond\nthird\n");
    assertThat(current.out()).isEqualTo("third\n");
  }

  @Test
  void logs_includeRotated_pieceSplitAcrossRotation_isJoined() throws IOException {
    append(Path.of(log + ".1"), T + " stdout P long ");
    append(log, T + " stdout F line");

    CliRunner.Result all = cli.run("logs", "--include-rotated", "t1");

    assertThat(all.out()).isEqualTo("long line\n");
  }

  @Test
  void rotatedOldestFirst_gapsAndFilesPastTheLimit() throws IOException {
    LogInfo info = new LogInfo(log, 1, 4);
    append(Path.of(log + ".3"), "x");
    append(Path.of(log + ".4"), "x");
    append(Path.of(log + ".1"), "x");

    assertThat(LogsCommand.rotatedOldestFirst(info))
        .containsExactly(Path.of(log + ".4"), Path.of(log + ".3"), Path.of(log + ".1"));
    assertThat(LogsCommand.rotatedOldestFirst(new LogInfo(tmp.resolve("none.log"), 1, 0))).isEmpty();
  }

  @Test
  void logs_malformedLine_reportedWithFileAndLineThenGoesOn() throws IOException {
    append(log, T + " stdout F before", "not a log line", T + " stdout F after");

    CliRunner.Result logs = cli.run("logs", "t1");

    assertThat(logs.exitCode()).isZero();
    assertThat(logs.out()).isEqualTo("before\nafter\n");
    assertThat(logs.err()).isEqualTo("jshimctl: " + log + ":2: malformed log line: bad time \"not\" (expected: "
        + "RFC 3339, such as 2024-05-01T12:00:00.123456789Z)" + NL);
  }

  @Test
  void logs_noFileYet_printsNothing() {
    CliRunner.Result logs = cli.run("logs", "t1");

    assertThat(logs.exitCode()).isZero();
    assertThat(logs.out()).isEmpty();
  }

  @Test
  void logs_follow_readsAcrossRotationAndEndsOnceTaskStopped() throws Exception {
    append(log, T + " stdout F 1");
    CompletableFuture<CliRunner.Result> following = CompletableFuture.supplyAsync(() -> cli.run("logs", "-f", "t1"));
    awaitMoreStateCalls(0);

    append(log, T + " stdout F 2", T + " stderr F e");
    Files.move(log, Path.of(log + ".1"));
    append(log, T + " stdout F 3");
    int seen = fake.stateCalls();
    awaitMoreStateCalls(seen);
    assertThat(following).isNotDone();
    append(log, T + " stdout F 4");
    fake.exit("t1", 0);

    CliRunner.Result result = following.get(10, TimeUnit.SECONDS);
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).isEqualTo("1\n2\n3\n4\n");
    assertThat(result.err()).isEqualTo("e\n");
  }

  @Test
  void logs_follow_taskDeleted_endsAfterReadingTheFile() throws IOException {
    append(log, T + " stdout F last words");
    fake.exit("t1", 0);

    CliRunner.Result result = cli.run("logs", "--follow", "t1");

    assertThat(result.out()).isEqualTo("last words\n");
  }

  @Test
  void logs_reopen_printsPathAndAsksDaemon() {
    CliRunner.Result reopen = cli.run("logs", "--reopen", "t1");

    assertThat(reopen.exitCode()).isZero();
    assertThat(reopen.out()).isEqualTo(log + NL);
    assertThat(fake.reopens()).singleElement().satisfies(request -> assertThat(request.getId()).isEqualTo("t1"));
  }

  @Test
  void logs_reopenWithFollow_isUsageError() {
    CliRunner.Result reopen = cli.run("logs", "--reopen", "-f", "t1");

    assertThat(reopen.exitCode()).isEqualTo(JshimCtl.EXIT_USAGE);
    assertThat(reopen.err()).startsWith("jshimctl: --reopen cannot be combined with --follow or --include-rotated");
    assertThat(fake.reopens()).isEmpty();
  }

  @Test
  void logs_taskWithoutLogOrUnknown_exit125WithDaemonMessage() throws IOException {
    Path bundle = tmp.resolve("bundle");
    cli.run("create", "t2", "--bundle", bundle.toString());

    CliRunner.Result noLog = cli.run("logs", "t2");
    CliRunner.Result unknown = cli.run("logs", "nope");

    assertThat(noLog.exitCode()).isEqualTo(JshimCtl.EXIT_ERROR);
    assertThat(noLog.err()).isEqualTo("jshimctl: task t2 has no log (expected: a task created with the "
        + "io.jshim.log.path annotation)" + NL);
    assertThat(unknown.exitCode()).isEqualTo(JshimCtl.EXIT_ERROR);
    assertThat(unknown.err()).isEqualTo("jshimctl: task nope not found" + NL);
  }
}
