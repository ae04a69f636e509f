package io.jshim.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.jshim.daemon.config.ShimConfig;
import io.jshim.proto.task.v2.ShutdownRequest;
import io.jshim.proto.task.v2.TaskGrpc;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code --idle-shutdown-delay}: a grouped daemon outlives containerd's Shutdown of its last container a while. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class IdleShutdownTest {
  private static final Duration DELAY = Duration.ofMillis(300);

  @TempDir
  Path dir;

  private ShimDaemon start() throws Exception {
    Files.createDirectories(dir.resolve("logs"));
    return ShimDaemon.start(new ShimConfig(dir.resolve("run/g.sock"), dir.resolve("state"), Privileged.helper(),
        Set.of(), Duration.ofSeconds(10), dir.resolve("logs"), Optional.of(dir.resolve("run/t.sock")),
        Optional.empty(), Optional.empty(), DELAY));
  }

  private static CompletableFuture<Void> stopped(ShimDaemon daemon) {
    return CompletableFuture.runAsync(() -> {
      try {
        daemon.awaitShutdown();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }

  private void shutdown() {
    ManagedChannel channel = Grpc.newChannelBuilder("unix://" + dir.resolve("run/g.sock"),
        InsecureChannelCredentials.create()).build();
    try {
      TaskGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .shutdown(ShutdownRequest.newBuilder().build());
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void shutdown_noTaskNoClient_stopsAfterTheDelayNotBefore() throws Exception {
    try (ShimDaemon daemon = start()) {
      CompletableFuture<Void> stopped = stopped(daemon);
      long start = System.nanoTime();

      shutdown();

      stopped.get(10, TimeUnit.SECONDS);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(DELAY);
    }
  }

  @Test
  void shutdown_ttrpcClientConnectedWithoutTask_staysUpUntilItLeaves() throws Exception {
    try (ShimDaemon daemon = start()) {
      CompletableFuture<Void> stopped = stopped(daemon);
      // containerd between start and Create: connected, no task yet
      SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX);
      client.connect(UnixDomainSocketAddress.of(dir.resolve("run/t.sock")));

      shutdown();
      Thread.sleep(DELAY.toMillis() * 4);
      assertThat(stopped).as("still serving while a client is connected").isNotDone();

      client.close();
      stopped.get(10, TimeUnit.SECONDS);
    }
  }
}
