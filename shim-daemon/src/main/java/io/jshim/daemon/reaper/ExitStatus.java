package io.jshim.daemon.reaper;

import java.time.Instant;
import java.util.Objects;

/**
 * How a process ended: {@code status} is its exit code, or 128 plus the number of the signal that killed
 * it (the shell's and containerd's convention).
 */
public record ExitStatus(int pid, int status, Instant exitedAt) {
  /**
   * The status of a process whose exit went to another parent (one a previous daemon spawned): containerd's
   * shims report 255 when they cannot know.
   */
  public static final int UNKNOWN = 255;

  public ExitStatus {
    Objects.requireNonNull(exitedAt, "exitedAt");
    if (status < 0 || status > 255) {
      throw new IllegalArgumentException("status: " + status + " (expected: 0..255)");
    }
  }

  /** Decodes a raw wait(2) status word. */
  public static ExitStatus fromWaitStatus(int pid, int raw, Instant exitedAt) {
    int signal = raw & 0x7f;
    if (signal == 0) {
      return new ExitStatus(pid, (raw >> 8) & 0xff, exitedAt);
    }
    return new ExitStatus(pid, 128 + signal, exitedAt);
  }
}
