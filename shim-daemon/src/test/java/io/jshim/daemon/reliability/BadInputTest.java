package io.jshim.daemon.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.jshim.daemon.DaemonFixture;
import io.jshim.daemon.Privileged;
import io.jshim.daemon.ttrpc.RawConnection;
import io.jshim.proto.task.v2.CreateTaskRequest;
import io.jshim.proto.task.v2.DeleteRequest;
import io.jshim.proto.task.v2.KillRequest;
import io.jshim.proto.task.v2.StartRequest;
import io.jshim.proto.task.v2.StateRequest;
import io.jshim.proto.task.v2.TaskGrpc;
import io.jshim.proto.task.v2.WaitRequest;
import io.jshim.proto.ttrpc.Request;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Garbage at every RPC of the task API, over gRPC and over ttrpc, hostile ids and broken bundles: each gets a
 * status that says what was wrong (never UNKNOWN or INTERNAL, never a stack trace), the daemon goes on serving,
 * and nothing appears outside its state directory. A running task is kept throughout, so that a fuzzed Shutdown
 * (whose empty request is valid) has a reason to refuse.
 */
@Tag("privileged")
@Tag("stress")
@Timeout(value = 10, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BadInputTest {
  private static final String KEEPER = "keeper";
  private static final Set<Status.Code> UNCLEAR = Set.of(Status.Code.UNKNOWN, Status.Code.INTERNAL);

  @TempDir
  Path dir;

  private ExternalDaemon daemon;
  private TaskGrpc.TaskBlockingStub tasks;
  private Path bundle;
  private List<String> scratchBefore;
  private Set<String> cgroupsBefore;

  @BeforeEach
  void startDaemon() throws Exception {
    Privileged.assumeRoot();
    daemon = ExternalDaemon.start(dir.resolve("daemon"), true);
    tasks = daemon.stub();
    bundle = bundle("exit0", Privileged.testbin().toString(), "exit", "0");
    Path sleeper = bundle("sleeper", Privileged.testbin().toString(), "sleep", "600");
    tasks.create(CreateTaskRequest.newBuilder().setId(KEEPER).setBundle(sleeper.toString()).build());
    tasks.start(StartRequest.newBuilder().setId(KEEPER).build());
    scratchBefore = scratch();
    cgroupsBefore = Leftovers.taskCgroups(daemon.pid());
  }

  @AfterEach
  void stopDaemon() throws Exception {
    if (daemon == null) {
      return;
    }
    try {
      assertThat(daemon.isAlive()).as("daemon alive, log in " + daemon.log()).isTrue();
      assertThat(Lifecycles.once(daemon.stub(), "after", bundle)).as("a lifecycle after the bad input").isZero();
      List<String> deleted = deleteTasksMadeByFuzzing();
      assertThat(Leftovers.taskCgroups(daemon.pid())).as("cgroups of the tasks fuzzing made, after their Delete")
          .noneMatch(c -> deleted.contains(Path.of(c).getFileName().toString()));
      tasks.kill(KillRequest.newBuilder().setId(KEEPER).setSignal(9).build());
      tasks.wait(WaitRequest.newBuilder().setId(KEEPER).build());
      tasks.delete(DeleteRequest.newBuilder().setId(KEEPER).build());
      assertThat(scratch()).as("files outside the daemon's state directory").isEqualTo(scratchBefore);
    } finally {
      daemon.close();
    }
  }

  @Test
  void everyTaskRpc_randomAndMutatedBytes_answeredWithClearStatus() throws Exception {
    long seed = StressSize.seed();
    System.out.println("BadInputTest gRPC fuzz seed: " + seed + " (replay with -Djshim.stress.seed=" + seed + ")");
    Mutator mutator = new Mutator(new Random(seed));
    ManagedChannel channel = daemon.channel();
    List<String> unclear = new ArrayList<>();
    int calls = 0;
    for (MethodDescriptor<?, ?> method : methods()) {
      MethodDescriptor<byte[], byte[]> raw = RawCalls.raw(method);
      byte[] valid = SampleRequests.valid(method, bundle);
      for (int i = 0; i < StressSize.fuzzPerMethod(); i++) {
        for (byte[] input : List.of(mutator.randomBytes(256), mutator.mutate(valid))) {
          Status status = RawCalls.call(channel, raw, input, 3000);
          calls++;
          // a Wait on a task that a fuzzed Create made and nobody started may block: the client gives up
          boolean blockedWait = status.getCode() == Status.Code.DEADLINE_EXCEEDED && method.getBareMethodName().equals("Wait");
          if (!blockedWait) {
            problem(status.getCode(), status.getDescription())
                .ifPresent(p -> unclear.add(method.getBareMethodName() + " " + HexFormat.of().formatHex(input) + ": " + p));
          }
        }
      }
    }
    System.out.printf("BadInputTest gRPC fuzz: %d calls over %d methods, %d unclear answers%n", calls, methods().size(),
        unclear.size());

    assertThat(unclear).as("unclear answers (seed %d)", seed).isEmpty();
  }

  @Test
  void everyTaskRpcOverTtrpc_randomAndMutatedFrames_answeredWithClearStatus() throws Exception {
    long seed = StressSize.seed();
    System.out.println("BadInputTest ttrpc fuzz seed: " + seed + " (replay with -Djshim.stress.seed=" + seed + ")");
    Mutator mutator = new Mutator(new Random(seed));
    List<String> unclear = new ArrayList<>();
    int frames = 0;
    int stream = 1;
    try (RawConnection connection = RawConnection.open(daemon.ttrpcSocket())) {
      for (MethodDescriptor<?, ?> method : methods()) {
        Request valid = Request.newBuilder().setService("containerd.task.v2.Task").setMethod(method.getBareMethodName())
            .setTimeoutNano(TimeUnit.SECONDS.toNanos(3)).setPayload(ByteString.copyFrom(SampleRequests.valid(method, bundle)))
            .build();
        for (int i = 0; i < StressSize.fuzzPerMethod(); i++) {
          List<byte[]> inputs = List.of(mutator.randomBytes(256),
              valid.toBuilder().setPayload(ByteString.copyFrom(mutator.mutate(valid.getPayload().toByteArray()))).build().toByteArray(),
              mutator.mutate(valid.toByteArray()));
          for (byte[] input : inputs) {
            connection.send(stream, RawConnection.REQUEST, input);
            RawConnection.Answer answer = connection.receive(10);
            frames++;
            int code = answer.response().getStatus().getCode();
            String what = method.getBareMethodName() + " frame " + HexFormat.of().formatHex(input);
            if (answer.streamId() != stream || answer.type() != RawConnection.RESPONSE) {
              unclear.add(what + ": answered on stream " + answer.streamId() + " type " + answer.type());
            }
            boolean blockedWait = code == Status.Code.DEADLINE_EXCEEDED.value() && method.getBareMethodName().equals("Wait");
            if (!blockedWait) {
              problem(Status.fromCodeValue(code).getCode(), answer.response().getStatus().getMessage())
                  .ifPresent(p -> unclear.add(what + ": " + p));
            }
            stream += 2;
          }
        }
      }
    }
    System.out.printf("BadInputTest ttrpc fuzz: %d frames over %d methods, %d unclear answers%n", frames, methods().size(),
        unclear.size());

    assertThat(unclear).as("unclear answers (seed %d)", seed).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"a/b", "..", "../../etc", "a\u0000b", "/abs", "id with space", ""})
  void createAndState_hostileId_invalidArgumentNamingTheId(String id) {
    assertRefused(t -> t.create(CreateTaskRequest.newBuilder().setId(id).setBundle(bundle.toString()).build()),
        Set.of(Status.Code.INVALID_ARGUMENT), "id");
    assertRefused(t -> t.state(StateRequest.newBuilder().setId(id).build()), Set.of(Status.Code.INVALID_ARGUMENT), "id");
  }

  @Test
  void create_tenMegabyteId_refusedAsTooLarge() {
    String id = "a".repeat(10 << 20);

    // gRPC's 4 MiB limit on a request refuses it before the daemon sees it; a smaller one would be INVALID_ARGUMENT
    assertRefused(t -> t.create(CreateTaskRequest.newBuilder().setId(id).setBundle(bundle.toString()).build()),
        Set.of(Status.Code.RESOURCE_EXHAUSTED, Status.Code.INVALID_ARGUMENT), "");
    assertRefused(t -> t.create(CreateTaskRequest.newBuilder().setId("a".repeat(3 << 20)).setBundle(bundle.toString()).build()),
        Set.of(Status.Code.INVALID_ARGUMENT), "id");
  }

  @Test
  void create_tenMegabyteBundlePath_refused() {
    assertRefused(t -> t.create(CreateTaskRequest.newBuilder().setId("long-bundle").setBundle("/" + "b".repeat(3 << 20)).build()),
        Set.of(Status.Code.INVALID_ARGUMENT, Status.Code.NOT_FOUND), "bundle");
  }

  @Test
  void create_configJsonNotJson_invalidArgumentNamingConfigJson() throws Exception {
    Path broken = Files.createDirectories(dir.resolve("broken"));
    Files.writeString(broken.resolve("config.json"), "{\"ociVersion\": \"1.0.2\", \"process\": {\"args\": [");
    scratchBefore = scratch();

    assertRefused(t -> t.create(CreateTaskRequest.newBuilder().setId("broken").setBundle(broken.toString()).build()),
        Set.of(Status.Code.INVALID_ARGUMENT), "config.json");
  }

  @Test
  void create_rootPathMissing_refusedNamingTheRoot() throws Exception {
    Path noRoot = new DaemonFixture.BundleBuilder(dir.resolve("no-root"), List.of("/bin/jshim-testbin", "exit", "0"))
        .namespaces("pid", "mount").customize(c -> c.putObject("root").put("path", "rootfs")).write();
    scratchBefore = scratch();

    assertRefused(t -> t.create(CreateTaskRequest.newBuilder().setId("no-root").setBundle(noRoot.toString()).build()),
        Set.of(Status.Code.INVALID_ARGUMENT, Status.Code.NOT_FOUND, Status.Code.FAILED_PRECONDITION), "rootfs");
  }

  @Test
  void create_configJsonIsASymlink_invalidArgumentNamingConfigJson() throws Exception {
    Path linked = Files.createDirectories(dir.resolve("linked"));
    Files.createSymbolicLink(linked.resolve("config.json"), bundle.resolve("config.json"));
    scratchBefore = scratch();

    assertRefused(t -> t.create(CreateTaskRequest.newBuilder().setId("linked").setBundle(linked.toString()).build()),
        Set.of(Status.Code.INVALID_ARGUMENT), "config.json");
  }

  // a fuzzed Create may succeed: its tasks are found by their cgroups (named by id), stopped and deleted
  private List<String> deleteTasksMadeByFuzzing() throws Exception {
    List<String> deleted = new ArrayList<>();
    for (String cgroup : Leftovers.taskCgroups(daemon.pid())) {
      String id = Path.of(cgroup).getFileName().toString();
      if (cgroupsBefore.contains(cgroup) || id.equals(KEEPER) || deleted.contains(id)) {
        continue;
      }
      try {
        tasks.kill(KillRequest.newBuilder().setId(id).setSignal(9).setAll(true).build());
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
          continue; // another daemon's task in a hierarchy shared with it
        }
      }
      tasks.wait(WaitRequest.newBuilder().setId(id).build());
      tasks.delete(DeleteRequest.newBuilder().setId(id).build());
      deleted.add(id);
    }
    if (!deleted.isEmpty()) {
      System.out.println("BadInputTest: tasks the fuzzed requests created, now deleted: " + deleted);
    }
    return deleted;
  }

  private void assertRefused(Function<TaskGrpc.TaskBlockingStub, ?> call, Set<Status.Code> expected, String named) {
    try {
      call.apply(tasks);
      throw new AssertionError("accepted");
    } catch (StatusRuntimeException e) {
      Status status = e.getStatus();
      String text = String.valueOf(status.getDescription());
      System.out.println("BadInputTest answer: " + status.getCode() + " " + (text.length() > 160 ? text.substring(0, 160) + "…" : text));
      assertThat(status.getCode()).as("code of %s", status).isIn(expected);
      assertThat(problem(status.getCode(), status.getDescription())).as("problem with %s", status).isEmpty();
      assertThat(status.getDescription()).as("description").contains(named);
    }
  }

  // what is wrong with an answer: an unclear code, no description, or a stack trace in it
  private static java.util.Optional<String> problem(Status.Code code, String description) {
    if (UNCLEAR.contains(code)) {
      return java.util.Optional.of(code + " " + description);
    }
    if (code != Status.Code.OK && (description == null || description.isBlank())) {
      return java.util.Optional.of(code + " without a description");
    }
    if (description != null && (description.contains("\tat ") || description.contains("Exception"))) {
      return java.util.Optional.of(code + " with a stack trace or exception name: " + description);
    }
    return java.util.Optional.empty();
  }

  private static List<MethodDescriptor<?, ?>> methods() {
    return TaskGrpc.getServiceDescriptor().getMethods().stream().<MethodDescriptor<?, ?>>map(m -> m)
        .sorted(java.util.Comparator.comparing(MethodDescriptor::getFullMethodName)).toList();
  }

  private Path bundle(String name, String... args) throws Exception {
    return new DaemonFixture.BundleBuilder(dir.resolve("bundle-" + name), List.of(args)).namespaces("pid").write();
  }

  // everything under the test directory except the daemon's state directory and its own log
  private List<String> scratch() throws Exception {
    return Leftovers.tree(dir).stream().filter(p -> !p.startsWith("daemon/state/") && !p.startsWith("daemon/daemon.log"))
        .toList();
  }
}
