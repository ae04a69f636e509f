package io.jshim.daemon.server;

import com.google.protobuf.Empty;
import com.google.protobuf.Timestamp;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.io.StdioPaths;
import io.jshim.daemon.oci.OciJson;
import io.jshim.daemon.reaper.ExitStatus;
import io.jshim.daemon.task.CreateSpec;
import io.jshim.daemon.task.RootfsMount;
import io.jshim.daemon.task.ExecRequest;
import io.jshim.daemon.task.TaskService;
import io.jshim.daemon.task.TaskView;
import io.jshim.proto.task.v2.CheckpointTaskRequest;
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
import io.jshim.proto.types.task.Status;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/** containerd.task.v2.Task over gRPC: proto in, one domain call, proto out. */
final class TaskGrpcService extends TaskGrpc.TaskImplBase {
  /** Go's zero time, which containerd sends for a process that has not exited. */
  /** The type URL containerd gives an exec's OCI process spec. */
  static final String PROCESS_TYPE_URL = "types.containerd.io/opencontainers/runtime-spec/1/Process";
  static final Timestamp NOT_EXITED = Timestamp.newBuilder().setSeconds(-62135596800L).build();

  private final TaskService tasks;
  private final int shimPid;
  private final String version;

  TaskGrpcService(TaskService tasks, int shimPid, String version) {
    this.tasks = tasks;
    this.shimPid = shimPid;
    this.version = version;
  }

  @Override
  public void create(CreateTaskRequest request, StreamObserver<CreateTaskResponse> response) {
    Calls.unary(response, () -> {
      if (!request.getParentCheckpoint().isEmpty()) {
        throw ShimException.invalidArgument("parent_checkpoint: " + request.getParentCheckpoint()
            + ": restoring incremental checkpoints is not supported (expected: empty)");
      }
      CreateSpec spec = new CreateSpec(request.getId(), Path.of(request.getBundle()),
          new StdioPaths(request.getStdin(), request.getStdout(), request.getStderr()), request.getTerminal(),
          request.getRootfsList().stream()
              .map(m -> new RootfsMount(m.getType(), m.getSource(), m.getOptionsList())).toList(),
          CheckpointOptionsMapper.absolute(request.getCheckpoint(), "checkpoint"));
      return CreateTaskResponse.newBuilder().setPid(tasks.create(spec).pid()).build();
    });
  }

  @Override
  public void start(StartRequest request, StreamObserver<StartResponse> response) {
    Calls.unary(response, () -> StartResponse.newBuilder().setPid(tasks.start(request.getId(), request.getExecId())).build());
  }

  @Override
  public void kill(KillRequest request, StreamObserver<Empty> response) {
    Calls.unary(response, () -> {
      tasks.kill(request.getId(), request.getExecId(), request.getSignal(), request.getAll());
      return Empty.getDefaultInstance();
    });
  }

  @Override
  public void wait(WaitRequest request, StreamObserver<WaitResponse> response) {
    async(response, () -> tasks.awaitExit(request.getId(), request.getExecId()),
        exit -> WaitResponse.newBuilder().setExitStatus(exit.status()).setExitedAt(timestamp(exit.exitedAt())).build());
  }

  @Override
  public void delete(DeleteRequest request, StreamObserver<DeleteResponse> response) {
    async(response, () -> tasks.delete(request.getId(), request.getExecId()),
        exit -> DeleteResponse.newBuilder().setPid(exit.pid()).setExitStatus(exit.status())
            .setExitedAt(timestamp(exit.exitedAt())).build());
  }

  @Override
  public void state(StateRequest request, StreamObserver<StateResponse> response) {
    Calls.unary(response, () -> {
      TaskView view = tasks.state(request.getId(), request.getExecId());
      StateResponse.Builder reply = StateResponse.newBuilder()
          .setId(view.id())
          .setBundle(view.bundle().toString())
          .setPid(view.pid())
          .setStatus(status(view.status()))
          .setStdin(view.stdio().stdin())
          .setStdout(view.stdio().stdout())
          .setStderr(view.stdio().stderr())
          .setTerminal(view.terminal())
          .setExecId(request.getExecId())
          .setExitedAt(NOT_EXITED);
      view.exit().ifPresent(exit -> reply.setExitStatus(exit.status()).setExitedAt(timestamp(exit.exitedAt())));
      return reply.build();
    });
  }

  @Override
  public void pids(PidsRequest request, StreamObserver<PidsResponse> response) {
    Calls.unary(response, () -> {
      PidsResponse.Builder reply = PidsResponse.newBuilder();
      tasks.pids(request.getId()).forEach(pid -> reply.addProcesses(ProcessInfo.newBuilder().setPid(pid)));
      return reply.build();
    });
  }

