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
import java.util.concurrent.TimeUnit;

/**
 * A jshim lifecycle over the daemon's gRPC socket: Create, Start, Wait, Delete, on the calling thread's own
 * connection. The daemon's CPU (its own and that of the helpers and containers it reaps) is the runtime side.
 */
final class JshimPath implements ContainerPath {
  static final long DEADLINE_SECONDS = 60;
  private final JshimDaemon daemon;

  JshimPath(JshimDaemon daemon) {
    this.daemon = daemon;
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
      tasks.create(CreateTaskRequest.newBuilder().setId(id).setBundle(bundle.toString()).build());
      step = "Start";
      tasks.start(StartRequest.newBuilder().setId(id).build());
      step = "Wait";
      WaitResponse exit = tasks.wait(WaitRequest.newBuilder().setId(id).build());
      step = "Delete";
      tasks.delete(DeleteRequest.newBuilder().setId(id).build());
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
    } catch (StatusRuntimeException ignored) {
      // not there: nothing left
    }
  }
}
