package io.jshim.client;

import static io.jshim.client.Rpcs.await;

import io.jshim.proto.task.v2.ConnectRequest;
import io.jshim.proto.task.v2.ConnectResponse;
import io.jshim.proto.task.v2.ShutdownRequest;
import io.jshim.proto.task.v2.TaskGrpc;
import io.jshim.proto.v1.DaemonStatusGrpc;
import io.jshim.proto.v1.ForkGateCounters;
import io.jshim.proto.v1.GetStatusRequest;
import io.jshim.proto.v1.StatusResponse;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The daemon itself ({@link ShimClient#daemon()}): its counters ({@code jshim.v1.DaemonStatus}), its pid and version
 * ({@code Connect}) and {@code Shutdown}.
 */
public final class DaemonClient {
  private final Rpcs rpcs;
  private final TaskGrpc.TaskStub taskStub;
  private final DaemonStatusGrpc.DaemonStatusStub statusStub;

  DaemonClient(Rpcs rpcs) {
    this.rpcs = rpcs;
    this.taskStub = TaskGrpc.newStub(rpcs.channel());
    this.statusStub = DaemonStatusGrpc.newStub(rpcs.channel());
  }

  /**
   * The daemon's own counters: tasks, reaping, OOM kills and the fork gate ({@code jshim.v1.DaemonStatus}).
   *
   * @return the daemon's answer
   * @throws ShimClientException {@code UNAVAILABLE} if the daemon cannot be reached
   */
  public DaemonStatus status() {
    return await(statusAsync());
  }

  /**
   * Asynchronous {@link #status()}.
   *
   * @return a future of the daemon's answer
   */
  public CompletableFuture<DaemonStatus> statusAsync() {
    return rpcs.call(statusStub, DaemonStatusGrpc.DaemonStatusStub::get, GetStatusRequest.getDefaultInstance(),
        DaemonClient::daemonStatus, true);
  }

  /**
   * Asks the daemon for its pid and version and, if {@code id} names a task, that task's pid.
   *
   * @param id a task id, or empty to ask about the daemon only
   * @return the daemon's answer
   */
  public ConnectInfo connectInfo(String id) {
    return await(connectInfoAsync(id));
  }

  /**
   * Asynchronous {@link #connectInfo(String)}.
   *
   * @param id a task id, or empty
   * @return a future of the daemon's answer
   */
  public CompletableFuture<ConnectInfo> connectInfoAsync(String id) {
    ConnectRequest request = ConnectRequest.newBuilder().setId(Objects.requireNonNull(id, "id")).build();
    return rpcs.call(taskStub, TaskGrpc.TaskStub::connect, request, DaemonClient::connectInfo, true);
  }

  /**
   * Asks the daemon to exit once no task is left ({@code Shutdown} with {@code now=false}).
   *
   * @throws ShimClientException {@code UNAVAILABLE} if the daemon cannot be reached
   */
  public void shutdown() {
    await(rpcs.call(taskStub, TaskGrpc.TaskStub::shutdown, ShutdownRequest.newBuilder().setNow(false).build(),
        response -> null, true));
  }

  private static DaemonStatus daemonStatus(StatusResponse r) {
    ForkGateCounters g = r.getForkGate();
    return new DaemonStatus(r.getPid(), r.getVersion(), r.getTasks(), r.getReaper().getReaped(),
        r.getReaper().getUnclaimed(), r.getOomKills(), new DaemonStatus.ForkGate(g.getForkEntries(),
            g.getFdEntries(), g.getForkWaits(), g.getFdWaits(), g.getHandoffs(), g.getMaxBatch(),
            g.getMaxHandoffsWaited(), g.getActiveHolders(), g.getActiveSide(), g.getForkWaiting(),
            g.getFdWaiting()));
  }

  private static ConnectInfo connectInfo(ConnectResponse response) {
    return new ConnectInfo(response.getShimPid(), response.getTaskPid(), response.getVersion());
  }
}