  @Override
  public void connect(ConnectRequest request, StreamObserver<ConnectResponse> response) {
    Calls.unary(response, () -> ConnectResponse.newBuilder()
        .setShimPid(shimPid)
        .setTaskPid(tasks.initPid(request.getId()))
        .setVersion(version)
        .build());
  }

  @Override
  public void shutdown(ShutdownRequest request, StreamObserver<Empty> response) {
    // answer first: the shutdown stops the server that carries this reply
    response.onNext(Empty.getDefaultInstance());
    response.onCompleted();
    tasks.shutdown();
  }

  @Override
  public void pause(PauseRequest request, StreamObserver<Empty> response) {
    Calls.unary(response, () -> {
      tasks.pause(request.getId());
      return Empty.getDefaultInstance();
    });
  }

  @Override
  public void resume(ResumeRequest request, StreamObserver<Empty> response) {
    Calls.unary(response, () -> {
      tasks.resume(request.getId());
      return Empty.getDefaultInstance();
    });
  }

  @Override
  public void checkpoint(CheckpointTaskRequest request, StreamObserver<Empty> response) {
    Calls.unary(response, () -> {
      io.jshim.proto.runc.v1.CheckpointOptions options =
          CheckpointOptionsMapper.unpack(request.hasOptions(), request.getOptions());
      tasks.checkpoint(request.getId(), CheckpointOptionsMapper.imageDir(request.getPath(), options),
          CheckpointOptionsMapper.toDomain(options));
      return Empty.getDefaultInstance();
    });
  }

  @Override
  public void exec(ExecProcessRequest request, StreamObserver<Empty> response) {
    Calls.unary(response, () -> {
      if (!request.hasSpec()) {
        throw ShimException.invalidArgument("spec: missing (expected: an Any holding an OCI process object as JSON, type "
            + PROCESS_TYPE_URL + ")");
      }
      String typeUrl = request.getSpec().getTypeUrl();
      if (!typeUrl.isEmpty() && !typeUrl.equals(PROCESS_TYPE_URL)) {
        throw ShimException.invalidArgument("spec: type " + typeUrl + " (expected: " + PROCESS_TYPE_URL + ")");
      }
      tasks.exec(request.getId(), new ExecRequest(request.getExecId(),
          new StdioPaths(request.getStdin(), request.getStdout(), request.getStderr()), request.getTerminal(),
          OciJson.readProcess(request.getSpec().getValue().toByteArray(), "spec")));
      return Empty.getDefaultInstance();
    });
  }

  @Override
  public void resizePty(ResizePtyRequest request, StreamObserver<Empty> response) {
    Calls.unary(response, () -> {
      tasks.resizePty(request.getId(), request.getExecId(), request.getWidth(), request.getHeight());
      return Empty.getDefaultInstance();
    });
  }

  @Override
  public void closeIO(CloseIORequest request, StreamObserver<Empty> response) {
    Calls.unary(response, () -> {
      if (request.getStdin()) {
        tasks.closeStdin(request.getId(), request.getExecId());
      }
      return Empty.getDefaultInstance();
    });
  }

  @Override
  public void update(UpdateTaskRequest request, StreamObserver<Empty> response) {
    Calls.unary(response, () -> {
      if (!request.hasResources()) {
        throw ShimException.invalidArgument("resources: missing (expected: an Any holding OCI LinuxResources as JSON)");
      }
      tasks.update(request.getId(), OciJson.readResources(request.getResources().getValue().toByteArray(), "resources"));
      return Empty.getDefaultInstance();
    });
  }

  @Override
  public void stats(StatsRequest request, StreamObserver<StatsResponse> response) {
    Calls.unary(response, () -> StatsResponse.newBuilder().setStats(CgroupMetricsMapper.toAny(tasks.stats(request.getId()))).build());
  }

  static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }

  private static Status status(TaskView.Status status) {
    return switch (status) {
      case CREATED -> Status.CREATED;
      case RUNNING -> Status.RUNNING;
      case PAUSED -> Status.PAUSED;
      case STOPPED -> Status.STOPPED;
    };
  }

  /** Answers when {@code future} completes; no thread waits meanwhile. */
  private static <T> void async(StreamObserver<T> response, Supplier<CompletableFuture<ExitStatus>> call,
      Function<ExitStatus, T> toReply) {
    CompletableFuture<ExitStatus> future;
    try {
      future = call.get();
    } catch (RuntimeException e) {
      response.onError(StatusMapper.toStatus(e));
      return;
    }
    ServerCallStreamObserver<T> observer = (ServerCallStreamObserver<T>) response;
    // a client that gives up must not make the later completion throw
    observer.setOnCancelHandler(() -> {});
    future.whenComplete((exit, failure) -> {
      if (observer.isCancelled()) {
        return;
      }
      if (failure != null) {
        observer.onError(StatusMapper.toStatus(failure));
      } else {
        observer.onNext(toReply.apply(exit));
        observer.onCompleted();
      }
    });
  }
}
