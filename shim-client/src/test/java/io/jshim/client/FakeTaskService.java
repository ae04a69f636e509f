package io.jshim.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import com.google.protobuf.Empty;
import com.google.protobuf.Timestamp;
import io.grpc.BindableService;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.jshim.proto.task.v2.CloseIORequest;
import io.jshim.proto.task.v2.ConnectRequest;
import io.jshim.proto.task.v2.ConnectResponse;
import io.jshim.proto.task.v2.CreateTaskRequest;
import io.jshim.proto.task.v2.CreateTaskResponse;
import io.jshim.proto.task.v2.DeleteRequest;
import io.jshim.proto.task.v2.DeleteResponse;
import io.jshim.proto.task.v2.ExecProcessRequest;
import io.jshim.proto.task.v2.KillRequest;
import io.jshim.proto.task.v2.PauseRequest;
import io.jshim.proto.task.v2.PidsRequest;
import io.jshim.proto.task.v2.PidsResponse;
import io.jshim.proto.task.v2.ResizePtyRequest;
import io.jshim.proto.task.v2.ResumeRequest;
import io.jshim.proto.task.v2.ShutdownRequest;
import io.jshim.proto.task.v2.StartRequest;
import io.jshim.proto.task.v2.StartResponse;
import io.jshim.proto.task.v2.StateRequest;
import io.jshim.proto.task.v2.StateResponse;
import io.jshim.proto.task.v2.StatsRequest;
import io.jshim.proto.task.v2.StatsResponse;
import io.jshim.proto.task.v2.TaskGrpc;
import io.jshim.proto.task.v2.UpdateTaskRequest;
import io.jshim.proto.task.v2.WaitRequest;
import io.jshim.proto.task.v2.WaitResponse;
import io.jshim.proto.types.task.ProcessInfo;
import io.jshim.proto.v1.ContainerLogsGrpc;
import io.jshim.proto.v1.LogInfo;
import io.jshim.proto.v1.LogRequest;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory stand-in for the jshim daemon's task service. The "workload" of a task is read from the bundle's
 * config.json at create, that of an exec process from its spec: {@code args = ["exit", "N"]} exits with N right after
 * start; {@code ["cat"]} reads its stdin path (a FIFO) until end of file, keeps what it read ({@link #stdinOf}), with a
 * terminal also copies it to its stdout path, and exits 0 once CloseIO has arrived and its stdin has ended; anything
 * else (or no config) runs until a kill (exit 128 + signal) or {@link #exit(String, int)}. A running task can be
 * paused and resumed; Update and Stats are recorded, Stats answers with {@link #answerStats(Any)}'s metrics (v2
 * metrics with two pids by default). Exec, CloseIO and ResizePty are recorded; {@link #logService()} answers
 * {@code jshim.v1.ContainerLogs} for the logs set with {@link #setLog}.
 */
public final class FakeTaskService extends TaskGrpc.TaskImplBase {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, FakeTask> tasks = new ConcurrentHashMap<>();
  /** Every process by "id/execId", kept after delete so that tests can look at what it read. */
  private final Map<String, FakeProcess> history = new ConcurrentHashMap<>();
  private final List<CreateTaskRequest> creates = new CopyOnWriteArrayList<>();
  private final Map<String, JsonNode> configs = new ConcurrentHashMap<>();
  private final List<ExecProcessRequest> execs = new CopyOnWriteArrayList<>();
  private final List<KillRequest> kills = new CopyOnWriteArrayList<>();
  private final List<PauseRequest> pauses = new CopyOnWriteArrayList<>();
  private final List<ResumeRequest> resumes = new CopyOnWriteArrayList<>();
  private final List<UpdateTaskRequest> updates = new CopyOnWriteArrayList<>();
  private final List<StatsRequest> statsRequests = new CopyOnWriteArrayList<>();
  private final List<ResizePtyRequest> resizes = new CopyOnWriteArrayList<>();
  private final List<CloseIORequest> closeIos = new CopyOnWriteArrayList<>();
  private final List<DeleteRequest> deletes = new CopyOnWriteArrayList<>();
  private final Map<String, LogInfo> logs = new ConcurrentHashMap<>();
  private final List<LogRequest> reopens = new CopyOnWriteArrayList<>();
  private volatile Any statsAnswer = Any.newBuilder()
      .setTypeUrl("io.containerd.cgroups.v2.Metrics")
      .setValue(io.jshim.proto.cgroups.v2.Metrics.newBuilder()
          .setPids(io.jshim.proto.cgroups.v2.PidsStat.newBuilder().setCurrent(2).setLimit(100))
          .build()
          .toByteString())
      .build();
  private final AtomicInteger nextPid = new AtomicInteger(1000);
  private final AtomicInteger waitCalls = new AtomicInteger();
  private final AtomicInteger stateCalls = new AtomicInteger();
  private final CountDownLatch shutdown = new CountDownLatch(1);

  private enum State { CREATED, RUNNING, PAUSED, STOPPED }

  private record Exit(int status, Instant at) {
  }

  /** One process: a task's init process or an exec process. */
  private static final class FakeProcess {
    final String execId;
    final int pid;
    final List<String> args;
    final boolean terminal;
    final String stdin;
    final String stdout;
    final CompletableFuture<Exit> exit = new CompletableFuture<>();
    final ByteArrayOutputStream stdinBytes = new ByteArrayOutputStream();
    State state = State.CREATED;
    InputStream catIn;
    OutputStream catOut;
    boolean stdinClosed;

    FakeProcess(String execId, int pid, List<String> args, boolean terminal, String stdin, String stdout) {
      this.execId = execId;
      this.pid = pid;
      this.args = args;
      this.terminal = terminal;
      this.stdin = stdin;
      this.stdout = stdout;
    }

    synchronized void exitWith(int status) {
      if (state != State.STOPPED) {
        state = State.STOPPED;
        exit.complete(new Exit(status, Instant.now()));
      }
    }

    synchronized State state() {
      return state;
    }

    /**
     * Opens what the workload needs before Start is answered, as the real daemon has its stdio open by then (the CLI
     * drops its own hold on the FIFOs once Start returns).
     */
    void prepare() throws IOException {
      if (args.equals(List.of("cat"))) {
        catIn = stdin.isEmpty() ? InputStream.nullInputStream() : new FileInputStream(stdin);
        catOut = terminal && !stdout.isEmpty() ? new FileOutputStream(stdout) : OutputStream.nullOutputStream();
      }
    }

    /** Starts the workload; called once the process is running. */
    void run() {
      if (args.size() == 2 && args.get(0).equals("exit")) {
        exitWith(Integer.parseInt(args.get(1)));
      } else if (args.equals(List.of("cat"))) {
        Thread copy = new Thread(this::cat, "fake-cat-" + pid);
        copy.setDaemon(true);
        copy.start();
      }
    }

    private void cat() {
      try (InputStream in = catIn; OutputStream out = catOut) {
        byte[] buffer = new byte[4096];
        int n;
        while ((n = in.read(buffer)) >= 0) {
          synchronized (this) {
            stdinBytes.write(buffer, 0, n);
          }
          out.write(buffer, 0, n);
          out.flush();
        }
        synchronized (this) {
          // The real daemon delivers EOF through CloseIO; the fake exits only once both have happened.
          while (!stdinClosed && state != State.STOPPED) {
            wait();
          }
        }
      } catch (IOException e) {
        // The other side went away: end like a process killed by SIGPIPE.
        exitWith(128 + 13);
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exitWith(0);
    }

    synchronized void closeStdin() {
      stdinClosed = true;
      notifyAll();
    }

    synchronized String stdinText() {
      return stdinBytes.toString(StandardCharsets.UTF_8);
    }
  }

  private static final class FakeTask {
    final CreateTaskRequest request;
    final FakeProcess init;
    final Map<String, FakeProcess> execs = new ConcurrentHashMap<>();

    FakeTask(CreateTaskRequest request, FakeProcess init) {
      this.request = request;
      this.init = init;
    }

    State state() {
      return init.state();
    }
  }

  /** Ends a task's workload with {@code status}, as if its process exited. */
  public void exit(String id, int status) {
    task(id).orElseThrow().init.exitWith(status);
  }

  /** Ends an exec process with {@code status}, as if it exited. */
  public void exitExec(String id, String execId, int status) {
    task(id).map(task -> task.execs.get(execId)).orElseThrow().exitWith(status);
  }

  /** The create requests received, in order. */
  public List<CreateTaskRequest> creates() {
    return List.copyOf(creates);
  }

  /** The config.json a task's bundle held at create time, if it had one. */
  public Optional<JsonNode> config(String id) {
    return Optional.ofNullable(configs.get(id));
  }

  /** The exec requests received, in order. */
  public List<ExecProcessRequest> execs() {
    return List.copyOf(execs);
  }

  /** The kill requests received, in order. */
  public List<KillRequest> kills() {
    return List.copyOf(kills);
  }

  /** The pause requests received, in order. */
  public List<PauseRequest> pauses() {
    return List.copyOf(pauses);
  }

  /** The resume requests received, in order. */
  public List<ResumeRequest> resumes() {
    return List.copyOf(resumes);
  }

  /** The update requests received, in order. */
  public List<UpdateTaskRequest> updates() {
    return List.copyOf(updates);
  }

  /** The stats requests received, in order. */
  public List<StatsRequest> statsRequests() {
    return List.copyOf(statsRequests);
  }

  /** The resize requests received, in order. */
  public List<ResizePtyRequest> resizes() {
    return List.copyOf(resizes);
  }

  /** The CloseIO requests received, in order. */
  public List<CloseIORequest> closeIos() {
    return List.copyOf(closeIos);
  }

  /** The delete requests received, in order. */
  public List<DeleteRequest> deletes() {
    return List.copyOf(deletes);
  }

  /** The Reopen requests received, in order. */
  public List<LogRequest> reopens() {
    return List.copyOf(reopens);
  }

  /** What a {@code cat} process (empty exec id: the task's) has read from its stdin, also after delete. */
  public String stdinOf(String id, String execId) {
    FakeProcess process = history.get(id + "/" + execId);
    return process == null ? "" : process.stdinText();
  }

  /** Makes every later Stats call of a known task answer with {@code stats}, or {@code null} for no metrics. */
  public void answerStats(Any stats) {
    statsAnswer = stats;
  }

  /** Gives task {@code id} a container log, as the annotations in its config.json would. */
  public void setLog(String id, Path path, long maxSize, int maxFiles) {
    logs.put(id, LogInfo.newBuilder().setPath(path.toString()).setMaxSize(maxSize).setMaxFiles(maxFiles).build());
  }

  /** How many Wait calls arrived. */
  public int waitCalls() {
    return waitCalls.get();
  }

  /** How many State calls arrived. */
  public int stateCalls() {
    return stateCalls.get();
  }

  /** Whether a task with that id exists and has been started. */
  public boolean running(String id) {
    return task(id).map(task -> task.state() == State.RUNNING).orElse(false);
  }

  /** Whether the task has an exec process with that id that has been started and not exited. */
  public boolean runningExec(String id, String execId) {
    return task(id).map(task -> task.execs.get(execId))
        .map(process -> process.state() == State.RUNNING)
        .orElse(false);
  }

  /** Whether the task has an exec process with that id (registered and not deleted). */
  public boolean hasExec(String id, String execId) {
    return task(id).map(task -> task.execs.containsKey(execId)).orElse(false);
  }

  /** Whether any task is left. */
  public boolean hasTasks() {
    return !tasks.isEmpty();
  }

  /** Blocks until a Shutdown call has been answered. */
  public void awaitShutdown() throws InterruptedException {
    shutdown.await();
  }

  /** The {@code jshim.v1.ContainerLogs} service over this fake's tasks; serve it next to this one. */
  public BindableService logService() {
    return new ContainerLogsGrpc.ContainerLogsImplBase() {
      @Override
      public void describe(LogRequest request, StreamObserver<LogInfo> responses) {
        answerLog(request, responses);
      }

      @Override
      public void reopen(LogRequest request, StreamObserver<LogInfo> responses) {
        reopens.add(request);
        answerLog(request, responses);
      }
    };
  }

  private void answerLog(LogRequest request, StreamObserver<LogInfo> responses) {
    if (find(request.getId(), responses) == null) {
      return;
    }
    LogInfo info = logs.get(request.getId());
    if (info == null) {
      responses.onError(failedPrecondition("task " + request.getId()
          + " has no log (expected: a task created with the io.jshim.log.path annotation)"));
      return;
    }
    responses.onNext(info);
    responses.onCompleted();
  }

  @Override
  public void create(CreateTaskRequest request, StreamObserver<CreateTaskResponse> responses) {
    if (request.getId().isBlank()) {
      responses.onError(Status.INVALID_ARGUMENT.withDescription("invalid task id").asRuntimeException());
      return;
    }
    creates.add(request);
    List<String> args = new ArrayList<>();
    Path config = Path.of(request.getBundle(), "config.json");
    if (Files.isRegularFile(config)) {
      try {
        JsonNode node = JSON.readTree(config.toFile());
        configs.put(request.getId(), node);
        node.path("process").path("args").forEach(arg -> args.add(arg.asText()));
      } catch (IOException e) {
        responses.onError(Status.INVALID_ARGUMENT.withDescription("bad config.json").asRuntimeException());
        return;
      }
    }
    FakeProcess init = new FakeProcess("", nextPid.incrementAndGet(), args, request.getTerminal(),
        request.getStdin(), request.getStdout());
    FakeTask task = new FakeTask(request, init);
    if (tasks.putIfAbsent(request.getId(), task) != null) {
      responses.onError(Status.ALREADY_EXISTS.withDescription("task " + request.getId() + " already exists")
          .asRuntimeException());
      return;
    }
    history.put(request.getId() + "/", init);
    responses.onNext(CreateTaskResponse.newBuilder().setPid(init.pid).build());
    responses.onCompleted();
  }

  @Override
  public void exec(ExecProcessRequest request, StreamObserver<Empty> responses) {
    execs.add(request);
    FakeTask task = find(request.getId(), responses);
    if (task == null) {
      return;
    }
    if (request.getExecId().isEmpty()) {
      responses.onError(Status.INVALID_ARGUMENT.withDescription("exec_id: empty (expected: an exec id)")
          .asRuntimeException());
      return;
    }
    if (!request.getSpec().getTypeUrl().equals(ExecClient.PROCESS_SPEC_TYPE_URL)) {
      responses.onError(Status.INVALID_ARGUMENT.withDescription("spec: type URL " + request.getSpec().getTypeUrl()
          + " (expected: " + ExecClient.PROCESS_SPEC_TYPE_URL + ")").asRuntimeException());
      return;
    }
    if (task.state() == State.STOPPED) {
      responses.onError(failedPrecondition("cannot exec in task " + request.getId() + ": it is stopped"));
      return;
    }
    List<String> args = new ArrayList<>();
    try {
      JSON.readTree(request.getSpec().getValue().toByteArray()).path("args")
          .forEach(arg -> args.add(arg.asText()));
    } catch (IOException e) {
      responses.onError(Status.INVALID_ARGUMENT.withDescription("spec: not JSON").asRuntimeException());
      return;
    }
    FakeProcess process = new FakeProcess(request.getExecId(), nextPid.incrementAndGet(), args,
        request.getTerminal(), request.getStdin(), request.getStdout());
    if (task.execs.putIfAbsent(request.getExecId(), process) != null) {
      responses.onError(Status.ALREADY_EXISTS.withDescription("exec " + request.getExecId() + " in task "
          + request.getId() + " already exists").asRuntimeException());
      return;
    }
    history.put(request.getId() + "/" + request.getExecId(), process);
    responses.onNext(Empty.getDefaultInstance());
    responses.onCompleted();
  }

  @Override
  public void start(StartRequest request, StreamObserver<StartResponse> responses) {
    FakeProcess process = find(request.getId(), request.getExecId(), responses);
    if (process == null) {
      return;
    }
    synchronized (process) {
      if (process.state != State.CREATED) {
        responses.onError(failedPrecondition("cannot start: " + describe(request.getId(), process.execId) + " is "
            + process.state));
        return;
      }
      process.state = State.RUNNING;
    }
    try {
      process.prepare();
    } catch (IOException e) {
      process.exitWith(127);
      responses.onError(Status.INTERNAL.withDescription("cannot open stdio: " + e.getMessage()).asRuntimeException());
      return;
    }
    responses.onNext(StartResponse.newBuilder().setPid(process.pid).build());
    responses.onCompleted();
    process.run();
  }

  @Override
  public void wait(WaitRequest request, StreamObserver<WaitResponse> responses) {
    waitCalls.incrementAndGet();
    FakeProcess process = find(request.getId(), request.getExecId(), responses);
    if (process == null) {
      return;
    }
    process.exit.thenAccept(exit -> {
      responses.onNext(WaitResponse.newBuilder()
          .setExitStatus(exit.status())
          .setExitedAt(timestamp(exit.at()))
          .build());
      responses.onCompleted();
    });
  }

  @Override
  public void kill(KillRequest request, StreamObserver<Empty> responses) {
    kills.add(request);
    FakeProcess process = find(request.getId(), request.getExecId(), responses);
    if (process == null) {
      return;
    }
    if (process.state() == State.STOPPED) {
      responses.onError(failedPrecondition("cannot kill: " + describe(request.getId(), process.execId)
          + " is stopped"));
      return;
    }
    process.exitWith(128 + request.getSignal());
    responses.onNext(Empty.getDefaultInstance());
    responses.onCompleted();
  }

  @Override
  public void delete(DeleteRequest request, StreamObserver<DeleteResponse> responses) {
    deletes.add(request);
    FakeTask task = find(request.getId(), responses);
    if (task == null) {
      return;
    }
    FakeProcess process = find(request.getId(), request.getExecId(), responses);
    if (process == null) {
      return;
    }
    if (process.state() == State.RUNNING || process.state() == State.PAUSED) {
      responses.onError(failedPrecondition("cannot delete: " + describe(request.getId(), process.execId) + " is "
          + process.state()));
      return;
    }
    if (request.getExecId().isEmpty()) {
      tasks.remove(request.getId());
    } else {
      task.execs.remove(request.getExecId());
    }
    Exit exit = process.exit.getNow(new Exit(0, Instant.EPOCH));
    responses.onNext(DeleteResponse.newBuilder()
        .setPid(process.pid)
        .setExitStatus(exit.status())
        .setExitedAt(timestamp(exit.at()))
        .build());
    responses.onCompleted();
  }

  @Override
  public void state(StateRequest request, StreamObserver<StateResponse> responses) {
    stateCalls.incrementAndGet();
    FakeTask task = find(request.getId(), responses);
    if (task == null) {
      return;
    }
    FakeProcess process = find(request.getId(), request.getExecId(), responses);
    if (process == null) {
      return;
    }
    State state = process.state();
    Exit exit = process.exit.getNow(new Exit(0, Instant.EPOCH));
    responses.onNext(StateResponse.newBuilder()
        .setId(request.getId())
        .setExecId(process.execId)
        .setBundle(task.request.getBundle())
        .setPid(process.pid)
        .setStatus(switch (state) {
          case CREATED -> io.jshim.proto.types.task.Status.CREATED;
          case RUNNING -> io.jshim.proto.types.task.Status.RUNNING;
          case PAUSED -> io.jshim.proto.types.task.Status.PAUSED;
          case STOPPED -> io.jshim.proto.types.task.Status.STOPPED;
        })
        .setStdin(process.stdin)
        .setStdout(process.stdout)
        .setStderr(process == task.init ? task.request.getStderr() : "")
        .setTerminal(process.terminal)
        .setExitStatus(exit.status())
        .setExitedAt(timestamp(exit.at()))
        .build());
    responses.onCompleted();
  }

  @Override
  public void resizePty(ResizePtyRequest request, StreamObserver<Empty> responses) {
    resizes.add(request);
    FakeProcess process = find(request.getId(), request.getExecId(), responses);
    if (process == null) {
      return;
    }
    if (!process.terminal) {
      responses.onError(failedPrecondition(describe(request.getId(), process.execId) + " has no terminal"));
      return;
    }
    responses.onNext(Empty.getDefaultInstance());
    responses.onCompleted();
  }

  @Override
  public void closeIO(CloseIORequest request, StreamObserver<Empty> responses) {
    closeIos.add(request);
    FakeProcess process = find(request.getId(), request.getExecId(), responses);
    if (process == null) {
      return;
    }
    if (request.getStdin()) {
      process.closeStdin();
    }
    responses.onNext(Empty.getDefaultInstance());
    responses.onCompleted();
  }

  @Override
  public void pids(PidsRequest request, StreamObserver<PidsResponse> responses) {
    FakeTask task = find(request.getId(), responses);
    if (task == null) {
      return;
    }
    PidsResponse.Builder pids = PidsResponse.newBuilder();
    if (task.state() != State.STOPPED) {
      pids.addProcesses(ProcessInfo.newBuilder().setPid(task.init.pid));
      pids.addProcesses(ProcessInfo.newBuilder().setPid(task.init.pid + 1));
    }
    responses.onNext(pids.build());
    responses.onCompleted();
  }

  @Override
  public void pause(PauseRequest request, StreamObserver<Empty> responses) {
    pauses.add(request);
    FakeTask task = find(request.getId(), responses);
    if (task == null) {
      return;
    }
    synchronized (task.init) {
      if (task.init.state != State.RUNNING) {
        responses.onError(failedPrecondition("cannot pause task " + request.getId() + ": it is " + task.init.state
            + " (expected: running)"));
        return;
      }
      task.init.state = State.PAUSED;
    }
    responses.onNext(Empty.getDefaultInstance());
    responses.onCompleted();
  }

  @Override
  public void resume(ResumeRequest request, StreamObserver<Empty> responses) {
    resumes.add(request);
    FakeTask task = find(request.getId(), responses);
    if (task == null) {
      return;
    }
    synchronized (task.init) {
      if (task.init.state != State.PAUSED) {
        responses.onError(failedPrecondition("cannot resume task " + request.getId()
            + ": it is not paused (expected: paused)"));
        return;
      }
      task.init.state = State.RUNNING;
    }
    responses.onNext(Empty.getDefaultInstance());
    responses.onCompleted();
  }

  @Override
  public void update(UpdateTaskRequest request, StreamObserver<Empty> responses) {
    updates.add(request);
    FakeTask task = find(request.getId(), responses);
    if (task == null) {
      return;
    }
    if (!request.hasResources()) {
      responses.onError(Status.INVALID_ARGUMENT
          .withDescription("resources: missing (expected: an Any holding OCI LinuxResources as JSON)")
          .asRuntimeException());
      return;
    }
    if (task.state() == State.STOPPED) {
      responses.onError(failedPrecondition("cannot update: task is stopped"));
      return;
    }
    responses.onNext(Empty.getDefaultInstance());
    responses.onCompleted();
  }

  @Override
  public void stats(StatsRequest request, StreamObserver<StatsResponse> responses) {
    statsRequests.add(request);
    FakeTask task = find(request.getId(), responses);
    if (task == null) {
      return;
    }
    Any answer = statsAnswer;
    responses.onNext(answer == null ? StatsResponse.getDefaultInstance()
        : StatsResponse.newBuilder().setStats(answer).build());
    responses.onCompleted();
  }

  @Override
  public void connect(ConnectRequest request, StreamObserver<ConnectResponse> responses) {
    ConnectResponse.Builder answer = ConnectResponse.newBuilder()
        .setShimPid((int) ProcessHandle.current().pid())
        .setVersion("fake");
    task(request.getId()).ifPresent(task -> answer.setTaskPid(task.init.pid));
    responses.onNext(answer.build());
    responses.onCompleted();
  }

  @Override
  public void shutdown(ShutdownRequest request, StreamObserver<Empty> responses) {
    responses.onNext(Empty.getDefaultInstance());
    responses.onCompleted();
    shutdown.countDown();
  }

  private Optional<FakeTask> task(String id) {
    return Optional.ofNullable(tasks.get(id));
  }

  private FakeTask find(String id, StreamObserver<?> responses) {
    FakeTask task = tasks.get(id);
    if (task == null) {
      responses.onError(Status.NOT_FOUND.withDescription("task " + id + " not found").asRuntimeException());
    }
    return task;
  }

  private FakeProcess find(String id, String execId, StreamObserver<?> responses) {
    FakeTask task = find(id, responses);
    if (task == null) {
      return null;
    }
    if (execId.isEmpty()) {
      return task.init;
    }
    FakeProcess process = task.execs.get(execId);
    if (process == null) {
      responses.onError(Status.NOT_FOUND.withDescription("exec " + execId + " in task " + id + " not found")
          .asRuntimeException());
    }
    return process;
  }

  private static String describe(String id, String execId) {
    return execId.isEmpty() ? "task" : "exec " + execId + " in task " + id;
  }

  private static RuntimeException failedPrecondition(String message) {
    return Status.FAILED_PRECONDITION.withDescription(message).asRuntimeException();
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }
}
