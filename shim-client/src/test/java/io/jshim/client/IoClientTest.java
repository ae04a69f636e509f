package io.jshim.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jshim.client.ShimClientException.Kind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link IoClient}: ResizePty and CloseIO. */
@Timeout(10)
class IoClientTest {
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
  void resizePty_terminalExec_sendsColumnsAsWidthAndRowsAsHeight() throws Exception {
    shim.runningTask("c1");
    client.execs().exec("c1", "e1", ExecOptions.builder(SLEEP).terminal(true).build());
    client.execs().start("c1", "e1");

    client.io().resizePty("c1", "e1", 132, 43);
    client.io().resizePtyAsync("c1", "e1", 80, 24).get(5, TimeUnit.SECONDS);

    assertThat(fake.resizes()).hasSize(2);
    assertThat(fake.resizes().get(0).getId()).isEqualTo("c1");
    assertThat(fake.resizes().get(0).getExecId()).isEqualTo("e1");
    assertThat(fake.resizes().get(0).getWidth()).isEqualTo(132);
    assertThat(fake.resizes().get(0).getHeight()).isEqualTo(43);
    assertThat(fake.resizes().get(1).getWidth()).isEqualTo(80);
    assertThat(fake.resizes().get(1).getHeight()).isEqualTo(24);
  }

  @Test
  void resizePty_noTerminal_throwsFailedPrecondition() {
    shim.runningTask("c1");

    assertThatThrownBy(() -> client.io().resizePty("c1", "", 80, 24))
        .satisfies(e -> InProcessShim.assertKind(e, Kind.FAILED_PRECONDITION))
        .hasMessage("task has no terminal");
  }

  @ParameterizedTest
  @CsvSource({
    "0, 24, columns: 0 (expected: 1..65535)",
    "80, -1, rows: -1 (expected: 1..65535)",
    "65536, 24, columns: 65536 (expected: 1..65535)",
  })
  void resizePty_dimensionOutOfRange_throwsIllegalArgumentWithoutCall(int columns, int rows, String message) {
    assertThatThrownBy(() -> client.io().resizePty("c1", "", columns, rows))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
    assertThat(fake.resizes()).isEmpty();
  }

  @Test
  void closeStdin_sendsCloseIoWithStdinFlag() throws Exception {
    shim.runningTask("c1");
    client.execs().exec("c1", "e1", ExecOptions.of(SLEEP));

    client.io().closeStdin("c1", "e1");
    client.io().closeStdinAsync("c1", "").get(5, TimeUnit.SECONDS);

    assertThat(fake.closeIos()).hasSize(2);
    assertThat(fake.closeIos().get(0).getExecId()).isEqualTo("e1");
    assertThat(fake.closeIos().get(0).getStdin()).isTrue();
    assertThat(fake.closeIos().get(1).getExecId()).isEmpty();
  }

  @Test
  void closeStdin_unknownExec_throwsNotFound() {
    shim.runningTask("c1");

    assertThatThrownBy(() -> client.io().closeStdin("c1", "nope")).satisfies(e -> InProcessShim.assertKind(e, Kind.NOT_FOUND));
  }
}
