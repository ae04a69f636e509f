package io.jshim.daemon.error;

/** The closed set of failure classes the daemon reports; each maps to one gRPC status code at the edge. */
public enum ErrorKind {
  /** The named task or process does not exist. */
  NOT_FOUND,
  /** The id is already taken. */
  ALREADY_EXISTS,
  /** The operation is not allowed in the current state of the process. */
  FAILED_PRECONDITION,
  /** The request itself is wrong: bad id, unreadable bundle, missing executable. */
  INVALID_ARGUMENT,
  /** The caller may not do this. */
  PERMISSION_DENIED,
  /** The operation is not built yet. */
  UNIMPLEMENTED,
  /** The daemon is shutting down or a resource is temporarily missing. */
  UNAVAILABLE,
  /** A failure inside the daemon or the kernel that the caller cannot fix. */
  INTERNAL
}
