package io.jshim.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jshim.client.FakeTaskService;
import io.jshim.client.ShimClient;
import io.jshim.client.UdsTestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class EmbeddedDaemonTest {
  @TempDir
  Path tmp;

  /** A launcher script, like bin/jshim-daemon, that execs {@link FakeDaemonMain} on this test's class path. */
  private Path fakeDaemonLauncher() throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path script = tmp.resolve("fake-daemon");
    Files.writeString(script, "#!/bin/sh\nexec '" + java + "' -XX:TieredStopAtLevel=1 -cp '"
        + System.getProperty("java.class.path") + "' " + FakeDaemonMain.class.getName() + " \"$@\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  private Path script(String body) throws IOException {
    Path script = tmp.resolve("daemon.sh");
    Files.writeString(script, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  @Test
  void daemonCommand_launcherProperty_usedAsIs() {
    Properties properties = new Properties();
    properties.setProperty(EmbeddedDaemon.COMMAND_PROPERTY, "/opt/jshim/bin/jshim-daemon");
    properties.setProperty(EmbeddedDaemon.CLASSPATH_PROPERTY, "/ignored");

    assertThat(EmbeddedDaemon.daemonCommand(properties)).containsExactly("/opt/jshim/bin/jshim-daemon");
  }

  @Test
  void daemonCommand_onlyClasspath_runsShimMainWithThisJava() {
    Properties properties = new Properties();
    properties.setProperty(EmbeddedDaemon.CLASSPATH_PROPERTY, "/a.jar:/lib/*");

    List<String> command = EmbeddedDaemon.daemonCommand(properties);

    assertThat(command).endsWith("-cp", "/a.jar:/lib/*", "io.jshim.daemon.ShimMain");
    assertThat(command.get(0)).endsWith("/bin/java");
  }

  @Test
  void daemonCommand_nothingConfigured_explainsHowToFix() {
    assertThatThrownBy(() -> EmbeddedDaemon.daemonCommand(new Properties()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("--socket");
  }

  @Test
  void start_daemonExitsEarly_failsWithStatusAndLogTail() throws IOException {
    Path daemon = script("echo \"bad flag: $1\" >&2\nexit 3");

    assertThatThrownBy(() -> EmbeddedDaemon.start(List.of(daemon.toString()), Duration.ofSeconds(10)))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("jshim daemon exited with status 3 before it was ready")
        .hasMessageContaining("bad flag: --socket");
  }

  @Test
  void start_daemonNeverListens_timesOutAndKillsIt() throws IOException {
    Path daemon = script("echo waiting\nexec sleep 60");

    assertThatThrownBy(() -> EmbeddedDaemon.start(List.of(daemon.toString()), Duration.ofMillis(300)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("did not answer")
        .hasMessageContaining("waiting");
  }

  @Test
  void start_missingExecutable_failsClearly() {
    assertThatThrownBy(() -> EmbeddedDaemon.start(List.of(tmp.resolve("nope").toString()), Duration.ofSeconds(5)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(tmp.resolve("nope").toString());
  }

  @Test
  void startAndClose_fakeDaemon_answersThenShutsDownAndCleansUp() throws Exception {
    Path dir;
    try (EmbeddedDaemon daemon = EmbeddedDaemon.start(List.of(fakeDaemonLauncher().toString()),
        EmbeddedDaemon.READY_TIMEOUT)) {
      dir = daemon.socket().getParent();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
      try (ShimClient client = ShimClient.connect(daemon.socket())) {
        assertThat(client.daemon().connectInfo("").shimPid()).isEqualTo((int) daemon.pid());
      }
    }
    assertThat(dir).doesNotExist();
  }

  @Test
  void run_withoutSocketNoDefaultDaemon_startsPrivateDaemonAndExitsWithStatus() throws IOException {
    Properties properties = new Properties();
    properties.setProperty(EmbeddedDaemon.COMMAND_PROPERTY, fakeDaemonLauncher().toString());
    properties.setProperty(JshimCtl.DEFAULT_SOCKET_PROPERTY, tmp.resolve("no-daemon.sock").toString());
    CliRunner cli = new CliRunner(Map.of(), properties);

    CliRunner.Result run = cli.run("run", "--", "exit", "9");

    // A start slower than EmbeddedDaemon.ANNOUNCE_AFTER says what it waits for, and nothing else.
    assertThat(run.err().lines()).allMatch(line -> line.startsWith(
        "jshimctl: no daemon listens on " + tmp.resolve("no-daemon.sock") + "; waiting for a private one"));
    assertThat(run.exitCode()).isEqualTo(9);
  }

  @Test
  void run_withoutSocketDefaultDaemonListens_usesItWithoutStartingOne() throws IOException {
    Path socket = tmp.resolve("default.sock");
    FakeTaskService service = new FakeTaskService();
    Properties properties = new Properties();
    // no daemon command: starting a private daemon would fail the run
    properties.setProperty(JshimCtl.DEFAULT_SOCKET_PROPERTY, socket.toString());
    try (UdsTestServer server = UdsTestServer.start(socket, service)) {
      CliRunner.Result run = new CliRunner(Map.of(), properties).run("run", "--", "exit", "4");

      assertThat(run.err()).isEmpty();
      assertThat(run.exitCode()).isEqualTo(4);
    }
  }

  @Test
  void run_withoutSocketStaleDefaultSocketFile_startsPrivateDaemon() throws IOException {
    Path stale = Files.createFile(tmp.resolve("stale.sock"));
    Properties properties = new Properties();
    properties.setProperty(JshimCtl.DEFAULT_SOCKET_PROPERTY, stale.toString());

    CliRunner.Result run = new CliRunner(Map.of(), properties).run("run", "true");

    assertThat(run.exitCode()).isEqualTo(JshimCtl.EXIT_ERROR);
    assertThat(run.err()).startsWith("jshimctl: no daemon to start");
  }

  @Test
  void run_withoutSocketOrDaemon_exit125() {
    Properties properties = new Properties();
    properties.setProperty(JshimCtl.DEFAULT_SOCKET_PROPERTY, tmp.resolve("no-daemon.sock").toString());
    CliRunner.Result run = new CliRunner(Map.of(), properties).run("run", "true");

    assertThat(run.exitCode()).isEqualTo(JshimCtl.EXIT_ERROR);
    assertThat(run.err()).startsWith("jshimctl: no daemon to start");
  }
}
