package io.jshim.daemon.error;

import java.util.Objects;

/**
 * The one unchecked exception of the daemon's domain. Its {@link ErrorKind} decides the status code a
 * client sees; the message says what was wrong and what was expected.
 */
public class ShimException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorKind kind;

  public ShimException(ErrorKind kind, String message) {
    this(kind, message, null);
  }

  public ShimException(ErrorKind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  /** The failure class of this exception. */
  public ErrorKind kind() {
    return kind;
  }

  public static ShimException notFound(String message) {
    return new ShimException(ErrorKind.NOT_FOUND, message);
  }

  public static ShimException alreadyExists(String message) {
    return new ShimException(ErrorKind.ALREADY_EXISTS, message);
  }

  public static ShimException failedPrecondition(String message) {
    return new ShimException(ErrorKind.FAILED_PRECONDITION, message);
  }

  public static ShimException invalidArgument(String message) {
    return new ShimException(ErrorKind.INVALID_ARGUMENT, message);
  }

  public static ShimException invalidArgument(String message, Throwable cause) {
    return new ShimException(ErrorKind.INVALID_ARGUMENT, message, cause);
  }

  public static ShimException unimplemented(String message) {
    return new ShimException(ErrorKind.UNIMPLEMENTED, message);
  }

  public static ShimException unavailable(String message, Throwable cause) {
    return new ShimException(ErrorKind.UNAVAILABLE, message, cause);
  }

  public static ShimException internal(String message, Throwable cause) {
    return new ShimException(ErrorKind.INTERNAL, message, cause);
  }
}
