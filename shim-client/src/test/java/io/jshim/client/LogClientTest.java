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

/** {@link LogClient}: the container log calls. */
@Timeout(10)
class LogClientTest {
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
  void logInfoAndReopen_taskWithLog_mapPathAndLimits() throws Exception {
    runningTask("c1");
    fake.setLog("c1", Path.of("/var/log/jshim/c1.log"), 10L << 20, 3);

    LogInfo info = client.logs().logInfo("c1");
    LogInfo reopened = client.logs().reopenLog("c1");

    assertThat(info).isEqualTo(new LogInfo(Path.of("/var/log/jshim/c1.log"), 10L << 20, 3));
    assertThat(reopened).isEqualTo(info);
    assertThat(client.logs().logInfoAsync("c1").get(5, TimeUnit.SECONDS)).isEqualTo(info);
    assertThat(client.logs().reopenLogAsync("c1").get(5, TimeUnit.SECONDS)).isEqualTo(info);
    assertThat(fake.reopens()).hasSize(2);
  }

  @Test
  void logInfo_taskWithoutLog_throwsFailedPreconditionWithDaemonMessage() {
    runningTask("c1");

    assertThatThrownBy(() -> client.logs().logInfo("c1"))
        .satisfies(e -> assertKind(e, Kind.FAILED_PRECONDITION))
        .hasMessage("task c1 has no log (expected: a task created with the io.jshim.log.path annotation)");
  }

  @Test
  void logInfoAsync_unknownTask_completesExceptionallyWithNotFound() {
    CompletableFuture<LogInfo> info = client.logs().logInfoAsync("nope");

    assertThatThrownBy(() -> info.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .satisfies(e -> assertKind(e, Kind.NOT_FOUND));
  }

  @Test
  void logInfoRotated_generation_namesSiblingWithSuffix() {
    LogInfo info = new LogInfo(Path.of("/logs/c1.log"), 1, 3);

    assertThat(info.rotated(1)).isEqualTo(Path.of("/logs/c1.log.1"));
    assertThat(info.rotated(2)).isEqualTo(Path.of("/logs/c1.log.2"));
    assertThatThrownBy(() -> info.rotated(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("generation: 0 (expected: >= 1)");
  }
}
