package io.jshim.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jshim.client.ShimClientException.Kind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link LogClient}: the container log calls. */
@Timeout(10)
class LogClientTest {
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
  void logInfoAndReopen_taskWithLog_mapPathAndLimits() throws Exception {
    shim.runningTask("c1");
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
    shim.runningTask("c1");

    assertThatThrownBy(() -> client.logs().logInfo("c1"))
        .satisfies(e -> InProcessShim.assertKind(e, Kind.FAILED_PRECONDITION))
        .hasMessage("task c1 has no log (expected: a task created with the io.jshim.log.path annotation)");
  }

  @Test
  void logInfoAsync_unknownTask_completesExceptionallyWithNotFound() {
    CompletableFuture<LogInfo> info = client.logs().logInfoAsync("nope");

    assertThatThrownBy(() -> info.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .satisfies(e -> InProcessShim.assertKind(e, Kind.NOT_FOUND));
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
