package io.jshim.daemon.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * The daemon's settings, fixed at start.
 *
 * @param socket the Unix socket the task API listens on
 * @param stateDir the daemon's private directory (0700)
 * @param helper the native spawn helper {@code jshim-spawn}
 * @param allowedUids peer uids allowed besides root and the daemon's own uid
 * @param spawnTimeout how long the helper may take for each step of a spawn
 * @param logRoot the directory container logs must be inside ({@code io.jshim.log.path} annotations)
 */
public record ShimConfig(Path socket, Path stateDir, Path helper, Set<Integer> allowedUids, Duration spawnTimeout,
    Path logRoot) {
  public ShimConfig {
    Objects.requireNonNull(socket, "socket");
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(helper, "helper");
    allowedUids = Set.copyOf(allowedUids);
    Objects.requireNonNull(spawnTimeout, "spawnTimeout");
    Objects.requireNonNull(logRoot, "logRoot");
    if (!logRoot.isAbsolute()) {
      throw new IllegalArgumentException("logRoot: " + logRoot + " (expected: an absolute directory path)");
    }
    if (!socket.isAbsolute()) {
      throw new IllegalArgumentException("socket: " + socket + " (expected: an absolute filesystem path)");
    }
    // sun_path holds 108 bytes including the terminating NUL
    if (socket.toString().getBytes(StandardCharsets.UTF_8).length > 107) {
      throw new IllegalArgumentException("socket: " + socket + " (expected: at most 107 bytes)");
    }
  }
}
