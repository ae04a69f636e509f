package io.jshim.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jshim.client.ShimClientException.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link ExecClient}: processes added to a task and addressed by exec id. */
@Timeout(10)
class ExecClientTest {
  private static final String SLEEP = "{\"args\":[\"sleep\"]}";

  @TempDir
  Path tmp;

  private InProcessShim shim;
  private FakeTaskService fake;
  private ShimClient client;

  @BeforeEach
  void setUp() throws IOException {
    shim = InProcessShim.start(tmp);
    fake = shim.fake();
    client = shim.client();
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    shim.close();
  }


  @Test
  void exec_startWaitDelete_roundTripsExitStatusAndSendsSpecAsProcessAny() {
    int initPid = shim.runningTask("c1");
    String spec = "{\"args\":[\"exit\",\"4\"],\"cwd\":\"/\"}";

    client.execs().exec("c1", "e1", ExecOptions.builder(spec).stdin("/in").stdout("/out").stderr("/err").build());
    int pid = client.execs().start("c1", "e1");
    ExitResult waited = client.execs().waitFor("c1", "e1");
    ExitResult deleted = client.execs().delete("c1", "e1");

    assertThat(pid).isPositive().isNotEqualTo(initPid);
    assertThat(waited.exitStatus()).isEqualTo(4);
    assertThat(deleted).isEqualTo(new ExitResult(pid, 4, waited.exitedAt()));
    assertThat(fake.execs()).singleElement().satisfies(request -> {
      assertThat(request.getId()).isEqualTo("c1");
      assertThat(request.getExecId()).isEqualTo("e1");
      assertThat(request.getTerminal()).isFalse();
      assertThat(request.getStdin()).isEqualTo("/in");
      assertThat(request.getStdout()).isEqualTo("/out");
      assertThat(request.getStderr()).isEqualTo("/err");
      assertThat(request.getSpec().getTypeUrl())
          .isEqualTo("types.containerd.io/opencontainers/runtime-spec/1/Process")
          .isEqualTo(ExecClient.PROCESS_SPEC_TYPE_URL);
      assertThat(request.getSpec().getValue().toString(StandardCharsets.UTF_8)).isEqualTo(spec);
    });
    assertThat(fake.deletes()).singleElement().satisfies(request -> assertThat(request.getExecId()).isEqualTo("e1"));
    assertThat(fake.hasExec("c1", "e1")).isFalse();
    assertThat(fake.running("c1")).as("the task itself keeps running").isTrue();
  }

  @Test
  void execAsyncVariants_completeWithResults() throws Exception {
    shim.runningTask("c1");

    client.execs().execAsync("c1", "e1", ExecOptions.of("{\"args\":[\"exit\",\"0\"]}")).get(5, TimeUnit.SECONDS);
    int pid = client.execs().startAsync("c1", "e1").get(5, TimeUnit.SECONDS);
    assertThat(client.execs().waitForAsync("c1", "e1").get(5, TimeUnit.SECONDS).exitStatus()).isZero();
    assertThat(client.execs().deleteAsync("c1", "e1").get(5, TimeUnit.SECONDS).pid()).isEqualTo(pid);
  }

  @Test
  void exec_terminal_sendsTerminalFlagAndStateReportsIt() {
    shim.runningTask("c1");

    client.execs().exec("c1", "e1", ExecOptions.builder(SLEEP).terminal(true).stdin("/in").stdout("/out").build());
    client.execs().start("c1", "e1");
    TaskState state = client.execs().state("c1", "e1");

    assertThat(fake.execs().get(0).getTerminal()).isTrue();
    assertThat(state.execId()).isEqualTo("e1");
    assertThat(state.terminal()).isTrue();
    assertThat(state.status()).isEqualTo(TaskStatus.RUNNING);
    assertThat(state.stdin()).isEqualTo("/in");
    assertThat(client.tasks().state("c1").execId()).isEmpty();
  }

  @Test
  void exec_duplicateExecId_throwsAlreadyExists() {
    shim.runningTask("c1");
    client.execs().exec("c1", "e1", ExecOptions.of(SLEEP));

    assertThatThrownBy(() -> client.execs().exec("c1", "e1", ExecOptions.of(SLEEP)))
        .satisfies(e -> InProcessShim.assertKind(e, Kind.ALREADY_EXISTS))
        .hasMessage("exec e1 in task c1 already exists");
  }

