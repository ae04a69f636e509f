package io.jshim.daemon.server;

import io.grpc.stub.StreamObserver;
import io.jshim.daemon.io.LogSpec;
import io.jshim.daemon.task.TaskService;
import io.jshim.proto.v1.ContainerLogsGrpc;
import io.jshim.proto.v1.LogInfo;
import io.jshim.proto.v1.LogRequest;

/** jshim.v1.ContainerLogs: where a task's CRI log is, and reopening it. */
final class ContainerLogsService extends ContainerLogsGrpc.ContainerLogsImplBase {
  private final TaskService tasks;

  ContainerLogsService(TaskService tasks) {
    this.tasks = tasks;
  }

  @Override
  public void describe(LogRequest request, StreamObserver<LogInfo> response) {
    Calls.unary(response, () -> info(tasks.logSpec(request.getId())));
  }

  @Override
  public void reopen(LogRequest request, StreamObserver<LogInfo> response) {
    Calls.unary(response, () -> info(tasks.reopenLog(request.getId())));
  }

  private static LogInfo info(LogSpec spec) {
    return LogInfo.newBuilder().setPath(spec.path().toString()).setMaxSize(spec.maxSize()).setMaxFiles(spec.maxFiles())
        .build();
  }
}
