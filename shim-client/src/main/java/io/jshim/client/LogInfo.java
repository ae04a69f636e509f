package io.jshim.client;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the daemon writes a task's container log (Kubernetes CRI format) and how it rotates, as answered by
 * {@link ShimClient#logInfo(String)}.
 *
 * @param path the absolute path of the current log file
 * @param maxSize the size in bytes at which the file is rotated
 * @param maxFiles how many files are kept, the current one included: {@code path}, {@code path.1}, … up to
 *     {@code path.(maxFiles-1)}, where {@code path.1} is the newest rotated file
 */
public record LogInfo(Path path, long maxSize, int maxFiles) {

  /** Checks that the path is not {@code null}. */
  public LogInfo {
    Objects.requireNonNull(path, "path");
  }

  /**
   * Returns the path of a rotated file.
   *
   * @param generation 1 for the newest rotated file, 2 for the one before, …
   * @return {@code path.generation}
   * @throws IllegalArgumentException if {@code generation} is below 1
   */
  public Path rotated(int generation) {
    if (generation < 1) {
      throw new IllegalArgumentException("generation: " + generation + " (expected: >= 1)");
    }
    return path.resolveSibling(path.getFileName() + "." + generation);
  }
}