  @Test
  void exec_unknownTaskOrStoppedTask_throwsNotFoundOrFailedPrecondition() {
    shim.runningTask("c1");
    fake.exit("c1", 0);

    assertThatThrownBy(() -> client.execs().exec("nope", "e1", ExecOptions.of(SLEEP)))
        .satisfies(e -> InProcessShim.assertKind(e, Kind.NOT_FOUND));
    assertThatThrownBy(() -> client.execs().exec("c1", "e1", ExecOptions.of(SLEEP)))
        .satisfies(e -> InProcessShim.assertKind(e, Kind.FAILED_PRECONDITION));
  }

  @Test
  void exec_blankExecId_throwsIllegalArgumentWithoutCall() {
    assertThatThrownBy(() -> client.execs().exec("c1", " ", ExecOptions.of(SLEEP)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("execId: blank (expected: an id for the new process)");
    assertThat(fake.execs()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "[\"sh\"] | specJson: a JSON array (expected: a JSON object, the OCI runtime spec's process object)",
    "''       | specJson: empty (expected: a JSON object, the OCI runtime spec's process object)",
  })
  void exec_specNotAJsonObject_throwsIllegalArgumentWithoutCall(String spec, String message) {
    assertThatThrownBy(() -> client.execs().exec("c1", "e1", ExecOptions.of(spec)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
    assertThat(fake.execs()).isEmpty();
  }

  @Test
  void options_terminalWithStderr_throwIllegalArgument() {
    String expected = "stderr: /err (expected: empty with a terminal, whose pty carries stdout and stderr together)";

    assertThatThrownBy(() -> ExecOptions.builder(SLEEP).terminal(true).stderr("/err").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(expected);
    assertThatThrownBy(() -> CreateOptions.builder("c1", tmp).terminal(true).stderr("/err").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(expected);
  }

  @Test
  void create_terminal_sendsTerminalFlag() {
    client.tasks().create(CreateOptions.builder("c1", tmp).terminal(true).stdin("/in").stdout("/out").build());
    client.tasks().create(new CreateOptions("c2", tmp, "", "", ""));

    assertThat(fake.creates().get(0).getTerminal()).isTrue();
    assertThat(fake.creates().get(1).getTerminal()).isFalse();
  }

  @Test
  void kill_execId_signalsOnlyThatProcess() {
    shim.runningTask("c1");
    client.execs().exec("c1", "e1", ExecOptions.of(SLEEP));
    client.execs().start("c1", "e1");

    client.execs().kill("c1", "e1", Signals.SIGTERM, false);
    client.tasks().kill("c1", 1, false);

    assertThat(fake.kills()).extracting(request -> request.getExecId()).containsExactly("e1", "");
    assertThat(client.execs().waitFor("c1", "e1").exitStatus()).isEqualTo(128 + 15);
    assertThat(client.tasks().waitFor("c1").exitStatus()).isEqualTo(128 + 1);
  }

  @Test
  void kill_execIdSignalOutOfRange_throwsIllegalArgument() {
    assertThatThrownBy(() -> client.execs().kill("c1", "e1", 65, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("signal: 65 (expected: 1..64)");
  }

  @Test
  void waitForAndDelete_unknownExecId_throwNotFound() {
    shim.runningTask("c1");

    assertThatThrownBy(() -> client.execs().waitFor("c1", "nope"))
        .satisfies(e -> InProcessShim.assertKind(e, Kind.NOT_FOUND))
        .hasMessage("exec nope in task c1 not found");
    assertThatThrownBy(() -> client.execs().delete("c1", "nope")).satisfies(e -> InProcessShim.assertKind(e, Kind.NOT_FOUND));
  }

  @Test
  void delete_runningExec_throwsFailedPrecondition() {
    shim.runningTask("c1");
    client.execs().exec("c1", "e1", ExecOptions.of(SLEEP));
    client.execs().start("c1", "e1");

    assertThatThrownBy(() -> client.execs().delete("c1", "e1"))
        .satisfies(e -> InProcessShim.assertKind(e, Kind.FAILED_PRECONDITION))
        .hasMessage("cannot delete: exec e1 in task c1 is RUNNING");
  }

  @Test
  void legacyCalls_sendEmptyExecId() throws IOException {
    Files.writeString(tmp.resolve("config.json"), "{\"process\":{\"args\":[\"sleep\"]}}");
    shim.runningTask("c1");

    client.tasks().kill("c1", Signals.SIGKILL, false);
    client.tasks().waitFor("c1");
    ExitResult deleted = client.tasks().delete("c1");

    assertThat(fake.kills().get(0).getExecId()).isEmpty();
    assertThat(fake.deletes().get(0).getExecId()).isEmpty();
    assertThat(deleted.exitStatus()).isEqualTo(137);
    assertThat(deleted.exitedAt()).isAfter(Instant.EPOCH);
  }
}
