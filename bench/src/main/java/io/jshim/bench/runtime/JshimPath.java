package io.jshim.bench.runtime;

import io.grpc.StatusRuntimeException;
import io.jshim.proto.task.v2.CreateTaskRequest;
import io.jshim.proto.task.v2.DeleteRequest;
import io.jshim.proto.task.v2.KillRequest;
import io.jshim.proto.task.v2.StartRequest;
import io.jshim.proto.task.v2.TaskGrpc;
import io.jshim.proto.task.v2.WaitRequest;
import io.jshim.proto.task.v2.WaitResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A jshim lifecycle over the daemon's gRPC socket: Create, Start, Wait, Delete, on the calling thread's own
 * connection. The daemon's CPU (its own and that of the helpers and containers it reaps) is the runtime side.
 */
final class JshimPath implements ContainerPath {
  static final long DEADLINE_SECONDS = 60;
  private final JshimDaemon daemon;
  /** Tasks created and not yet deleted: a daemon keeps its containers when it stops, so the harness removes them first. */
  private final Set<String> live = ConcurrentHashMap.newKeySet();
  private volatile boolean closing;

  JshimPath(JshimDaemon daemon) {
    this.daemon = daemon;
  }

  /** Records that task {@code id} is about to be created; refused once {@link #removeLive} began. */
  void created(String id) {
    if (closing) {
      throw new IllegalStateException("the harness is cleaning up: no new task " + id);
    }
    live.add(id);
  }

  void deleted(String id) {
    live.remove(id);
  }

  /** Kills and deletes every task still there (at the end, or from the shutdown hook); returns how many. */
  int removeLive() {
    closing = true;
    List<String> ids = List.copyOf(live);
    ids.forEach(id -> cleanUp(id, null));
    return ids.size();
  }

  @Override
  public String name() {
    return "jshim";
  }

  TaskGrpc.TaskBlockingStub tasks(int thread) {
    return TaskGrpc.newBlockingStub(daemon.channel(thread)).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  @Override
  public String run(int thread, String id, Path bundle, Path stderr) {
    String step = "Create";
    try {
      TaskGrpc.TaskBlockingStub tasks = tasks(thread);
      created(id);
      tasks.create(CreateTaskRequest.newBuilder().setId(id).setBundle(bundle.toString()).build());
      step = "Start";
      tasks.start(StartRequest.newBuilder().setId(id).build());
      step = "Wait";
      WaitResponse exit = tasks.wait(WaitRequest.newBuilder().setId(id).build());
      step = "Delete";
      tasks.delete(DeleteRequest.newBuilder().setId(id).build());
      deleted(id);
      return exit.getExitStatus() == 0 ? null : "jshim " + id + " exited " + exit.getExitStatus() + " (expected: 0)";
    } catch (StatusRuntimeException e) {
      return "jshim " + step + " " + id + ": " + e.getStatus();
    }
  }

  @Override
  public long runtimeTicks() {
    return ProcStat.of(daemon.pid()).all();
  }

  @Override
  public void cleanUp(String id, Path stderr) {
    TaskGrpc.TaskBlockingStub tasks = tasks(0);
    try {
      tasks.kill(KillRequest.newBuilder().setId(id).setSignal(Spawner.SIGKILL).setAll(true).build());
      tasks.wait(WaitRequest.newBuilder().setId(id).build());
    } catch (StatusRuntimeException ignored) {
      // not running (or not there): Delete tells
    }
    try {
      tasks.delete(DeleteRequest.newBuilder().setId(id).build());
      deleted(id);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND) {
        deleted(id);
      }
    }
  }
}
