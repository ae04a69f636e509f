package io.jshim.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.stub.StreamObserver;
import io.jshim.proto.v1.DaemonStatusGrpc;
import io.jshim.proto.v1.ForkGateCounters;
import io.jshim.proto.v1.GetStatusRequest;
import io.jshim.proto.v1.ReaperCounters;
import io.jshim.proto.v1.StatusResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class DaemonStatusTest {
  @TempDir
  Path dir;

  @Test
  void status_daemonAnswers_mapsEveryCounter() throws Exception {
    Path socket = dir.resolve("s.sock");
    try (UdsTestServer server = UdsTestServer.start(socket, new FakeStatus());
        ShimClient client = ShimClient.connect(socket)) {
      DaemonStatus status = client.daemon().status();

      assertThat(status.pid()).isEqualTo(42);
      assertThat(status.tasks()).isEqualTo(3);
      assertThat(status.reaped()).isEqualTo(10);
      assertThat(status.unclaimed()).isEqualTo(4);
      assertThat(status.oomKills()).isEqualTo(6);
      assertThat(status.forkGate()).isEqualTo(new DaemonStatus.ForkGate(7, 2, 1, 1, 2, 5, 2, 1, "fork", 0, 1));
    }
  }

  @Test
  void status_noDaemon_unavailable() {
    try (ShimClient client = ShimClient.connect(dir.resolve("absent.sock"))) {
      assertThatThrownBy(client.daemon()::status).isInstanceOfSatisfying(ShimClientException.class,
          e -> assertThat(e.kind()).isEqualTo(ShimClientException.Kind.UNAVAILABLE));
    }
  }

  private static final class FakeStatus extends DaemonStatusGrpc.DaemonStatusImplBase {
    @Override
    public void get(GetStatusRequest request, StreamObserver<StatusResponse> response) {
      response.onNext(StatusResponse.newBuilder()
          .setPid(42).setVersion("jshim test").setTasks(3)
          .setReaper(ReaperCounters.newBuilder().setReaped(10).setUnclaimed(4))
          .setOomKills(6)
          .setForkGate(ForkGateCounters.newBuilder().setForkEntries(7).setFdEntries(2).setForkWaits(1).setFdWaits(1)
              .setHandoffs(2).setMaxBatch(5).setMaxHandoffsWaited(2).setActiveHolders(1).setActiveSide("fork")
              .setFdWaiting(1))
          .build());
      response.onCompleted();
    }
  }
}
