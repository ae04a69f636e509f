package io.jshim.daemon.server;

import io.grpc.stub.StreamObserver;
import io.jshim.proto.v1.DaemonStatusGrpc;
import io.jshim.proto.v1.ForkGateCounters;
import io.jshim.proto.v1.GetStatusRequest;
import io.jshim.proto.v1.ReaperCounters;
import io.jshim.proto.v1.StatusResponse;
import java.util.function.Supplier;

/** jshim.v1.DaemonStatus: the reaper's and the fork gate's counters. */
final class DaemonStatusService extends DaemonStatusGrpc.DaemonStatusImplBase {
  private final Supplier<DaemonSnapshot> snapshots;
  private final int pid;
  private final String version;

  DaemonStatusService(Supplier<DaemonSnapshot> snapshots, int pid, String version) {
    this.snapshots = snapshots;
    this.pid = pid;
    this.version = version;
  }

  @Override
  public void get(GetStatusRequest request, StreamObserver<StatusResponse> response) {
    DaemonSnapshot s = snapshots.get();
    response.onNext(StatusResponse.newBuilder()
        .setPid(pid)
        .setVersion(version)
        .setTasks(s.tasks())
        .setOomKills(s.oomKills())
        .setReaper(ReaperCounters.newBuilder().setReaped(s.reaped()).setUnclaimed(s.unclaimed()))
        .setForkGate(ForkGateCounters.newBuilder()
            .setForkEntries(s.forkEntries())
            .setFdEntries(s.fdEntries())
            .setForkWaits(s.forkWaits())
            .setFdWaits(s.fdWaits())
            .setHandoffs(s.handoffs())
            .setMaxBatch(s.maxBatch())
            .setMaxHandoffsWaited(s.maxHandoffsWaited())
            .setActiveHolders(s.activeHolders())
            .setActiveSide(s.activeSide().orElse(""))
            .setForkWaiting(s.forkWaiting())
            .setFdWaiting(s.fdWaiting()))
        .build());
    response.onCompleted();
  }
}
