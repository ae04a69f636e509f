package io.jshim.daemon.server;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.jshim.daemon.error.ShimException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place where failures become gRPC status codes. */
final class StatusMapper {
  private static final Logger log = LoggerFactory.getLogger(StatusMapper.class);

  /**
   * Longest description sent: it travels in a trailer, and a client refuses trailers over 8 KiB (gRPC's default)
   * with an INTERNAL error of its own, so an error echoing a huge input (a 3 MB bundle path) would lose its reason.
   * A character is percent-encoded into at most 9 bytes there; 700 characters leave room for the other headers.
   */
  static final int MAX_DESCRIPTION = 700;

  private StatusMapper() {}

  static String bounded(String description) {
    if (description == null || description.length() <= MAX_DESCRIPTION) {
      return description;
    }
    return description.substring(0, MAX_DESCRIPTION - 60) + "… (cut, " + description.length() + " characters in all)";
  }

  static StatusRuntimeException toStatus(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof ShimException shim) {
      Status status = switch (shim.kind()) {
        case NOT_FOUND -> Status.NOT_FOUND;
        case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
        case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
        case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
        case PERMISSION_DENIED -> Status.PERMISSION_DENIED;
        case UNIMPLEMENTED -> Status.UNIMPLEMENTED;
        case UNAVAILABLE -> Status.UNAVAILABLE;
        case INTERNAL -> Status.INTERNAL;
      };
      if (status == Status.INTERNAL) {
        log.error("internal error", shim);
      }
      return status.withDescription(bounded(shim.getMessage())).asRuntimeException();
    }
    if (cause instanceof StatusRuntimeException already) {
      return already;
    }
    log.error("unexpected failure", cause);
    return Status.INTERNAL.withDescription(bounded(String.valueOf(cause.getMessage()))).withCause(cause).asRuntimeException();
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
