package io.jshim.daemon.sys;

import io.jshim.daemon.error.ErrorKind;
import io.jshim.daemon.error.ShimException;

/** A system call failed; keeps the errno so callers can tell ENOENT from EPERM. */
public final class SysException extends ShimException {
  private static final long serialVersionUID = 1L;

  private final int errno;

  /**
   * A failure of {@code operation} with {@code errno}; public so that fakes of {@link Posix} fail the same way.
   *
   * @param operation the call and its subject, e.g. {@code "open /x"}
   * @param errno the error number
   */
  public SysException(String operation, int errno) {
    this(kindOf(errno), operation, errno);
  }

  SysException(ErrorKind kind, String operation, int errno) {
    super(kind, operation + ": " + Errnos.describe(errno));
    this.errno = errno;
  }

  /** The errno the call failed with. */
  public int errno() {
    return errno;
  }

  private static ErrorKind kindOf(int errno) {
    return switch (errno) {
      case Errnos.ENOENT, Errnos.ENOTDIR, Errnos.EISDIR, Errnos.ENXIO -> ErrorKind.INVALID_ARGUMENT;
      case Errnos.EACCES, Errnos.EPERM -> ErrorKind.PERMISSION_DENIED;
      default -> ErrorKind.INTERNAL;
    };
  }
}
