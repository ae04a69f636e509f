package io.jshim.client;

import static io.jshim.client.Args.checkId;
import static io.jshim.client.Rpcs.await;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.jshim.proto.task.v2.CreateTaskRequest;
import io.jshim.proto.task.v2.PauseRequest;
import io.jshim.proto.task.v2.PidsRequest;
import io.jshim.proto.task.v2.PidsResponse;
import io.jshim.proto.task.v2.ResumeRequest;
import io.jshim.proto.task.v2.StatsRequest;
import io.jshim.proto.task.v2.TaskGrpc;
import io.jshim.proto.task.v2.UpdateTaskRequest;
import io.jshim.proto.types.task.ProcessInfo;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Tasks as a whole ({@link ShimClient#tasks()}): create one from a bundle, drive its init process (start, wait,
 * kill, state, delete, addressed by the task id alone), list its processes, pause, resume, update and read its
 * cgroup. A task's other processes are {@link ExecClient}'s.
 */
public final class TaskClient {
  /** The type URL of an {@code Update} request's resources: OCI {@code LinuxResources} as JSON. */
  public static final String LINUX_RESOURCES_TYPE_URL =
      "types.containerd.io/opencontainers/runtime-spec/1/LinuxResources";

  private final Rpcs rpcs;
  private final TaskGrpc.TaskStub stub;
  private final ExecClient processes;

  TaskClient(Rpcs rpcs, ExecClient processes) {
    this.rpcs = rpcs;
    this.stub = TaskGrpc.newStub(rpcs.channel());
    this.processes = processes;
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
    return rpcs.call(stub, TaskGrpc.TaskStub::create, request, response -> response.getPid(), true);
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
    return processes.startAsync(id, "");
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
    return processes.waitForAsync(id, "");
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
    return processes.killAsync(id, "", signal, all);
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
    return processes.deleteAsync(id, "");
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
    return processes.stateAsync(id, "");
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
    return rpcs.call(stub, TaskGrpc.TaskStub::pids, request, TaskClient::processes, true);
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
    return rpcs.call(stub, TaskGrpc.TaskStub::pause, request, response -> null, true);
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
    return rpcs.call(stub, TaskGrpc.TaskStub::resume, request, response -> null, true);
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
    Args.checkJsonObject(linuxResourcesJson, "linuxResourcesJson", "the OCI LinuxResources");
    UpdateTaskRequest request = UpdateTaskRequest.newBuilder()
        .setId(id)
        .setResources(Any.newBuilder()
            .setTypeUrl(LINUX_RESOURCES_TYPE_URL)
            .setValue(ByteString.copyFrom(linuxResourcesJson, StandardCharsets.UTF_8)))
        .build();
    return rpcs.call(stub, TaskGrpc.TaskStub::update, request, response -> null, true);
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
    return rpcs.call(stub, TaskGrpc.TaskStub::stats, request, Responses::taskStats, true);
  }

  private static List<ProcessEntry> processes(PidsResponse response) {
    return response.getProcessesList().stream().map(ProcessInfo::getPid).map(ProcessEntry::new).toList();
  }
}
