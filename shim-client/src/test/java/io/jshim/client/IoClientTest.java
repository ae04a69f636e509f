package io.jshim.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.jshim.client.ShimClientException.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
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
  private static final Path SOCKET = Path.of("/fake/jshim.sock");
  private static final String SLEEP = "{\"args\":[\"sleep\"]}";

  @TempDir
  Path tmp;

  private final FakeTaskService fake = new FakeTaskService();
  private Server server;
  private ShimClient client;

  @BeforeEach
  void setUp() throws IOException {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor()
        .addService(fake)
        .addService(fake.logService())
        .build()
        .start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    client = new ShimClient(channel, SOCKET, Duration.ofSeconds(5));
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    client.close();
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private int runningTask(String id) {
    int pid = client.tasks().create(CreateOptions.of(id, tmp));
    client.tasks().start(id);
    return pid;
  }

  private static void assertKind(Throwable error, Kind kind) {
    assertThat(error).isInstanceOfSatisfying(ShimClientException.class, e -> assertThat(e.kind()).isEqualTo(kind));
  }

  @Test
  void resizePty_terminalExec_sendsColumnsAsWidthAndRowsAsHeight() throws Exception {
    runningTask("c1");
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
    runningTask("c1");

    assertThatThrownBy(() -> client.io().resizePty("c1", "", 80, 24))
        .satisfies(e -> assertKind(e, Kind.FAILED_PRECONDITION))
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
    runningTask("c1");
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
    runningTask("c1");

    assertThatThrownBy(() -> client.io().closeStdin("c1", "nope")).satisfies(e -> assertKind(e, Kind.NOT_FOUND));
  }
}
