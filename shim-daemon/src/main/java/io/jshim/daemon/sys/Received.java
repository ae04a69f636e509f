package io.jshim.daemon.sys;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * What one {@link Posix#receive} got: {@code length} bytes (0 at end of file) and the fd that came with
 * them, owned by the caller from now on.
 */
public record Received(int length, OptionalInt fd) {
  public Received {
    if (length < 0) {
      throw new IllegalArgumentException("length: " + length + " (expected: >= 0)");
    }
    Objects.requireNonNull(fd, "fd");
  }
}
