package io.jshim.client;

import static io.jshim.client.Args.checkExecId;
import static io.jshim.client.Args.checkId;
import static io.jshim.client.Rpcs.await;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.jshim.proto.task.v2.DeleteRequest;
import io.jshim.proto.task.v2.ExecProcessRequest;
import io.jshim.proto.task.v2.KillRequest;
import io.jshim.proto.task.v2.StartRequest;
import io.jshim.proto.task.v2.StateRequest;
import io.jshim.proto.task.v2.TaskGrpc;
import io.jshim.proto.task.v2.WaitRequest;
import io.jshim.proto.task.v2.WaitResponse;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The processes of a task addressed by task id and exec id ({@link ShimClient#execs()}): {@code Exec} adds one, and
 * start, wait, kill, state and delete address one. An empty exec id addresses the task's init process, so code that
 * runs either kind of process (such as {@code jshimctl run} and {@code exec}) makes the same calls.
 */
public final class ExecClient {
  /** The type URL of an {@code Exec} request's spec: the OCI runtime spec's {@code process} object as JSON. */
  public static final String PROCESS_SPEC_TYPE_URL = "types.containerd.io/opencontainers/runtime-spec/1/Process";

  private final Rpcs rpcs;
  private final TaskGrpc.TaskStub stub;

  ExecClient(Rpcs rpcs) {
    this.rpcs = rpcs;
    this.stub = TaskGrpc.newStub(rpcs.channel());
  }

  /**
   * Adds a process to a running task ({@code Exec}). It is only registered: {@link #start(String, String)} runs it,
   * and {@link #delete(String, String)} removes it once it has exited.
   *
   * @param id the task id
   * @param execId the new process's id, unique within the task
   * @param options the terminal, stdio paths and the OCI {@code process} spec
   * @throws IllegalArgumentException if {@code execId} is blank or the spec is not a JSON object
   * @throws ShimClientException {@code NOT_FOUND} for an unknown task, {@code ALREADY_EXISTS} for a taken exec id,
   *     {@code FAILED_PRECONDITION} for a stopped task, {@code INVALID_ARGUMENT} for a spec the daemon refuses
   */
  public void exec(String id, String execId, ExecOptions options) {
    await(execAsync(id, execId, options));
  }

  /**
   * Asynchronous {@link #exec(String, String, ExecOptions)}.
   *
   * @param id the task id
   * @param execId the new process's id
   * @param options the terminal, stdio paths and the OCI {@code process} spec
   * @return a future completing when the daemon has registered the process
   * @throws IllegalArgumentException if {@code execId} is blank or the spec is not a JSON object
   */
  public CompletableFuture<Void> execAsync(String id, String execId, ExecOptions options) {
    checkId(id);
    Objects.requireNonNull(options, "options");
    if (checkExecId(execId).isBlank()) {
      throw new IllegalArgumentException("execId: blank (expected: an id for the new process)");
    }
    Args.checkJsonObject(options.specJson(), "specJson", "the OCI runtime spec's process object");
    ExecProcessRequest request = ExecProcessRequest.newBuilder()
        .setId(id)
        .setExecId(execId)
        .setTerminal(options.terminal())
        .setStdin(options.stdin())
        .setStdout(options.stdout())
        .setStderr(options.stderr())
        .setSpec(Any.newBuilder()
            .setTypeUrl(PROCESS_SPEC_TYPE_URL)
            .setValue(ByteString.copyFrom(options.specJson(), StandardCharsets.UTF_8)))
        .build();
    return rpcs.call(stub, TaskGrpc.TaskStub::exec, request, response -> null, true);
  }

  /**
   * Starts a created process: the task's init process, or one added by {@link #exec(String, String, ExecOptions)}.
   *
   * @param id the task id
   * @param execId the exec id, or empty for the init process
   * @return the pid of the started process
   * @throws ShimClientException {@code NOT_FOUND} for an unknown task or exec id, {@code FAILED_PRECONDITION} if
   *     not created
   */
  public int start(String id, String execId) {
    return await(startAsync(id, execId));
  }

  /**
   * Asynchronous {@link #start(String, String)}.
   *
   * @param id the task id
   * @param execId the exec id, or empty for the init process
   * @return a future of the pid of the started process
   */
  public CompletableFuture<Integer> startAsync(String id, String execId) {
    StartRequest request = StartRequest.newBuilder().setId(checkId(id)).setExecId(checkExecId(execId)).build();
    return rpcs.call(stub, TaskGrpc.TaskStub::start, request, response -> response.getPid(), true);
  }

  /**
   * Waits, without a deadline, until a process of the task has exited; answers at once if it already has.
   *
   * @param id the task id
   * @param execId the exec id, or empty for the init process
   * @return the exit status and time; the pid is 0 because {@code Wait} does not report it
   * @throws ShimClientException {@code NOT_FOUND} for an unknown task or exec id, {@code CANCELLED} if interrupted
   */
  public ExitResult waitFor(String id, String execId) {
    return await(waitForAsync(id, execId));
  }

  /**
   * Asynchronous {@link #waitFor(String, String)}: the future completes when the process exits. Cancelling the
   * future cancels the call.
   *
   * @param id the task id
   * @param execId the exec id, or empty for the init process
   * @return a future of the exit status and time
   */
  public CompletableFuture<ExitResult> waitForAsync(String id, String execId) {
    WaitRequest request = WaitRequest.newBuilder().setId(checkId(id)).setExecId(checkExecId(execId)).build();
    // A lambda, not TaskStub::wait, which would also match Object.wait.
    Rpcs.Rpc<TaskGrpc.TaskStub, WaitRequest, WaitResponse> rpc =
        (taskStub, req, responses) -> taskStub.wait(req, responses);
    return rpcs.call(stub, rpc, request,
        response -> new ExitResult(0, response.getExitStatus(), Responses.instant(response.getExitedAt())), false);
  }

  /**
   * Sends a signal to a process of the task.
   *
   * @param id the task id
   * @param execId the exec id, or empty for the init process
   * @param signal the signal number, 1..64 (see {@link Signals})
   * @param all whether to signal every process of the task, not only the addressed one
   * @throws ShimClientException {@code NOT_FOUND} for an unknown task or exec id or a process that has exited
   */
  public void kill(String id, String execId, int signal, boolean all) {
    await(killAsync(id, execId, signal, all));
  }

  /**
   * Asynchronous {@link #kill(String, String, int, boolean)}.
   *
   * @param id the task id
   * @param execId the exec id, or empty for the init process
   * @param signal the signal number, 1..64
   * @param all whether to signal every process of the task
   * @return a future completing when the daemon has sent the signal
   */
  public CompletableFuture<Void> killAsync(String id, String execId, int signal, boolean all) {
    Args.checkSignal(signal);
    KillRequest request = KillRequest.newBuilder()
        .setId(checkId(id))
        .setExecId(checkExecId(execId))
        .setSignal(signal)
        .setAll(all)
        .build();
    return rpcs.call(stub, TaskGrpc.TaskStub::kill, request, response -> null, true);
  }

  /**
   * Reports the state of a process of the task.
   *
   * @param id the task id
   * @param execId the exec id, or empty for the init process
   * @return a snapshot of the process; {@link TaskState#execId()} names the exec process
   * @throws ShimClientException {@code NOT_FOUND} for an unknown task or exec id
   */
  public TaskState state(String id, String execId) {
    return await(stateAsync(id, execId));
  }

  /**
   * Asynchronous {@link #state(String, String)}.
   *
   * @param id the task id
   * @param execId the exec id, or empty for the init process
   * @return a future of the process's snapshot
   */
  public CompletableFuture<TaskState> stateAsync(String id, String execId) {
    StateRequest request = StateRequest.newBuilder().setId(checkId(id)).setExecId(checkExecId(execId)).build();
    return rpcs.call(stub, TaskGrpc.TaskStub::state, request, Responses::taskState, true);
  }

  /**
   * Deletes a process of the task that has exited (or was never started): with an exec id that exec process, else
   * the whole task.
   *
   * @param id the task id
   * @param execId the exec id, or empty for the task itself
   * @return the pid, exit status and exit time of the process
   * @throws ShimClientException {@code NOT_FOUND} for an unknown task or exec id, {@code FAILED_PRECONDITION} if
   *     still running
   */
  public ExitResult delete(String id, String execId) {
    return await(deleteAsync(id, execId));
  }

  /**
   * Asynchronous {@link #delete(String, String)}.
   *
   * @param id the task id
   * @param execId the exec id, or empty for the task itself
   * @return a future of the pid, exit status and exit time
   */
  public CompletableFuture<ExitResult> deleteAsync(String id, String execId) {
    DeleteRequest request = DeleteRequest.newBuilder().setId(checkId(id)).setExecId(checkExecId(execId)).build();
    return rpcs.call(stub, TaskGrpc.TaskStub::delete, request,
        response -> new ExitResult(response.getPid(), response.getExitStatus(),
            Responses.instant(response.getExitedAt())),
        true);
  }
}
