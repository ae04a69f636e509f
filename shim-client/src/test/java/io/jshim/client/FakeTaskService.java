package io.jshim.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import com.google.protobuf.Empty;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.jshim.proto.task.v2.ConnectRequest;
import io.jshim.proto.task.v2.ConnectResponse;
import io.jshim.proto.task.v2.CreateTaskRequest;
import io.jshim.proto.task.v2.CreateTaskResponse;
import io.jshim.proto.task.v2.DeleteRequest;
import io.jshim.proto.task.v2.DeleteResponse;
import io.jshim.proto.task.v2.KillRequest;
import io.jshim.proto.task.v2.PauseRequest;
import io.jshim.proto.task.v2.PidsRequest;
import io.jshim.proto.task.v2.PidsResponse;
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
import java.io.IOException;
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
 * An in-memory stand-in for the jshim daemon's task service. The "workload" is read from the bundle's config.json at
 * create: {@code process.args = ["exit", "N"]} exits with N right after start; anything else (or no config) runs until
 * a kill (exit 128 + signal) or {@link #exit(String, int)}. A running task can be paused and resumed; Update and Stats
 * are recorded, Stats answers with {@link #answerStats(Any)}'s metrics (v2 metrics with two pids by default).
 */
public final class FakeTaskService extends TaskGrpc.TaskImplBase {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, FakeTask> tasks = new ConcurrentHashMap<>();
  private final List<CreateTaskRequest> creates = new CopyOnWriteArrayList<>();
  private final Map<String, JsonNode> configs = new ConcurrentHashMap<>();
  private final List<KillRequest> kills = new CopyOnWriteArrayList<>();
  private final List<PauseRequest> pauses = new CopyOnWriteArrayList<>();
  private final List<ResumeRequest> resumes = new CopyOnWriteArrayList<>();
  private final List<UpdateTaskRequest> updates = new CopyOnWriteArrayList<>();
  private final List<StatsRequest> statsRequests = new CopyOnWriteArrayList<>();
  private volatile Any statsAnswer = Any.newBuilder()
      .setTypeUrl("io.containerd.cgroups.v2.Metrics")
      .setValue(io.jshim.proto.cgroups.v2.Metrics.newBuilder()
          .setPids(io.jshim.proto.cgroups.v2.PidsStat.newBuilder().setCurrent(2).setLimit(100))
          .build()
          .toByteString())
      .build();
  private final AtomicInteger nextPid = new AtomicInteger(1000);
  private final AtomicInteger waitCalls = new AtomicInteger();
  private final CountDownLatch shutdown = new CountDownLatch(1);

  private enum State { CREATED, RUNNING, PAUSED, STOPPED }

  private record Exit(int status, Instant at) {
  }

  private static final class FakeTask {
    final CreateTaskRequest request;
    final int pid;
    final List<String> args;
    final CompletableFuture<Exit> exit = new CompletableFuture<>();
    State state = State.CREATED;

    FakeTask(CreateTaskRequest request, int pid, List<String> args) {
      this.request = request;
      this.pid = pid;
      this.args = args;
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
  }

  /** Ends a task's workload with {@code status}, as if its process exited. */
  public void exit(String id, int status) {
    task(id).orElseThrow().exitWith(status);
  }

  /** The create requests received, in order. */
  public List<CreateTaskRequest> creates() {
    return List.copyOf(creates);
  }

  /** The config.json a task's bundle held at create time, if it had one. */
  public Optional<JsonNode> config(String id) {
    return Optional.ofNullable(configs.get(id));
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

  /** Makes every later Stats call of a known task answer with {@code stats}, or {@code null} for no metrics. */
  public void answerStats(Any stats) {
    statsAnswer = stats;
  }

  /** How many Wait calls arrived. */
  public int waitCalls() {
    return waitCalls.get();
  }

  /** Whether a task with that id exists and has been started. */
  public boolean running(String id) {
    return task(id).map(task -> task.state() == State.RUNNING).orElse(false);
  }

  /** Whether any task is left. */
  public boolean hasTasks() {
    return !tasks.isEmpty();
  }

  /** Blocks until a Shutdown call has been answered. */
  public void awaitShutdown() throws InterruptedException {
    shutdown.await();
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
    FakeTask task = new FakeTask(request, nextPid.incrementAndGet(), args);
    if (tasks.putIfAbsent(request.getId(), task) != null) {
      responses.onError(Status.ALREADY_EXISTS.withDescription("task " + request.getId() + " already exists")
          .asRuntimeException());
      return;
    }
    responses.onNext(CreateTaskResponse.newBuilder().setPid(task.pid).build());
    responses.onCompleted();
  }

  @Override
  public void start(StartRequest request, StreamObserver<StartResponse> responses) {
    FakeTask task = find(request.getId(), responses);
    if (task == null) {
      return;
    }
    synchronized (task) {
      if (task.state != State.CREATED) {
        responses.onError(failedPrecondition("cannot start: task is " + task.state));
        return;
      }
      task.state = State.RUNNING;
    }
    responses.onNext(StartResponse.newBuilder().setPid(task.pid).build());
    responses.onCompleted();
    if (task.args.size() == 2 && task.args.get(0).equals("exit")) {
      task.exitWith(Integer.parseInt(task.args.get(1)));
    }
  }

  @Override
  public void wait(WaitRequest request, StreamObserver<WaitResponse> responses) {
    waitCalls.incrementAndGet();
    FakeTask task = find(request.getId(), responses);
    if (task == null) {
      return;
    }
    task.exit.thenAccept(exit -> {
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
    FakeTask task = find(request.getId(), responses);
    if (task == null) {
      return;
    }
    if (task.state() == State.STOPPED) {
      responses.onError(failedPrecondition("cannot kill: task is stopped"));
      return;
    }
    task.exitWith(128 + request.getSignal());
    responses.onNext(Empty.getDefaultInstance());
    responses.onCompleted();
  }

  @Override
  public void delete(DeleteRequest request, StreamObserver<DeleteResponse> responses) {
    FakeTask task = find(request.getId(), responses);
    if (task == null) {
      return;
    }
    if (task.state() == State.RUNNING || task.state() == State.PAUSED) {
      responses.onError(failedPrecondition("cannot delete: task is " + task.state()));
      return;
    }
    tasks.remove(request.getId());
    Exit exit = task.exit.getNow(new Exit(0, Instant.EPOCH));
    responses.onNext(DeleteResponse.newBuilder()
        .setPid(task.pid)
        .setExitStatus(exit.status())
        .setExitedAt(timestamp(exit.at()))
        .build());
    responses.onCompleted();
  }

  @Override
  public void state(StateRequest request, StreamObserver<StateResponse> responses) {
    FakeTask task = find(request.getId(), responses);
    if (task == null) {
      return;
    }
    State state = task.state();
    Exit exit = task.exit.getNow(new Exit(0, Instant.EPOCH));
    responses.onNext(StateResponse.newBuilder()
        .setId(request.getId())
        .setBundle(task.request.getBundle())
        .setPid(task.pid)
        .setStatus(switch (state) {
          case CREATED -> io.jshim.proto.types.task.Status.CREATED;
          case RUNNING -> io.jshim.proto.types.task.Status.RUNNING;
          case PAUSED -> io.jshim.proto.types.task.Status.PAUSED;
          case STOPPED -> io.jshim.proto.types.task.Status.STOPPED;
        })
        .setStdout(task.request.getStdout())
        .setStderr(task.request.getStderr())
        .setExitStatus(exit.status())
        .setExitedAt(timestamp(exit.at()))
        .build());
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
      pids.addProcesses(ProcessInfo.newBuilder().setPid(task.pid));
      pids.addProcesses(ProcessInfo.newBuilder().setPid(task.pid + 1));
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
    synchronized (task) {
      if (task.state != State.RUNNING) {
        responses.onError(failedPrecondition("cannot pause task " + request.getId() + ": it is " + task.state
            + " (expected: running)"));
        return;
      }
      task.state = State.PAUSED;
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
    synchronized (task) {
      if (task.state != State.PAUSED) {
        responses.onError(failedPrecondition("cannot resume task " + request.getId()
            + ": it is not paused (expected: paused)"));
        return;
      }
      task.state = State.RUNNING;
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
    task(request.getId()).ifPresent(task -> answer.setTaskPid(task.pid));
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

  private static RuntimeException failedPrecondition(String message) {
    return Status.FAILED_PRECONDITION.withDescription(message).asRuntimeException();
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }
}
