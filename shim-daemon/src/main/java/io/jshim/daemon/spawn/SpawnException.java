package io.jshim.daemon.spawn;

import io.jshim.daemon.error.ErrorKind;
import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.sys.Errnos;
import java.util.OptionalInt;

/**
 * A workload could not be started. Carries the stage and errno reported by the native helper, and the
 * pid of a workload that may still be alive and must be killed by the caller.
 */
public final class SpawnException extends ShimException {
  private static final long serialVersionUID = 1L;

  private final SpawnStage stage;
  private final int errno;
  private final transient OptionalInt strandedPid;
  private final String detail;

  SpawnException(SpawnStage stage, int errno, String detail, OptionalInt strandedPid) {
    super(kindOf(stage, errno), "cannot " + stage.action() + ": " + detail);
    this.stage = stage;
    this.errno = errno;
    this.strandedPid = strandedPid;
    this.detail = detail;
  }

  /** What the helper said, without the stage's action. */
  public String detail() {
    return detail;
  }

  /** The stage that failed. */
  public SpawnStage stage() {
    return stage;
  }

  /** The errno the helper reported, 0 if none. */
  public int errno() {
    return errno;
  }

  /** A workload pid that may still be alive (held before exec); the caller must kill and reap it. */
  public OptionalInt strandedPid() {
    return strandedPid;
  }

  private static ErrorKind kindOf(SpawnStage stage, int errno) {
    if (stage == SpawnStage.ARGS || stage == SpawnStage.HOSTNAME || stage == SpawnStage.CWD) {
      return ErrorKind.INVALID_ARGUMENT;
    }
    if (stage == SpawnStage.HOOK || stage == SpawnStage.RUN) {
      // the program failed (a bundle's hook, a tool the daemon ran), not the daemon
      return ErrorKind.FAILED_PRECONDITION;
    }
    if (errno == Errnos.EPERM) {
      return ErrorKind.PERMISSION_DENIED;
    }
    boolean requestProblem = errno == Errnos.ENOENT || errno == Errnos.EACCES || errno == Errnos.ENOEXEC
        || errno == Errnos.ENOTDIR || errno == Errnos.EINVAL || errno == Errnos.ELOOP;
    return switch (stage) {
      case EXEC, ROOTFS, USER, RLIMIT, PROCESS, CAPS, SYSCTL, MOUNT, DEVICES, USERNS, JOIN, ATTRS -> requestProblem ? ErrorKind.INVALID_ARGUMENT : ErrorKind.INTERNAL;
      default -> ErrorKind.INTERNAL;
    };
  }
}
