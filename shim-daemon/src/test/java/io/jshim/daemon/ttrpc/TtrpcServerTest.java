package io.jshim.daemon.ttrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The ttrpc server in front of a small fake gRPC service reached through an in-process channel. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TtrpcServerTest {
  private static final Duration SECONDS_10 = Duration.ofSeconds(10);
  private static final String ECHO = "test.Echo";
  private static final String TASK_V2 = "containerd.task.v2.Task";

  @TempDir
  Path dir;

  private final CompletableFuture<StreamObserver<byte[]>> slowCall = new CompletableFuture<>();
  private Server grpc;
  private ManagedChannel channel;
  private TtrpcServer server;
  private Path socket;
  private SameUser self;

  @BeforeEach
  void start() throws IOException {
    String name = InProcessServerBuilder.generateName();
    grpc = InProcessServerBuilder.forName(name)
        .addService(ServerServiceDefinition.builder(ECHO)
            .addMethod(BytesMarshaller.unary(ECHO, "Fast"), ServerCalls.asyncUnaryCall(TtrpcServerTest::echo))
            .addMethod(BytesMarshaller.unary(ECHO, "Slow"), ServerCalls.asyncUnaryCall((request, reply) ->
                slowCall.complete(reply)))
            .addMethod(BytesMarshaller.unary(ECHO, "Never"), ServerCalls.asyncUnaryCall((request, reply) -> { }))
            .addMethod(BytesMarshaller.unary(ECHO, "Missing"), ServerCalls.asyncUnaryCall((request, reply) ->
                reply.onError(Status.NOT_FOUND.withDescription("task x not found").asRuntimeException())))
            .build())
        .addService(ServerServiceDefinition.builder(TASK_V2)
            .addMethod(BytesMarshaller.unary(TASK_V2, "Connect"), ServerCalls.asyncUnaryCall(TtrpcServerTest::echo))
            .build())
        .build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    self = new SameUser((int) Files.getAttribute(Path.of("/proc/self"), "unix:uid"),
        (int) Files.getAttribute(Path.of("/proc/self"), "unix:gid"));
    socket = dir.resolve("run/ttrpc.sock");
    server = TtrpcServer.start(socket, channel, Map.of("containerd.task.v3.Task", TASK_V2), self);
  }

  @AfterEach
  void stop() {
    server.close();
    channel.shutdownNow();
    grpc.shutdownNow();
  }

  private static void echo(byte[] request, StreamObserver<byte[]> reply) {
    reply.onNext(request);
    reply.onCompleted();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void call_knownMethod_returnsTheReplyBytesUnchanged() throws Exception {
    try (TtrpcClient client = TtrpcClient.connect(socket)) {
      assertThat(client.call(ECHO, "Fast", bytes("ping"), SECONDS_10).get()).isEqualTo(bytes("ping"));
    }
  }

  @Test
  void start_newSocket_isMode0600InA0700Directory() throws IOException {
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent()))).isEqualTo("rwx------");
  }

  @Test
  void call_unknownMethod_failsUnimplemented() throws Exception {
    try (TtrpcClient client = TtrpcClient.connect(socket)) {
      assertThat(codeOf(client.call(ECHO, "Nope", new byte[0], SECONDS_10))).isEqualTo(Status.Code.UNIMPLEMENTED);
      assertThat(codeOf(client.call("no.Such", "Thing", new byte[0], SECONDS_10))).isEqualTo(Status.Code.UNIMPLEMENTED);
    }
  }

  @Test
  void call_handlerFailsWithNotFound_carriesCodeAndMessage() throws Exception {
    try (TtrpcClient client = TtrpcClient.connect(socket)) {
      assertThatThrownBy(() -> client.call(ECHO, "Missing", new byte[0], SECONDS_10).get())
          .hasCauseInstanceOf(StatusRuntimeException.class)
          .cause().hasMessage("NOT_FOUND: task x not found");
    }
  }

  @Test
  void call_v3TaskServiceName_isServedByTheV2Service() throws Exception {
    try (TtrpcClient client = TtrpcClient.connect(socket)) {
      assertThat(client.call("containerd.task.v3.Task", "Connect", bytes("v3"), SECONDS_10).get())
          .isEqualTo(bytes("v3"));
    }
  }

  @Test
  void call_timeoutPasses_failsDeadlineExceeded() throws Exception {
    try (TtrpcClient client = TtrpcClient.connect(socket)) {
      assertThat(codeOf(client.call(ECHO, "Never", new byte[0], Duration.ofMillis(200))))
          .isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    }
  }

  @Test
  void request_withTimeoutNano_becomesTheGrpcDeadline() throws Exception {
    try (RawConnection raw = RawConnection.open(socket)) {
      raw.send(1, Frame.REQUEST, io.jshim.proto.ttrpc.Request.newBuilder().setService(ECHO).setMethod("Never")
          .setTimeoutNano(TimeUnit.MILLISECONDS.toNanos(200)).build().toByteArray());

      RawConnection.Answer answer = raw.receive();
      assertThat(answer.streamId()).isEqualTo(1);
      assertThat(answer.response().getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED.value());
    }
  }

  @Test
  void slowCallThenFastCall_oneConnection_fastAnswerArrivesFirst() throws Exception {
    try (RawConnection raw = RawConnection.open(socket)) {
      raw.sendRequest(1, ECHO, "Slow", bytes("slow"));
      StreamObserver<byte[]> slow = slowCall.get(10, TimeUnit.SECONDS);
      raw.sendRequest(3, ECHO, "Fast", bytes("fast"));

      RawConnection.Answer first = raw.receive();
      assertThat(first.streamId()).isEqualTo(3);
      assertThat(first.type()).isEqualTo(Frame.RESPONSE);
      assertThat(first.response().hasStatus()).as("success leaves the status unset, as the Go server does").isFalse();
      assertThat(first.response().getPayload().toStringUtf8()).isEqualTo("fast");

      slow.onNext(bytes("slow done"));
      slow.onCompleted();
      RawConnection.Answer second = raw.receive();
      assertThat(second.streamId()).isEqualTo(1);
      assertThat(second.response().getPayload().toStringUtf8()).isEqualTo("slow done");
    }
  }

  @Test
  void request_evenStreamId_answersInvalidArgumentOnThatStream() throws Exception {
    try (RawConnection raw = RawConnection.open(socket)) {
      raw.sendRequest(2, ECHO, "Fast", bytes("x"));

      RawConnection.Answer answer = raw.receive();
      assertThat(answer.streamId()).isEqualTo(2);
      assertThat(answer.response().getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
      assertThat(answer.response().getStatus().getMessage()).contains("stream id 2 is even");
    }
  }

  @Test
  void request_over4MiB_answersResourceExhaustedThenServesTheNextRequest() throws Exception {
    try (RawConnection raw = RawConnection.open(socket)) {
      raw.sendRequest(1, ECHO, "Fast", new byte[Frame.MAX_DATA]);
      raw.sendRequest(3, ECHO, "Fast", bytes("after"));

      RawConnection.Answer refused = raw.receive();
      assertThat(refused.streamId()).isEqualTo(1);
      assertThat(refused.response().getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED.value());
      RawConnection.Answer served = raw.receive();
      assertThat(served.streamId()).isEqualTo(3);
      assertThat(served.response().getPayload().toStringUtf8()).isEqualTo("after");
    }
  }

  @Test
  void request_malformedEnvelope_answersInvalidArgument() throws Exception {
    try (RawConnection raw = RawConnection.open(socket)) {
      raw.send(5, Frame.REQUEST, new byte[] {(byte) 0xff, (byte) 0xff});

      RawConnection.Answer answer = raw.receive();
      assertThat(answer.streamId()).isEqualTo(5);
      assertThat(answer.response().getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
    }
  }

  @Test
  void connect_peerWithOtherUid_isClosedWithoutAnswer() throws Exception {
    Path other = dir.resolve("other/ttrpc.sock");
    TtrpcServer strict = TtrpcServer.start(other, channel, Map.of(), new SameUser(self.uid() + 1, self.gid()));
    try (RawConnection raw = RawConnection.open(other)) {
      try {
        raw.sendRequest(1, ECHO, "Fast", bytes("x"));
      } catch (IOException e) {
        // the server may already have closed it: a broken pipe is a refusal too
      }

      assertThat(raw.closedByServer()).isTrue();
    } finally {
      strict.close();
    }
  }

  @Test
  void close_callStillRunning_failsItUnavailable() throws Exception {
    TtrpcClient client = TtrpcClient.connect(socket);
    CompletableFuture<byte[]> pending = client.call(ECHO, "Slow", new byte[0], SECONDS_10);
    slowCall.get(10, TimeUnit.SECONDS);

    server.close();

    assertThat(codeOf(pending)).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(codeOf(client.call(ECHO, "Fast", new byte[0], SECONDS_10))).isEqualTo(Status.Code.UNAVAILABLE);
    client.close();
  }

  @Test
  void start_anotherServerListens_refusesWithClearError() {
    assertThatThrownBy(() -> TtrpcServer.start(socket, channel, Map.of(), self))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("in use by a live server");
  }

  @Test
  void start_staleSocketFile_replacesIt() throws Exception {
    Path stale = dir.resolve("stale/ttrpc.sock");
    Files.createDirectories(stale.getParent());
    try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      dead.bind(UnixDomainSocketAddress.of(stale));
    }
    assertThat(stale).exists();

    TtrpcServer replacement = TtrpcServer.start(stale, channel, Map.of(), self);
    try (TtrpcClient client = TtrpcClient.connect(stale)) {
      assertThat(client.call(ECHO, "Fast", bytes("new"), SECONDS_10).get()).isEqualTo(bytes("new"));
    } finally {
      replacement.close();
    }
  }

  private static Status.Code codeOf(CompletableFuture<byte[]> call) throws InterruptedException {
    try {
      call.get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected the call to fail");
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(StatusRuntimeException.class);
      return ((StatusRuntimeException) e.getCause()).getStatus().getCode();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("the call neither completed nor failed", e);
    }
  }
}
