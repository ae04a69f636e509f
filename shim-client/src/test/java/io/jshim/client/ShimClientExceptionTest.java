package io.jshim.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.jshim.client.ShimClientException.Kind;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ShimClientExceptionTest {
  private static final Path SOCKET = Path.of("/run/test/jshim.sock");

  @ParameterizedTest
  @CsvSource({
    "NOT_FOUND, NOT_FOUND",
    "ALREADY_EXISTS, ALREADY_EXISTS",
    "INVALID_ARGUMENT, INVALID_ARGUMENT",
    "FAILED_PRECONDITION, FAILED_PRECONDITION",
    "PERMISSION_DENIED, PERMISSION_DENIED",
    "UNIMPLEMENTED, UNIMPLEMENTED",
    "UNAVAILABLE, UNAVAILABLE",
    "DEADLINE_EXCEEDED, DEADLINE_EXCEEDED",
    "CANCELLED, CANCELLED",
    "INTERNAL, INTERNAL",
    "UNKNOWN, UNKNOWN",
    "RESOURCE_EXHAUSTED, UNKNOWN",
    "ABORTED, UNKNOWN"
  })
  void from_statusRuntimeException_mapsCodeToKind(Status.Code code, Kind expected) {
    StatusRuntimeException error = Status.fromCode(code).withDescription("boom").asRuntimeException();

    ShimClientException mapped = ShimClientException.from(error, SOCKET);

    assertThat(mapped.kind()).isEqualTo(expected);
    assertThat(mapped).hasCause(error);
  }

  @Test
  void from_daemonDescription_keepsItAsMessage() {
    StatusRuntimeException error = Status.NOT_FOUND.withDescription("task c1 not found").asRuntimeException();

    assertThat(ShimClientException.from(error, SOCKET)).hasMessage("task c1 not found");
  }

  @Test
  void from_statusException_mapsLikeRuntimeVariant() {
    StatusException error = Status.ALREADY_EXISTS.withDescription("task c1 already exists").asException();

    ShimClientException mapped = ShimClientException.from(error, SOCKET);

    assertThat(mapped.kind()).isEqualTo(Kind.ALREADY_EXISTS);
    assertThat(mapped).hasMessage("task c1 already exists");
  }

  @Test
  void from_unavailable_namesSocketAndCause() {
    StatusRuntimeException error = Status.UNAVAILABLE.withDescription("io exception")
        .withCause(new IOException("connect(..) failed: No such file or directory"))
        .asRuntimeException();

    ShimClientException mapped = ShimClientException.from(error, SOCKET);

    assertThat(mapped.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(mapped).hasMessage(
        "cannot reach jshim daemon at /run/test/jshim.sock: no such socket (is the daemon running?)");
  }

  @Test
  void from_connectionRefused_saysNoDaemonListens() {
    StatusRuntimeException error = Status.UNAVAILABLE.withDescription("io exception")
        .withCause(new IOException("wrapped", new java.net.ConnectException(
            "connect(..) failed with error(-111): Connection refused")))
        .asRuntimeException();

    assertThat(ShimClientException.from(error, SOCKET)).hasMessage(
        "cannot reach jshim daemon at /run/test/jshim.sock: connection refused (no daemon is listening)");
  }

  @Test
  void from_noDescription_usesKindAsMessage() {
    ShimClientException mapped = ShimClientException.from(Status.FAILED_PRECONDITION.asRuntimeException(), SOCKET);

    assertThat(mapped).hasMessage("failed precondition");
  }

  @Test
  void from_nonGrpcThrowable_isUnknown() {
    ShimClientException mapped = ShimClientException.from(new IllegalStateException("odd"), SOCKET);

    assertThat(mapped.kind()).isEqualTo(Kind.UNKNOWN);
    assertThat(mapped).hasMessage("odd");
  }

  @Test
  void from_shimClientException_returnsSameInstance() {
    ShimClientException original = new ShimClientException(Kind.NOT_FOUND, "gone", null);

    assertThat(ShimClientException.from(original, SOCKET)).isSameAs(original);
  }
}
