package io.jshim.daemon.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.ttrpc.BytesMarshaller;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Requests that are not protobuf messages, and errors that echo huge inputs (found by the reliability suites). */
class MalformedRequestsTest {
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws IOException {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).addService(MalformedRequests.refuse(new HealthGrpc.HealthImplBase() {
      @Override
      public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> response) {
        response.onNext(HealthCheckResponse.newBuilder().setStatus(HealthCheckResponse.ServingStatus.SERVING).build());
        response.onCompleted();
      }
    })).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void call_bytesThatAreNoProtobufMessage_invalidArgumentSayingMalformed() {
    byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff};

    assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, raw(), CallOptions.DEFAULT, garbage))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).startsWith("malformed Check request: not a valid protobuf message");
        });
  }

  @Test
  void call_validRequest_servedAsBefore() {
    HealthCheckResponse answer = HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance());

    assertThat(answer.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
  }

  @Test
  void toStatus_messageOfThreeMegabytes_descriptionCutAndSaysHowLong() {
    String huge = "bundle: /" + "b".repeat(3 << 20);

    Status status = StatusMapper.toStatus(ShimException.invalidArgument(huge)).getStatus();

    assertThat(status.getDescription()).hasSizeLessThanOrEqualTo(StatusMapper.MAX_DESCRIPTION)
        .startsWith("bundle: /bbb").endsWith("(cut, " + huge.length() + " characters in all)");
  }

  private static MethodDescriptor<byte[], byte[]> raw() {
    return HealthGrpc.getCheckMethod().toBuilder(BytesMarshaller.INSTANCE, BytesMarshaller.INSTANCE).build();
  }
}
