package io.jshim.daemon.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
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
 * @param ttrpcSocket where to serve the task API over ttrpc for containerd, if at all
 * @param events where to send task events (containerd's ttrpc socket and namespace), if anywhere
 * @param notifySocket systemd's notification socket ({@code $NOTIFY_SOCKET}: a path, or '@' and an abstract
 *     name), if the daemon runs as a {@code Type=notify} service; checked only when used, since a bad one must
 *     not stop the daemon
 * @param idleShutdownDelay how long a Shutdown that found no task waits before the daemon stops; a Create in
 *     that time keeps it running (a grouped daemon then serves the next container without a new JVM start)
 * @param allowUnapplied config fields that affect isolation but that jshim cannot apply, which containers may still
 *     set (they then run without them, with a warning); every other such field fails Create, Exec or Update
 */
public record ShimConfig(Path socket, Path stateDir, Path helper, Set<Integer> allowedUids, Duration spawnTimeout,
    Path logRoot, Optional<Path> ttrpcSocket, Optional<EventTarget> events, Optional<String> notifySocket,
    Duration idleShutdownDelay, Set<String> allowUnapplied) {

  /**
   * containerd's side of the events.
   *
   * @param address containerd's ttrpc socket ({@code TTRPC_ADDRESS})
   * @param namespace containerd's namespace of this daemon's tasks
   */
  public record EventTarget(Path address, String namespace) {
    public EventTarget {
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(namespace, "namespace");
      if (namespace.isEmpty()) {
        throw new IllegalArgumentException("namespace: empty (expected: containerd's namespace of the tasks)");
      }
    }
  }

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
    requireSocketPath("socket", socket);
    Objects.requireNonNull(ttrpcSocket, "ttrpcSocket");
    Objects.requireNonNull(events, "events");
    Objects.requireNonNull(notifySocket, "notifySocket");
    Objects.requireNonNull(idleShutdownDelay, "idleShutdownDelay");
    allowUnapplied = Set.copyOf(allowUnapplied);
    if (idleShutdownDelay.isNegative()) {
      throw new IllegalArgumentException("idleShutdownDelay: " + idleShutdownDelay + " (expected: zero or more)");
    }
    ttrpcSocket.ifPresent(path -> requireSocketPath("ttrpcSocket", path));
    if (ttrpcSocket.filter(socket::equals).isPresent()) {
      throw new IllegalArgumentException("ttrpcSocket: " + socket + " (expected: a path other than the gRPC socket's)");
    }
  }

  /** Without a ttrpc endpoint. */
  public ShimConfig(Path socket, Path stateDir, Path helper, Set<Integer> allowedUids, Duration spawnTimeout,
      Path logRoot) {
    this(socket, stateDir, helper, allowedUids, spawnTimeout, logRoot, Optional.empty());
  }

  /** Without events. */
  public ShimConfig(Path socket, Path stateDir, Path helper, Set<Integer> allowedUids, Duration spawnTimeout,
      Path logRoot, Optional<Path> ttrpcSocket) {
    this(socket, stateDir, helper, allowedUids, spawnTimeout, logRoot, ttrpcSocket, Optional.empty());
  }

  /** Not under systemd's notify protocol. */
  public ShimConfig(Path socket, Path stateDir, Path helper, Set<Integer> allowedUids, Duration spawnTimeout,
      Path logRoot, Optional<Path> ttrpcSocket, Optional<EventTarget> events) {
    this(socket, stateDir, helper, allowedUids, spawnTimeout, logRoot, ttrpcSocket, events, Optional.empty());
  }

  /** Every unapplied field that affects isolation refused. */
  public ShimConfig(Path socket, Path stateDir, Path helper, Set<Integer> allowedUids, Duration spawnTimeout,
      Path logRoot, Optional<Path> ttrpcSocket, Optional<EventTarget> events, Optional<String> notifySocket,
      Duration idleShutdownDelay) {
    this(socket, stateDir, helper, allowedUids, spawnTimeout, logRoot, ttrpcSocket, events, notifySocket,
        idleShutdownDelay, Set.of());
  }

  /** Stops at once on a Shutdown that finds no task. */
  public ShimConfig(Path socket, Path stateDir, Path helper, Set<Integer> allowedUids, Duration spawnTimeout,
      Path logRoot, Optional<Path> ttrpcSocket, Optional<EventTarget> events, Optional<String> notifySocket) {
    this(socket, stateDir, helper, allowedUids, spawnTimeout, logRoot, ttrpcSocket, events, notifySocket,
        Duration.ZERO);
  }

  private static void requireSocketPath(String name, Path socket) {
    if (!socket.isAbsolute()) {
      throw new IllegalArgumentException(name + ": " + socket + " (expected: an absolute filesystem path)");
    }
    // sun_path holds 108 bytes including the terminating NUL
    if (socket.toString().getBytes(StandardCharsets.UTF_8).length > 107) {
      throw new IllegalArgumentException(name + ": " + socket + " (expected: at most 107 bytes)");
    }
  }
}
