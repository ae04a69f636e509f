package io.jshim.client;

import static io.jshim.client.Args.checkId;
import static io.jshim.client.Rpcs.await;

import io.jshim.proto.v1.ContainerLogsGrpc;
import io.jshim.proto.v1.LogRequest;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/** A task's container log ({@link ShimClient#logs()}): the service {@code jshim.v1.ContainerLogs}. */
public final class LogClient {
  private final Rpcs rpcs;
  private final ContainerLogsGrpc.ContainerLogsStub stub;

  LogClient(Rpcs rpcs) {
    this.rpcs = rpcs;
    this.stub = ContainerLogsGrpc.newStub(rpcs.channel());
  }

  /**
   * Describes a task's container log ({@code jshim.v1.ContainerLogs/Describe}): where it is and how it rotates.
   *
   * @param id the task id
   * @return the log's path and rotation limits
   * @throws ShimClientException {@code NOT_FOUND} for an unknown task, {@code FAILED_PRECONDITION} for a task
   *     created without a log (no {@code io.jshim.log.path} annotation)
   */
  public LogInfo logInfo(String id) {
    return await(logInfoAsync(id));
  }

  /**
   * Asynchronous {@link #logInfo(String)}.
   *
   * @param id the task id
   * @return a future of the log's path and rotation limits
   */
  public CompletableFuture<LogInfo> logInfoAsync(String id) {
    LogRequest request = LogRequest.newBuilder().setId(checkId(id)).build();
    return rpcs.call(stub, ContainerLogsGrpc.ContainerLogsStub::describe, request, LogClient::logInfo, true);
  }

  /**
   * Makes the daemon close and reopen a task's log file at its path ({@code jshim.v1.ContainerLogs/Reopen}), for
   * example after the file was moved away.
   *
   * @param id the task id
   * @return the log's path and rotation limits
   * @throws ShimClientException {@code NOT_FOUND} for an unknown task, {@code FAILED_PRECONDITION} for a task
   *     created without a log
   */
  public LogInfo reopenLog(String id) {
    return await(reopenLogAsync(id));
  }

  /**
   * Asynchronous {@link #reopenLog(String)}.
   *
   * @param id the task id
   * @return a future of the log's path and rotation limits
   */
  public CompletableFuture<LogInfo> reopenLogAsync(String id) {
    LogRequest request = LogRequest.newBuilder().setId(checkId(id)).build();
    return rpcs.call(stub, ContainerLogsGrpc.ContainerLogsStub::reopen, request, LogClient::logInfo, true);
  }

  private static LogInfo logInfo(io.jshim.proto.v1.LogInfo response) {
    return new LogInfo(Path.of(response.getPath()), response.getMaxSize(), response.getMaxFiles());
  }
}
