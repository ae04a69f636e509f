package io.jshim.daemon.io;

import java.util.Objects;

/** Where a process's stdin, stdout and stderr go: file or FIFO paths, empty for /dev/null. */
public record StdioPaths(String stdin, String stdout, String stderr) {
  public StdioPaths {
    Objects.requireNonNull(stdin, "stdin");
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
  }

  /** All three on /dev/null. */
  public static StdioPaths none() {
    return new StdioPaths("", "", "");
  }
}
