package io.jshim.daemon.task;

import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.io.ContainerLog;
import io.jshim.daemon.io.LogSpec;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens and closes the tasks' container logs, one task per log path. */
final class ContainerLogs {
  private static final Logger log = LoggerFactory.getLogger(ContainerLogs.class);

  private final Path logRoot;
  private final Clock clock;
  private final Set<Path> paths = ConcurrentHashMap.newKeySet();

  /** @param logRoot the directory container logs must be inside */
  ContainerLogs(Path logRoot, Clock clock) {
    this.logRoot = logRoot;
    this.clock = clock;
  }

  /**
   * Opens the log a task's annotations ask for.
   *
   * @throws ShimException ALREADY_EXISTS when another task writes to that path, INVALID_ARGUMENT for a path the
   *     rules refuse
   */
  Optional<ContainerLog> open(String id, Optional<LogSpec> spec) {
    if (spec.isEmpty()) {
      return Optional.empty();
    }
    Path path = spec.get().path();
    if (!paths.add(path)) {
      throw ShimException.alreadyExists("log path " + path + " is already the log of another task (expected: one log file per task)");
    }
    try {
      ContainerLog opened = ContainerLog.open(spec.get(), logRoot, clock);
      log.info("task {}: container log {} (rotated at {} bytes, {} files kept)", id, path, spec.get().maxSize(),
          spec.get().maxFiles());
      return Optional.of(opened);
    } catch (RuntimeException e) {
      paths.remove(path);
      throw e;
    }
  }

  void close(ContainerLog containerLog) {
    containerLog.close();
    paths.remove(containerLog.spec().path());
  }
}
