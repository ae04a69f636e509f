package io.jshim.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.jshim.client.ShimClientException.Kind;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The fixture of the client tests: a {@link ShimClient} talking in-process to a {@link FakeTaskService} (and its
 * log service), with tasks created in {@code bundles}.
 */
final class InProcessShim implements AutoCloseable {
  static final Path SOCKET = Path.of("/fake/jshim.sock");

  private final FakeTaskService fake = new FakeTaskService();
  private final Server server;
  private final ShimClient client;
  private final Path bundles;

  private InProcessShim(Path bundles) throws IOException {
    this.bundles = bundles;
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor()
        .addService(fake)
        .addService(fake.logService())
        .build()
        .start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    client = new ShimClient(channel, SOCKET, Duration.ofSeconds(5));
  }

  static InProcessShim start(Path bundles) throws IOException {
    return new InProcessShim(bundles);
  }

  FakeTaskService fake() {
    return fake;
  }

  ShimClient client() {
    return client;
  }

  /** Creates and starts task {@code id}; returns its pid. */
  int runningTask(String id) {
    int pid = client.tasks().create(CreateOptions.of(id, bundles));
    client.tasks().start(id);
    return pid;
  }

  static void assertKind(Throwable error, Kind kind) {
    assertThat(error).isInstanceOfSatisfying(ShimClientException.class, e -> assertThat(e.kind()).isEqualTo(kind));
  }

  @Override
  public void close() throws InterruptedException {
    client.close();
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
