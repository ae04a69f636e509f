package io.jshim.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.StreamObserver;
import io.jshim.proto.v1.ContainerLogsGrpc;
import io.jshim.proto.v1.DaemonStatusGrpc;
import io.jshim.proto.v1.ForkGateCounters;
import io.jshim.proto.v1.GetStatusRequest;
import io.jshim.proto.v1.LogRequest;
import io.jshim.proto.v1.StatusResponse;
import io.jshim.proto.task.v2.CloseIORequest;
import io.jshim.proto.task.v2.ConnectRequest;
import io.jshim.proto.task.v2.ConnectResponse;
import io.jshim.proto.task.v2.CreateTaskRequest;
import io.jshim.proto.task.v2.DeleteRequest;
import io.jshim.proto.task.v2.ExecProcessRequest;
import io.jshim.proto.task.v2.KillRequest;
import io.jshim.proto.task.v2.PauseRequest;
import io.jshim.proto.task.v2.PidsRequest;
import io.jshim.proto.task.v2.PidsResponse;
import io.jshim.proto.task.v2.ResizePtyRequest;
import io.jshim.proto.task.v2.ResumeRequest;
import io.jshim.proto.task.v2.ShutdownRequest;
import io.jshim.proto.task.v2.StartRequest;
import io.jshim.proto.task.v2.StateRequest;
import io.jshim.proto.task.v2.StateResponse;
import io.jshim.proto.task.v2.StatsRequest;
import io.jshim.proto.task.v2.StatsResponse;
import io.jshim.proto.task.v2.TaskGrpc;
import io.jshim.proto.task.v2.UpdateTaskRequest;
import io.jshim.proto.task.v2.WaitRequest;
import io.jshim.proto.task.v2.WaitResponse;
import io.jshim.proto.types.task.ProcessInfo;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A client of one jshim daemon, talking containerd's task API over the daemon's Unix socket.
 *
 * <p>Every operation comes as a blocking method and most also as an {@code …Async} method returning a
 * {@link CompletableFuture}; no thread is parked for an asynchronous call. Failures are {@link ShimClientException}s
 * (thrown, or completing the future exceptionally). Waits have no deadline; every other call fails with
 * {@link ShimClientException.Kind#DEADLINE_EXCEEDED} after the call timeout given at connect (default
 * {@link #DEFAULT_CALL_TIMEOUT}).
 *
 * <p>A task's init process is addressed by its task id alone; a process added with
 * {@link #exec(String, String, ExecOptions)} by the task id and its exec id. The methods taking an {@code execId}
 * accept an empty one for the init process, and the methods without one address the init process.
 *
 * <p>The connection is made lazily by the first call; if the daemon cannot be reached the call fails with
 * {@link ShimClientException.Kind#UNAVAILABLE}. Instances are thread-safe. {@link #close()} cancels calls still in
 * flight.
 */
public final class ShimClient implements AutoCloseable {
  /** The deadline of every call but {@code wait}, unless {@link #connect(Path, Duration)} says otherwise. */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);

  /** The type URL of an {@code Update} request's resources: OCI {@code LinuxResources} as JSON. */
  public static final String LINUX_RESOURCES_TYPE_URL =
      "types.containerd.io/opencontainers/runtime-spec/1/LinuxResources";

  /** The type URL of an {@code Exec} request's spec: the OCI runtime spec's {@code process} object as JSON. */
  public static final String PROCESS_SPEC_TYPE_URL = "types.containerd.io/opencontainers/runtime-spec/1/Process";

  /** The largest width or height a pty takes (its window size fields are unsigned shorts). */
  public static final int MAX_PTY_DIMENSION = 0xFFFF;

  private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final ManagedChannel channel;
  private final TaskGrpc.TaskStub stub;
  private final ContainerLogsGrpc.ContainerLogsStub logsStub;
  private final Path socket;
  private final Duration callTimeout;

  ShimClient(ManagedChannel channel, Path socket, Duration callTimeout) {
    this.channel = Objects.requireNonNull(channel, "channel");
    this.socket = Objects.requireNonNull(socket, "socket");
    this.callTimeout = checkTimeout(callTimeout);
    this.stub = TaskGrpc.newStub(channel);
    this.logsStub = ContainerLogsGrpc.newStub(channel);
  }

  /**
   * Creates a client of the daemon listening on {@code socket}, with the {@linkplain #DEFAULT_CALL_TIMEOUT default
   * call timeout}.
   *
   * @param socket the daemon's Unix socket
   * @return a client; close it when done
   */
  public static ShimClient connect(Path socket) {
    return connect(socket, DEFAULT_CALL_TIMEOUT);
  }

  /**
   * Creates a client of the daemon listening on {@code socket}.
   *
   * @param socket the daemon's Unix socket
   * @param callTimeout the deadline of every call but {@code wait}; {@link Duration#ZERO} means none
   * @return a client; close it when done
   */
  public static ShimClient connect(Path socket, Duration callTimeout) {
    Objects.requireNonNull(socket, "socket");
    Path absolute = socket.toAbsolutePath();
    ManagedChannel channel = Grpc.newChannelBuilder(unixTarget(absolute), InsecureChannelCredentials.create())
        .build();
    return new ShimClient(channel, absolute, callTimeout);
  }

  /**
   * Returns the socket this client talks to.
   *
   * @return the daemon's socket path
   */
  public Path socket() {
    return socket;
  }

  /**
   * Creates a task from a bundle; its process is set up and held until {@link #start(String)}.
   *
   * @param options the task id, bundle and stdio paths
   * @return the pid of the task's process
   * @throws ShimClientException {@code ALREADY_EXISTS} for a taken id, {@code INVALID_ARGUMENT} for a bad bundle
   */
  public int create(CreateOptions options) {
    return await(createAsync(options));
  }

  /**
   * Asynchronous {@link #create(CreateOptions)}.
   *
   * @param options the task id, bundle and stdio paths
   * @return a future of the pid of the task's process
   */
  public CompletableFuture<Integer> createAsync(CreateOptions options) {
    Objects.requireNonNull(options, "options");
    CreateTaskRequest request = CreateTaskRequest.newBuilder()
        .setId(options.id())
        .setBundle(options.bundle().toString())
        .setStdin(options.stdin())
        .setStdout(options.stdout())
        .setStderr(options.stderr())
        .setTerminal(options.terminal())
        .build();
    return call(TaskGrpc.TaskStub::create, request, response -> response.getPid(), true);
  }

  /**
   * Starts a created task's process.
   *
   * @param id the task id
   * @return the pid of the started process
   * @throws ShimClientException {@code NOT_FOUND} for an unknown id, {@code FAILED_PRECONDITION} if not created
   */
  public int start(String id) {
    return await(startAsync(id));
  }

  /**
   * Asynchronous {@link #start(String)}.
   *
   * @param id the task id
   * @return a future of the pid of the started process
   */
  public CompletableFuture<Integer> startAsync(String id) {
    return startAsync(id, "");
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
    return call(TaskGrpc.TaskStub::start, request, response -> response.getPid(), true);
  }

  /**
   * Waits, without a deadline, until the task's process has exited; answers at once if it already has.
   *
   * @param id the task id
   * @return the exit status and time; the pid is 0 because {@code Wait} does not report it
   * @throws ShimClientException {@code NOT_FOUND} for an unknown id, {@code CANCELLED} if interrupted
   */
  public ExitResult waitFor(String id) {
    return await(waitForAsync(id));
  }

  /**
   * Asynchronous {@link #waitFor(String)}: the future completes when the process exits. Cancelling the future
   * cancels the call.
   *
   * @param id the task id
   * @return a future of the exit status and time
   */
  public CompletableFuture<ExitResult> waitForAsync(String id) {
    return waitForAsync(id, "");
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
    Rpc<TaskGrpc.TaskStub, WaitRequest, WaitResponse> rpc = (taskStub, req, responses) -> taskStub.wait(req, responses);
    return call(rpc, request,
        response -> new ExitResult(0, response.getExitStatus(), instant(response.getExitedAt())), false);
  }

  /**
   * Sends a signal to the task's process.
   *
   * @param id the task id
   * @param signal the signal number, 1..64 (see {@link Signals})
   * @param all whether to signal every process of the task, not only its init process
   * @throws ShimClientException {@code NOT_FOUND} for an unknown id, {@code FAILED_PRECONDITION} if it has exited
   */
  public void kill(String id, int signal, boolean all) {
    await(killAsync(id, signal, all));
  }

  /**
   * Asynchronous {@link #kill(String, int, boolean)}.
   *
   * @param id the task id
   * @param signal the signal number, 1..64
   * @param all whether to signal every process of the task
   * @return a future completing when the daemon has sent the signal
   */
  public CompletableFuture<Void> killAsync(String id, int signal, boolean all) {
    return killAsync(id, "", signal, all);
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
    if (signal < Signals.MIN || signal > Signals.MAX) {
      throw new IllegalArgumentException("signal: " + signal + " (expected: 1..64)");
    }
    KillRequest request = KillRequest.newBuilder()
        .setId(checkId(id))
        .setExecId(checkExecId(execId))
        .setSignal(signal)
        .setAll(all)
        .build();
    return call(TaskGrpc.TaskStub::kill, request, response -> null, true);
  }

  /**
   * Deletes a task whose process has exited (or was never started) and releases its resources.
   *
   * @param id the task id
   * @return the pid, exit status and exit time of the task's process
   * @throws ShimClientException {@code NOT_FOUND} for an unknown id, {@code FAILED_PRECONDITION} if still running
   */
  public ExitResult delete(String id) {
    return await(deleteAsync(id));
  }

  /**
   * Asynchronous {@link #delete(String)}.
   *
   * @param id the task id
   * @return a future of the pid, exit status and exit time
   */
  public CompletableFuture<ExitResult> deleteAsync(String id) {
    return deleteAsync(id, "");
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
    return call(TaskGrpc.TaskStub::delete, request,
        response -> new ExitResult(response.getPid(), response.getExitStatus(),
            instant(response.getExitedAt())),
        true);
  }

  /**
   * Reports the state of a task's process.
   *
   * @param id the task id
   * @return a snapshot of the task
   * @throws ShimClientException {@code NOT_FOUND} for an unknown id
   */
  public TaskState state(String id) {
    return await(stateAsync(id));
  }

  /**
   * Asynchronous {@link #state(String)}.
   *
   * @param id the task id
   * @return a future of the task's snapshot
   */
  public CompletableFuture<TaskState> stateAsync(String id) {
    return stateAsync(id, "");
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
    return call(TaskGrpc.TaskStub::state, request, ShimClient::taskState, true);
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
    checkJsonObject(options.specJson(), "specJson", "the OCI runtime spec's process object");
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
    return call(TaskGrpc.TaskStub::exec, request, response -> null, true);
  }

  /**
   * Sets the window size of a process's pty ({@code ResizePty}).
   *
   * @param id the task id
   * @param execId the exec id, or empty for the init process
   * @param columns the width in characters, 1..{@value #MAX_PTY_DIMENSION}
   * @param rows the height in lines, 1..{@value #MAX_PTY_DIMENSION}
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
   * @param columns the width in characters, 1..{@value #MAX_PTY_DIMENSION}
   * @param rows the height in lines, 1..{@value #MAX_PTY_DIMENSION}
   * @return a future completing when the daemon has resized the pty
   * @throws IllegalArgumentException for a dimension out of range
   */
  public CompletableFuture<Void> resizePtyAsync(String id, String execId, int columns, int rows) {
    checkDimension("columns", columns);
    checkDimension("rows", rows);
    ResizePtyRequest request = ResizePtyRequest.newBuilder()
        .setId(checkId(id))
        .setExecId(checkExecId(execId))
        .setWidth(columns)
        .setHeight(rows)
        .build();
    return call(TaskGrpc.TaskStub::resizePty, request, response -> null, true);
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
    return call(TaskGrpc.TaskStub::closeIO, request, response -> null, true);
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
    return call(logsStub, ContainerLogsGrpc.ContainerLogsStub::describe, request, ShimClient::logInfo, true);
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
    return call(logsStub, ContainerLogsGrpc.ContainerLogsStub::reopen, request, ShimClient::logInfo, true);
  }

  /**
   * Lists the processes of a task.
   *
   * @param id the task id
   * @return the task's processes, init process first where the daemon orders them so
   * @throws ShimClientException {@code NOT_FOUND} for an unknown id
   */
  public List<ProcessEntry> pids(String id) {
    return await(pidsAsync(id));
  }

  /**
   * Asynchronous {@link #pids(String)}.
   *
   * @param id the task id
   * @return a future of the task's processes
   */
  public CompletableFuture<List<ProcessEntry>> pidsAsync(String id) {
    PidsRequest request = PidsRequest.newBuilder().setId(checkId(id)).build();
    return call(TaskGrpc.TaskStub::pids, request, ShimClient::processes, true);
  }

  /**
   * Freezes every process of a running task.
   *
   * @param id the task id
   * @throws ShimClientException {@code NOT_FOUND} for an unknown id, {@code FAILED_PRECONDITION} if not running or
   *     without a cgroup
   */
  public void pause(String id) {
    await(pauseAsync(id));
  }

  /**
   * Asynchronous {@link #pause(String)}.
   *
   * @param id the task id
   * @return a future completing when the task is frozen
   */
  public CompletableFuture<Void> pauseAsync(String id) {
    PauseRequest request = PauseRequest.newBuilder().setId(checkId(id)).build();
    return call(TaskGrpc.TaskStub::pause, request, response -> null, true);
  }

  /**
   * Thaws a paused task.
   *
   * @param id the task id
   * @throws ShimClientException {@code NOT_FOUND} for an unknown id, {@code FAILED_PRECONDITION} if not paused
   */
  public void resume(String id) {
    await(resumeAsync(id));
  }

  /**
   * Asynchronous {@link #resume(String)}.
   *
   * @param id the task id
   * @return a future completing when the task runs again
   */
  public CompletableFuture<Void> resumeAsync(String id) {
    ResumeRequest request = ResumeRequest.newBuilder().setId(checkId(id)).build();
    return call(TaskGrpc.TaskStub::resume, request, response -> null, true);
  }

  /**
   * Sets new resource limits on a task's cgroup. The JSON is sent as is, packed with type URL
   * {@value #LINUX_RESOURCES_TYPE_URL}; fields it leaves out keep their current values.
   *
   * @param id the task id
   * @param linuxResourcesJson an OCI {@code LinuxResources} JSON object, for example
   *     <code>{"memory":{"limit":268435456},"pids":{"limit":100}}</code>
   * @throws IllegalArgumentException if {@code linuxResourcesJson} is not a JSON object
   * @throws ShimClientException {@code NOT_FOUND} for an unknown id, {@code INVALID_ARGUMENT} for values the daemon
   *     refuses, {@code FAILED_PRECONDITION} for a task without a cgroup
   */
  public void update(String id, String linuxResourcesJson) {
    await(updateAsync(id, linuxResourcesJson));
  }

  /**
   * Asynchronous {@link #update(String, String)}.
   *
   * @param id the task id
   * @param linuxResourcesJson an OCI {@code LinuxResources} JSON object
   * @return a future completing when the daemon has applied the limits
   * @throws IllegalArgumentException if {@code linuxResourcesJson} is not a JSON object
   */
  public CompletableFuture<Void> updateAsync(String id, String linuxResourcesJson) {
    checkId(id);
    checkJsonObject(linuxResourcesJson, "linuxResourcesJson", "the OCI LinuxResources");
    UpdateTaskRequest request = UpdateTaskRequest.newBuilder()
        .setId(id)
        .setResources(Any.newBuilder()
            .setTypeUrl(LINUX_RESOURCES_TYPE_URL)
            .setValue(ByteString.copyFrom(linuxResourcesJson, StandardCharsets.UTF_8)))
        .build();
    return call(TaskGrpc.TaskStub::update, request, response -> null, true);
  }

  /**
   * Reads a task's cgroup statistics.
   *
   * @param id the task id
   * @return the metrics, v1 or v2 as the daemon's host has it
   * @throws ShimClientException {@code NOT_FOUND} for an unknown id, {@code FAILED_PRECONDITION} for a task without
   *     a cgroup, {@code UNKNOWN} for metrics of a type this client does not know
   */
  public TaskStats stats(String id) {
    return await(statsAsync(id));
  }

  /**
   * Asynchronous {@link #stats(String)}.
   *
   * @param id the task id
   * @return a future of the metrics
   */
  public CompletableFuture<TaskStats> statsAsync(String id) {
    StatsRequest request = StatsRequest.newBuilder().setId(checkId(id)).build();
    return call(TaskGrpc.TaskStub::stats, request, ShimClient::taskStats, true);
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
    return call(TaskGrpc.TaskStub::connect, request, ShimClient::connectInfo, true);
  }

  /**
   * Asks the daemon to exit once no task is left ({@code Shutdown} with {@code now=false}).
   *
   * @throws ShimClientException {@code UNAVAILABLE} if the daemon cannot be reached
   */
  public void shutdown() {
    await(call(TaskGrpc.TaskStub::shutdown, ShutdownRequest.newBuilder().setNow(false).build(),
        response -> null, true));
  }

  /**
   * The daemon's own counters: tasks, reaping, OOM kills and the fork gate ({@code jshim.v1.DaemonStatus}).
   *
   * @return the daemon's answer
   */
  public DaemonStatus status() {
    try {
      DaemonStatusGrpc.DaemonStatusBlockingStub status = DaemonStatusGrpc.newBlockingStub(channel);
      if (!callTimeout.isZero()) {
        status = status.withDeadlineAfter(callTimeout.toNanos(), TimeUnit.NANOSECONDS);
      }
      StatusResponse r = status.get(GetStatusRequest.getDefaultInstance());
      ForkGateCounters g = r.getForkGate();
      return new DaemonStatus(r.getPid(), r.getVersion(), r.getTasks(), r.getReaper().getReaped(),
          r.getReaper().getUnclaimed(), r.getOomKills(), new DaemonStatus.ForkGate(g.getForkEntries(),
              g.getFdEntries(), g.getForkWaits(), g.getFdWaits(), g.getHandoffs(), g.getMaxBatch(),
              g.getMaxHandoffsWaited(), g.getActiveHolders(), g.getActiveSide(), g.getForkWaiting(),
              g.getFdWaiting()));
    } catch (RuntimeException e) {
      throw ShimClientException.from(e, socket);
    }
  }

  /** Closes the connection; calls still in flight are cancelled. */
  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "ShimClient[" + socket + "]";
  }

  /** The shape of every unary method of a generated async stub. */
  @FunctionalInterface
  private interface Rpc<S, Q, R> {
    void invoke(S stub, Q request, StreamObserver<R> responses);
  }

  private <Q, R, T> CompletableFuture<T> call(
      Rpc<TaskGrpc.TaskStub, Q, R> rpc, Q request, Function<R, T> mapper, boolean deadline) {
    return call(stub, rpc, request, mapper, deadline);
  }

  private <S extends AbstractStub<S>, Q, R, T> CompletableFuture<T> call(
      S base, Rpc<S, Q, R> rpc, Q request, Function<R, T> mapper, boolean deadline) {
    S target = deadline && !callTimeout.isZero()
        ? base.withDeadlineAfter(callTimeout.toNanos(), TimeUnit.NANOSECONDS)
        : base;
    UnaryCall<Q, R, T> call = new UnaryCall<>(mapper, socket);
    try {
      rpc.invoke(target, request, call);
    } catch (RuntimeException e) {
      call.future().completeExceptionally(ShimClientException.from(e, socket));
    }
    return call.future();
  }

  private static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new ShimClientException(ShimClientException.Kind.CANCELLED,
          "interrupted while waiting for the daemon", e);
    } catch (ExecutionException e) {
      ShimClientException failure = e.getCause() instanceof ShimClientException sce
          ? sce
          : ShimClientException.from(e.getCause(), Path.of(""));
      // Rethrow with the caller's stack: the original one ends in a gRPC callback thread.
      throw new ShimClientException(failure.kind(), failure.getMessage(), failure.getCause());
    }
  }

  private static TaskState taskState(StateResponse response) {
    return new TaskState(
        response.getId(),
        response.getExecId(),
        Path.of(response.getBundle()),
        response.getPid(),
        taskStatus(response.getStatus()),
        response.getStdin(),
        response.getStdout(),
        response.getStderr(),
        response.getTerminal(),
        response.getExitStatus(),
        instant(response.getExitedAt()));
  }

  private static TaskStatus taskStatus(io.jshim.proto.types.task.Status status) {
    return switch (status) {
      case CREATED -> TaskStatus.CREATED;
      case RUNNING -> TaskStatus.RUNNING;
      case STOPPED -> TaskStatus.STOPPED;
      case PAUSED -> TaskStatus.PAUSED;
      case PAUSING -> TaskStatus.PAUSING;
      default -> TaskStatus.UNKNOWN;
    };
  }

  /**
   * Decodes a {@code Stats} answer. Containerd's metrics come with the bare message name as type URL, which
   * {@link Any#unpack} does not accept, so the message class is chosen by the name after the URL's last slash.
   */
  static TaskStats taskStats(StatsResponse response) {
    if (!response.hasStats()) {
      throw new ShimClientException(ShimClientException.Kind.UNKNOWN,
          "stats: the daemon answered without metrics (expected: " + TaskStats.V1_TYPE_URL + " or "
              + TaskStats.V2_TYPE_URL + ")", null);
    }
    Any any = response.getStats();
    String typeUrl = any.getTypeUrl();
    String name = typeUrl.substring(typeUrl.lastIndexOf('/') + 1);
    try {
      Message metrics = switch (name) {
        case TaskStats.V1_TYPE_URL -> io.jshim.proto.cgroups.v1.Metrics.parseFrom(any.getValue());
        case TaskStats.V2_TYPE_URL -> io.jshim.proto.cgroups.v2.Metrics.parseFrom(any.getValue());
        default -> throw new ShimClientException(ShimClientException.Kind.UNKNOWN,
            "stats: unknown metrics type \"" + typeUrl + "\" (expected: " + TaskStats.V1_TYPE_URL + " or "
                + TaskStats.V2_TYPE_URL + ")", null);
      };
      return new TaskStats(typeUrl, metrics);
    } catch (InvalidProtocolBufferException e) {
      throw new ShimClientException(ShimClientException.Kind.INTERNAL,
          "stats: the daemon's " + typeUrl + " cannot be decoded: " + e.getMessage(), e);
    }
  }

  private static List<ProcessEntry> processes(PidsResponse response) {
    return response.getProcessesList().stream().map(ProcessInfo::getPid).map(ProcessEntry::new).toList();
  }

  private static LogInfo logInfo(io.jshim.proto.v1.LogInfo response) {
    return new LogInfo(Path.of(response.getPath()), response.getMaxSize(), response.getMaxFiles());
  }

  private static ConnectInfo connectInfo(ConnectResponse response) {
    return new ConnectInfo(response.getShimPid(), response.getTaskPid(), response.getVersion());
  }

  private static Instant instant(com.google.protobuf.Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }

  private static String checkId(String id) {
    Objects.requireNonNull(id, "id");
    if (id.isBlank()) {
      throw new IllegalArgumentException("id: blank (expected: a task id)");
    }
    return id;
  }

  private static String checkExecId(String execId) {
    return Objects.requireNonNull(execId, "execId");
  }

  private static void checkDimension(String name, int value) {
    if (value < 1 || value > MAX_PTY_DIMENSION) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: 1.." + MAX_PTY_DIMENSION + ")");
    }
  }

  private static void checkJsonObject(String json, String name, String what) {
    Objects.requireNonNull(json, name);
    String expected = " (expected: a JSON object, " + what + ")";
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null
          ? ""
          : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw new IllegalArgumentException(
          name + ": not valid JSON" + where + ": " + e.getOriginalMessage() + expected, e);
    }
    if (node.isMissingNode()) {
      throw new IllegalArgumentException(name + ": empty" + expected);
    }
    if (!node.isObject()) {
      String type = node.getNodeType().name().toLowerCase(Locale.ROOT);
      throw new IllegalArgumentException(name + ": a JSON " + type + expected);
    }
  }

  private static Duration checkTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "callTimeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("callTimeout: " + timeout + " (expected: >= 0)");
    }
    return timeout;
  }

  private static String unixTarget(Path socket) {
    try {
      return new URI("unix", null, socket.toString(), null).toString();
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("socket: " + socket + " (expected: a file system path)", e);
    }
  }
}
