package io.jshim.client;

import static io.jshim.client.Args.checkExecId;
import static io.jshim.client.Args.checkId;
import static io.jshim.client.Rpcs.await;

import io.jshim.proto.task.v2.CloseIORequest;
import io.jshim.proto.task.v2.ResizePtyRequest;
import io.jshim.proto.task.v2.TaskGrpc;
import java.util.concurrent.CompletableFuture;

/**
 * A process's terminal and stdin ({@link ShimClient#io()}): {@code ResizePty} and {@code CloseIO}. An empty exec id
 * addresses the task's init process.
 */
public final class IoClient {
  private final Rpcs rpcs;
  private final TaskGrpc.TaskStub stub;

  IoClient(Rpcs rpcs) {
    this.rpcs = rpcs;
    this.stub = TaskGrpc.newStub(rpcs.channel());
  }

  /**
   * Sets the window size of a process's pty ({@code ResizePty}).
   *
   * @param id the task id
   * @param execId the exec id, or empty for the init process
   * @param columns the width in characters, 1..{@value ShimClient#MAX_PTY_DIMENSION}
   * @param rows the height in lines, 1..{@value ShimClient#MAX_PTY_DIMENSION}
   * @throws IllegalArgumentException for a dimension out of range
   * @throws ShimClientException {@code NOT_FOUND} for an unknown task or exec id, {@code FAILED_PRECONDITION} for a
   *     process without a terminal
   */
  public void resizePty(String id, String execId, int columns, int rows) {
    await(resizePtyAsync(id, execId, columns, rows));
  }

  /**
   * Asynchronous {@link #resizePty(String, String, int, int)}.
   *
   * @param id the task id
   * @param execId the exec id, or empty for the init process
   * @param columns the width in characters, 1..{@value ShimClient#MAX_PTY_DIMENSION}
   * @param rows the height in lines, 1..{@value ShimClient#MAX_PTY_DIMENSION}
   * @return a future completing when the daemon has resized the pty
   * @throws IllegalArgumentException for a dimension out of range
   */
  public CompletableFuture<Void> resizePtyAsync(String id, String execId, int columns, int rows) {
    Args.checkDimension("columns", columns);
    Args.checkDimension("rows", rows);
    ResizePtyRequest request = ResizePtyRequest.newBuilder()
        .setId(checkId(id))
        .setExecId(checkExecId(execId))
        .setWidth(columns)
        .setHeight(rows)
        .build();
    return rpcs.call(stub, TaskGrpc.TaskStub::resizePty, request, response -> null, true);
  }

  /**
   * Delivers end-of-file to a process's stdin ({@code CloseIO} with {@code stdin=true}); with a terminal the
   * daemon sends the pty's EOF character. Close the writing side of the stdin FIFO first, so that everything
   * written before reaches the process.
   *
   * @param id the task id
   * @param execId the exec id, or empty for the init process
   * @throws ShimClientException {@code NOT_FOUND} for an unknown task or exec id
   */
  public void closeStdin(String id, String execId) {
    await(closeStdinAsync(id, execId));
  }

  /**
   * Asynchronous {@link #closeStdin(String, String)}.
   *
   * @param id the task id
   * @param execId the exec id, or empty for the init process
   * @return a future completing when the daemon has closed the process's stdin
   */
  public CompletableFuture<Void> closeStdinAsync(String id, String execId) {
    CloseIORequest request = CloseIORequest.newBuilder()
        .setId(checkId(id))
        .setExecId(checkExecId(execId))
        .setStdin(true)
        .build();
    return rpcs.call(stub, TaskGrpc.TaskStub::closeIO, request, response -> null, true);
  }
}
