package io.jshim.daemon.spawn;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A program for {@link Spawner#run}: started by the native helper, waited for by it.
 *
 * @param path absolute path of the program
 * @param args its arguments after argv[0] (argv[0] is {@code path})
 * @param cgroupDirs cgroup directories the program runs in (what it forks is born there too)
 * @param fds the daemon's fds the program gets as fds 4, 5, ... (its 0-2 are /dev/null, 3 is closed); the caller
 *     keeps owning them
 * @param bindSelf a directory bind-mounted onto itself in a private mount namespace of the program, so that it is
 *     a mount point there (CRIU restores a mount namespace only onto one)
 * @param timeout how long it may run before it is killed; zero for no limit
 */
public record ProgramRun(String path, List<String> args, List<String> cgroupDirs, List<Integer> fds,
    Optional<String> bindSelf, Duration timeout) {
  /** The first fd number the program gets {@link #fds} at. */
  public static final int FIRST_FD = 4;

  public ProgramRun {
    Objects.requireNonNull(path, "path");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path: " + path + " (expected: an absolute path)");
    }
    args = List.copyOf(args);
    cgroupDirs = List.copyOf(cgroupDirs);
    fds = List.copyOf(fds);
    Objects.requireNonNull(bindSelf, "bindSelf");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout: " + timeout + " (expected: zero or more)");
    }
  }
}
