package io.jshim.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.jshim.client.ShimClientException.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(10)
class TaskClientTest {
  @TempDir
  Path tmp;

  private InProcessShim shim;
  private FakeTaskService fake;
  private ShimClient client;

  @BeforeEach
  void setUp() throws IOException {
    shim = InProcessShim.start(tmp);
    fake = shim.fake();
    client = shim.client();
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    shim.close();
  }


  @Test
  void create_newId_returnsPidAndSendsOptions() {
    int pid = client.tasks().create(CreateOptions.builder("c1", Path.of("/bundles/c1"))
        .stdin("/in").stdout("/out").stderr("/err").build());

    assertThat(pid).isPositive();
    assertThat(fake.creates()).singleElement().satisfies(request -> {
      assertThat(request.getId()).isEqualTo("c1");
      assertThat(request.getBundle()).isEqualTo("/bundles/c1");
      assertThat(request.getStdin()).isEqualTo("/in");
      assertThat(request.getStdout()).isEqualTo("/out");
      assertThat(request.getStderr()).isEqualTo("/err");
    });
  }

  @Test
  void createStartWaitDelete_exitingWorkload_roundTripsExitStatus() throws IOException {
    Path bundle = bundle("exit", "3");

    int created = client.tasks().create(CreateOptions.of("c1", bundle));
    int started = client.tasks().start("c1");
    ExitResult waited = client.tasks().waitFor("c1");
    ExitResult deleted = client.tasks().delete("c1");

    assertThat(started).isEqualTo(created);
    assertThat(waited.exitStatus()).isEqualTo(3);
    assertThat(waited.exitedAt()).isAfter(Instant.EPOCH);
    assertThat(deleted).isEqualTo(new ExitResult(created, 3, waited.exitedAt()));
    assertThat(fake.hasTasks()).isFalse();
  }

  @Test
  void waitForAsync_runningTask_completesWhenTaskExits() throws Exception {
    client.tasks().create(CreateOptions.of("c1", tmp));
    client.tasks().start("c1");

    CompletableFuture<ExitResult> exit = client.tasks().waitForAsync("c1");

    assertThat(fake.waitCalls()).isEqualTo(1);
    assertThat(exit).isNotDone();
    fake.exit("c1", 42);
    assertThat(exit.get(5, TimeUnit.SECONDS).exitStatus()).isEqualTo(42);
  }

  @Test
  void asyncVariants_createStartDelete_completeWithResults() throws Exception {
    int pid = client.tasks().createAsync(CreateOptions.of("c1", bundle("exit", "0"))).get(5, TimeUnit.SECONDS);
    assertThat(client.tasks().startAsync("c1").get(5, TimeUnit.SECONDS)).isEqualTo(pid);
    client.tasks().waitForAsync("c1").get(5, TimeUnit.SECONDS);
    assertThat(client.tasks().deleteAsync("c1").get(5, TimeUnit.SECONDS).pid()).isEqualTo(pid);
  }

  @Test
  void waitFor_interrupted_throwsCancelledAndCancelsCall() throws Exception {
    client.tasks().create(CreateOptions.of("c1", tmp));
    client.tasks().start("c1");
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    Thread waiter = new Thread(() -> {
      try {
        client.tasks().waitFor("c1");
      } catch (Throwable t) {
        thrown.set(t);
      } finally {
        done.countDown();
      }
    });
    waiter.start();
    while (fake.waitCalls() == 0) {
      Thread.sleep(5);
    }

    waiter.interrupt();

    assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(thrown.get()).isInstanceOfSatisfying(ShimClientException.class,
        e -> assertThat(e.kind()).isEqualTo(Kind.CANCELLED));
  }

  @Test
  void kill_runningTask_sendsSignalAndAllFlag() {
    client.tasks().create(CreateOptions.of("c1", tmp));
    client.tasks().start("c1");

    client.tasks().kill("c1", Signals.SIGKILL, true);

    assertThat(fake.kills()).singleElement().satisfies(request -> {
      assertThat(request.getSignal()).isEqualTo(9);
      assertThat(request.getAll()).isTrue();
    });
    assertThat(client.tasks().waitFor("c1").exitStatus()).isEqualTo(137);
  }

