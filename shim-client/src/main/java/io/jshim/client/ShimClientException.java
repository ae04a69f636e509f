package io.jshim.client;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.io.FileNotFoundException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * A failed call to the jshim daemon.
 *
 * <p>{@link #kind()} tells what went wrong in terms of the daemon's error contract; the message is the daemon's own
 * description. The original gRPC exception, if any, is the {@linkplain #getCause() cause}.
 */
public final class ShimClientException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What kind of failure a call ran into; mirrors the gRPC status codes the daemon answers with. */
  public enum Kind {
    /** No task or process with that id. */
    NOT_FOUND,
    /** A task with that id exists already. */
    ALREADY_EXISTS,
    /** The request was malformed: bad id, bundle, config or binary. */
    INVALID_ARGUMENT,
    /** The task is in the wrong state for the operation, for example deleting a running task. */
    FAILED_PRECONDITION,
    /** The caller's uid may not use the daemon. */
    PERMISSION_DENIED,
    /** The daemon does not implement this operation. */
    UNIMPLEMENTED,
    /** The daemon could not be reached (no socket, connection refused, daemon gone). */
    UNAVAILABLE,
    /** The call did not finish before its deadline. */
    DEADLINE_EXCEEDED,
    /** The call was cancelled on this side, for example because the calling thread was interrupted. */
    CANCELLED,
    /** The daemon failed internally. */
    INTERNAL,
    /** Anything else. */
    UNKNOWN
  }

  private final Kind kind;

  /**
   * Creates an exception of the given kind.
   *
   * @param kind what went wrong
   * @param message a lower-case description without a final period
   * @param cause the underlying error, or {@code null}
   */
  public ShimClientException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  /**
   * Returns what went wrong.
   *
   * @return the kind of this failure
   */
  public Kind kind() {
    return kind;
  }

  /**
   * Translates an error raised by a gRPC call into a {@code ShimClientException}: the single place where gRPC status
   * codes become {@link Kind}s.
   *
   * @param error what the call failed with; a {@code ShimClientException} is returned as is
   * @param socket the daemon socket the call went to, named in the message when the daemon cannot be reached
   * @return the translated exception
   */
  public static ShimClientException from(Throwable error, Path socket) {
    Objects.requireNonNull(error, "error");
    if (error instanceof ShimClientException same) {
      return same;
    }
    Status status;
    if (error instanceof StatusRuntimeException sre) {
      status = sre.getStatus();
    } else if (error instanceof StatusException se) {
      status = se.getStatus();
    } else {
      status = Status.fromThrowable(error);
    }
    Kind kind = kindOf(status.getCode());
    return new ShimClientException(kind, message(kind, status, socket), error);
  }

  private static Kind kindOf(Status.Code code) {
    return switch (code) {
      case NOT_FOUND -> Kind.NOT_FOUND;
      case ALREADY_EXISTS -> Kind.ALREADY_EXISTS;
      case INVALID_ARGUMENT, OUT_OF_RANGE -> Kind.INVALID_ARGUMENT;
      case FAILED_PRECONDITION -> Kind.FAILED_PRECONDITION;
      case PERMISSION_DENIED, UNAUTHENTICATED -> Kind.PERMISSION_DENIED;
      case UNIMPLEMENTED -> Kind.UNIMPLEMENTED;
      case UNAVAILABLE -> Kind.UNAVAILABLE;
      case DEADLINE_EXCEEDED -> Kind.DEADLINE_EXCEEDED;
      case CANCELLED -> Kind.CANCELLED;
      case INTERNAL, DATA_LOSS -> Kind.INTERNAL;
      default -> Kind.UNKNOWN;
    };
  }

  private static String message(Kind kind, Status status, Path socket) {
    String description = status.getDescription();
    if (description == null || description.isBlank()) {
      Throwable cause = status.getCause();
      description = cause != null && cause.getMessage() != null
          ? cause.getMessage()
          : kind.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
    if (kind == Kind.UNAVAILABLE) {
      return "cannot reach jshim daemon at " + socket + ": " + unreachableReason(status, description);
    }
    return description;
  }

  /** Netty reports socket errors as "connect(..) failed with error(-111): Connection refused: /path"; say it short. */
  private static String unreachableReason(Status status, String description) {
    String firstMessage = null;
    for (Throwable cause = status.getCause(); cause != null; cause = cause.getCause()) {
      String text = cause.getMessage() == null ? "" : cause.getMessage();
      if (cause instanceof FileNotFoundException || text.contains("No such file or directory")) {
        return "no such socket (is the daemon running?)";
      }
      if (text.contains("Connection refused")) {
        return "connection refused (no daemon is listening)";
      }
      if (text.contains("Permission denied")) {
        return "permission denied";
      }
      if (firstMessage == null && !text.isBlank()) {
        firstMessage = text;
      }
    }
    return firstMessage != null ? firstMessage : description;
  }
}