  @Test
  void kill_signalOutOfRange_throwsIllegalArgument() {
    assertThatThrownBy(() -> client.tasks().kill("c1", 0, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("signal: 0 (expected: 1..64)");
  }

  @Test
  void state_runningTask_mapsFields() {
    int pid = client.tasks().create(CreateOptions.builder("c1", tmp).stdout("/out").build());
    client.tasks().start("c1");

    TaskState state = client.tasks().state("c1");

    assertThat(state.id()).isEqualTo("c1");
    assertThat(state.pid()).isEqualTo(pid);
    assertThat(state.status()).isEqualTo(TaskStatus.RUNNING);
    assertThat(state.bundle()).isEqualTo(tmp);
    assertThat(state.stdout()).isEqualTo("/out");
  }

  @Test
  void pidsAndConnectInfo_runningTask_reportPids() {
    int pid = client.tasks().create(CreateOptions.of("c1", tmp));
    client.tasks().start("c1");

    assertThat(client.tasks().pids("c1")).containsExactly(new ProcessEntry(pid), new ProcessEntry(pid + 1));
    ConnectInfo info = client.daemon().connectInfo("c1");
    assertThat(info.taskPid()).isEqualTo(pid);
    assertThat(info.shimPid()).isEqualTo((int) ProcessHandle.current().pid());
    assertThat(info.version()).isEqualTo("fake");
  }

  @Test
  void create_duplicateId_throwsAlreadyExists() {
    client.tasks().create(CreateOptions.of("c1", tmp));

    assertThatThrownBy(() -> client.tasks().create(CreateOptions.of("c1", tmp)))
        .isInstanceOfSatisfying(ShimClientException.class,
            e -> assertThat(e.kind()).isEqualTo(Kind.ALREADY_EXISTS))
        .hasMessage("task c1 already exists");
  }

  @Test
  void start_unknownId_throwsNotFound() {
    assertThatThrownBy(() -> client.tasks().start("nope"))
        .isInstanceOfSatisfying(ShimClientException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
  }

  @Test
  void delete_runningTask_throwsFailedPrecondition() {
    client.tasks().create(CreateOptions.of("c1", tmp));
    client.tasks().start("c1");

    assertThatThrownBy(() -> client.tasks().delete("c1"))
        .isInstanceOfSatisfying(ShimClientException.class,
            e -> assertThat(e.kind()).isEqualTo(Kind.FAILED_PRECONDITION));
  }

  @Test
  void deleteAsync_unknownId_completesExceptionallyWithNotFound() {
    CompletableFuture<ExitResult> deleted = client.tasks().deleteAsync("nope");

    assertThat(deleted).failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .havingCause()
        .isInstanceOfSatisfying(ShimClientException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
  }

  @Test
  void shutdown_reachableDaemon_sendsShutdownRequest() throws InterruptedException {
    client.daemon().shutdown();

    fake.awaitShutdown();
  }

  @Test
  void start_unreachableSocket_throwsUnavailableNamingSocket(@TempDir Path dir) {
    try (ShimClient unreachable = ShimClient.connect(dir.resolve("missing.sock"))) {
      assertThatThrownBy(() -> unreachable.tasks().start("c1"))
          .isInstanceOfSatisfying(ShimClientException.class,
              e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE))
          .hasMessageContaining("cannot reach jshim daemon at " + dir.resolve("missing.sock"));
    }
  }

  @Test
  void pauseResume_runningTask_sendIdAndStateFollows() {
    client.tasks().create(CreateOptions.of("c1", tmp));
    client.tasks().start("c1");

    client.tasks().pause("c1");
    TaskStatus paused = client.tasks().state("c1").status();
    client.tasks().resume("c1");

    assertThat(paused).isEqualTo(TaskStatus.PAUSED);
    assertThat(client.tasks().state("c1").status()).isEqualTo(TaskStatus.RUNNING);
    assertThat(fake.pauses()).singleElement().satisfies(request -> assertThat(request.getId()).isEqualTo("c1"));
    assertThat(fake.resumes()).singleElement().satisfies(request -> assertThat(request.getId()).isEqualTo("c1"));
  }

  @Test
  void pauseResumeAsync_runningTask_complete() throws Exception {
    client.tasks().create(CreateOptions.of("c1", tmp));
    client.tasks().start("c1");

    client.tasks().pauseAsync("c1").get(5, TimeUnit.SECONDS);
    assertThat(client.tasks().stateAsync("c1").get(5, TimeUnit.SECONDS).status()).isEqualTo(TaskStatus.PAUSED);
    client.tasks().resumeAsync("c1").get(5, TimeUnit.SECONDS);
    assertThat(client.tasks().stateAsync("c1").get(5, TimeUnit.SECONDS).status()).isEqualTo(TaskStatus.RUNNING);
  }

  @Test
  void pause_createdTask_throwsFailedPreconditionWithDaemonMessage() {
    client.tasks().create(CreateOptions.of("c1", tmp));

    assertThatThrownBy(() -> client.tasks().pause("c1"))
        .isInstanceOfSatisfying(ShimClientException.class,
            e -> assertThat(e.kind()).isEqualTo(Kind.FAILED_PRECONDITION))
        .hasMessage("cannot pause task c1: it is CREATED (expected: running)");
  }

  @Test
  void resume_runningTask_throwsFailedPrecondition() {
    client.tasks().create(CreateOptions.of("c1", tmp));
    client.tasks().start("c1");

    assertThatThrownBy(() -> client.tasks().resume("c1"))
        .isInstanceOfSatisfying(ShimClientException.class,
            e -> assertThat(e.kind()).isEqualTo(Kind.FAILED_PRECONDITION))
        .hasMessage("cannot resume task c1: it is not paused (expected: paused)");
  }

  @Test
  void pauseAndResume_unknownId_throwNotFound() {
    assertThatThrownBy(() -> client.tasks().pause("nope"))
        .isInstanceOfSatisfying(ShimClientException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
    assertThatThrownBy(() -> client.tasks().resume("nope"))
        .isInstanceOfSatisfying(ShimClientException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND))
        .hasMessage("task nope not found");
  }

  @Test
  void pause_blankId_throwsIllegalArgumentWithoutCall() {
    assertThatThrownBy(() -> client.tasks().pause(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("id: blank (expected: a task id)");
    assertThat(fake.pauses()).isEmpty();
  }

  @Test
  void update_jsonObject_sendsItAsIsInLinuxResourcesAny() {
    client.tasks().create(CreateOptions.of("c1", tmp));
    client.tasks().start("c1");
    String json = "{\"memory\":{\"limit\":268435456},\"pids\":{\"limit\":100}}";

    client.tasks().update("c1", json);

    assertThat(fake.updates()).singleElement().satisfies(request -> {
      assertThat(request.getId()).isEqualTo("c1");
      assertThat(request.getResources().getTypeUrl())
          .isEqualTo("types.containerd.io/opencontainers/runtime-spec/1/LinuxResources")
          .isEqualTo(TaskClient.LINUX_RESOURCES_TYPE_URL);
      assertThat(request.getResources().getValue().toString(StandardCharsets.UTF_8)).isEqualTo(json);
    });
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "[1, 2]    | linuxResourcesJson: a JSON array (expected: a JSON object, the OCI LinuxResources)",
    "42        | linuxResourcesJson: a JSON number (expected: a JSON object, the OCI LinuxResources)",
    "null      | linuxResourcesJson: a JSON null (expected: a JSON object, the OCI LinuxResources)",
    "'   '     | linuxResourcesJson: empty (expected: a JSON object, the OCI LinuxResources)",
  })
  void update_notAJsonObject_throwsIllegalArgumentWithoutCall(String json, String message) {
    assertThatThrownBy(() -> client.tasks().update("c1", json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
    assertThat(fake.updates()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"'{\"memory\": '", "'{} {}'", "'{memory: 1}'"})
  void update_malformedJson_throwsIllegalArgumentNamingThePlace(String json) {
    assertThatThrownBy(() -> client.tasks().update("c1", json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("linuxResourcesJson: not valid JSON at line 1, column ")
        .hasMessageEndingWith("(expected: a JSON object, the OCI LinuxResources)");
    assertThat(fake.updates()).isEmpty();
  }

  @Test
  void update_unknownId_throwsNotFound() {
    assertThatThrownBy(() -> client.tasks().update("nope", "{}"))
        .isInstanceOfSatisfying(ShimClientException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
  }

  @Test
  void updateAsync_stoppedTask_completesExceptionallyWithFailedPrecondition() throws IOException {
    client.tasks().create(CreateOptions.of("c1", bundle("exit", "0")));
    client.tasks().start("c1");
    client.tasks().waitFor("c1");

    assertThat(client.tasks().updateAsync("c1", "{\"pids\":{\"limit\":1}}")).failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOfSatisfying(ShimClientException.class,
            e -> assertThat(e.kind()).isEqualTo(Kind.FAILED_PRECONDITION));
  }

  @Test
  void stats_v2TypeUrl_parsesV2Metrics() {
    client.tasks().create(CreateOptions.of("c1", tmp));

    TaskStats stats = client.tasks().stats("c1");

    assertThat(fake.statsRequests()).singleElement().satisfies(request -> assertThat(request.getId()).isEqualTo("c1"));
    assertThat(stats.typeUrl()).isEqualTo(TaskStats.V2_TYPE_URL);
    assertThat(stats.metrics()).isInstanceOf(io.jshim.proto.cgroups.v2.Metrics.class);
    assertThat(stats.v2().getPids().getCurrent()).isEqualTo(2);
    assertThat(stats.v2().getPids().getLimit()).isEqualTo(100);
    assertThatThrownBy(stats::v1)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("metrics: io.containerd.cgroups.v2.Metrics (expected: io.containerd.cgroups.v1.Metrics)");
  }

  @Test
  void stats_v1TypeUrl_parsesV1Metrics() {
    client.tasks().create(CreateOptions.of("c1", tmp));
    io.jshim.proto.cgroups.v1.Metrics v1 = io.jshim.proto.cgroups.v1.Metrics.newBuilder()
        .setPids(io.jshim.proto.cgroups.v1.PidsStat.newBuilder().setCurrent(7).setLimit(50))
        .build();
    fake.answerStats(Any.newBuilder().setTypeUrl("io.containerd.cgroups.v1.Metrics").setValue(v1.toByteString())
        .build());

    TaskStats stats = client.tasks().stats("c1");

    assertThat(stats.typeUrl()).isEqualTo(TaskStats.V1_TYPE_URL);
    assertThat(stats.metrics()).isEqualTo(v1);
    assertThat(stats.v1().getPids().getCurrent()).isEqualTo(7);
  }

  @Test
  void stats_prefixedTypeUrl_parsesByMessageName() throws Exception {
    client.tasks().create(CreateOptions.of("c1", tmp));
    io.jshim.proto.cgroups.v1.Metrics v1 = io.jshim.proto.cgroups.v1.Metrics.newBuilder()
        .setPids(io.jshim.proto.cgroups.v1.PidsStat.newBuilder().setCurrent(1))
        .build();
    fake.answerStats(Any.pack(v1));

    TaskStats stats = client.tasks().statsAsync("c1").get(5, TimeUnit.SECONDS);

    assertThat(stats.typeUrl()).isEqualTo("type.googleapis.com/io.containerd.cgroups.v1.Metrics");
    assertThat(stats.metrics()).isEqualTo(v1);
  }

  @Test
  void stats_unknownTypeUrl_throwsUnknownNamingTypeAndExpected() {
    client.tasks().create(CreateOptions.of("c1", tmp));
    fake.answerStats(Any.newBuilder().setTypeUrl("io.containerd.cgroups.v3.Metrics").build());

    assertThatThrownBy(() -> client.tasks().stats("c1"))
        .isInstanceOfSatisfying(ShimClientException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNKNOWN))
        .hasMessage("stats: unknown metrics type \"io.containerd.cgroups.v3.Metrics\" (expected: "
            + "io.containerd.cgroups.v1.Metrics or io.containerd.cgroups.v2.Metrics)");
  }

  @Test
  void statsAsync_unknownTypeUrl_completesExceptionallyWithShimClientException() {
    client.tasks().create(CreateOptions.of("c1", tmp));
    fake.answerStats(Any.newBuilder().setTypeUrl("types.example/Other").build());

    assertThat(client.tasks().statsAsync("c1")).failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOfSatisfying(ShimClientException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNKNOWN))
        .withMessageContaining("\"types.example/Other\"");
  }

  @Test
  void stats_undecodableMetrics_throwsInternal() {
    client.tasks().create(CreateOptions.of("c1", tmp));
    fake.answerStats(Any.newBuilder().setTypeUrl(TaskStats.V2_TYPE_URL)
        .setValue(ByteString.copyFrom(new byte[] {(byte) 0xff})).build());

    assertThatThrownBy(() -> client.tasks().stats("c1"))
        .isInstanceOfSatisfying(ShimClientException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INTERNAL))
        .hasMessageStartingWith("stats: the daemon's io.containerd.cgroups.v2.Metrics cannot be decoded: ");
  }

  @Test
  void stats_answerWithoutMetrics_throwsUnknown() {
    client.tasks().create(CreateOptions.of("c1", tmp));
    fake.answerStats(null);

    assertThatThrownBy(() -> client.tasks().stats("c1"))
        .isInstanceOfSatisfying(ShimClientException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNKNOWN))
        .hasMessage("stats: the daemon answered without metrics (expected: io.containerd.cgroups.v1.Metrics or "
            + "io.containerd.cgroups.v2.Metrics)");
  }

  @Test
  void stats_unknownId_throwsNotFound() {
    assertThatThrownBy(() -> client.tasks().stats("nope"))
        .isInstanceOfSatisfying(ShimClientException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
  }

  private Path bundle(String... args) throws IOException {
    StringBuilder json = new StringBuilder("{\"process\":{\"args\":[");
    for (int i = 0; i < args.length; i++) {
      json.append(i == 0 ? "" : ",").append('"').append(args[i]).append('"');
    }
    json.append("]}}");
    Files.writeString(tmp.resolve("config.json"), json);
    return tmp;
  }
}
