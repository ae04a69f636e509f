package io.jshim.daemon.io;

import io.jshim.daemon.error.ShimException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a task's container log goes and how it rotates, as asked for in the OCI config's annotations.
 *
 * @param path the current log file; rotated files are {@code path.1} (newest) to {@code path.(maxFiles-1)}
 * @param maxSize bytes at which the file is rotated, at least {@link #MIN_MAX_SIZE}
 * @param maxFiles files kept, the current one included, {@code 1..}{@link #MAX_MAX_FILES}
 */
public record LogSpec(Path path, long maxSize, int maxFiles) {
  /** Annotation naming the log file; without it the task has no container log. */
  public static final String ANNOTATION_PATH = "io.jshim.log.path";
  /** Annotation for {@link #maxSize}: decimal bytes, optionally with a suffix {@code Ki}, {@code Mi} or {@code Gi}. */
  public static final String ANNOTATION_MAX_SIZE = "io.jshim.log.max-size";
  /** Annotation for {@link #maxFiles}: a decimal number. */
  public static final String ANNOTATION_MAX_FILES = "io.jshim.log.max-files";

  /** 10 MiB. */
  public static final long DEFAULT_MAX_SIZE = 10L * 1024 * 1024;
  public static final int DEFAULT_MAX_FILES = 5;
  /** Small enough for tests, large enough that a record's prefix never crowds out its text. */
  public static final long MIN_MAX_SIZE = 4096;
  public static final int MAX_MAX_FILES = 100;

  private static final String PREFIX = "io.jshim.log.";
  private static final Set<String> KNOWN = Set.of(ANNOTATION_PATH, ANNOTATION_MAX_SIZE, ANNOTATION_MAX_FILES);
  private static final Pattern SIZE = Pattern.compile("([0-9]{1,19})(Ki|Mi|Gi)?");
  private static final Pattern COUNT = Pattern.compile("[0-9]{1,9}");

  public LogSpec {
    Objects.requireNonNull(path, "path");
    if (maxSize < MIN_MAX_SIZE) {
      throw ShimException.invalidArgument("log max size: " + maxSize + " (expected: at least " + MIN_MAX_SIZE + " bytes)");
    }
    if (maxFiles < 1 || maxFiles > MAX_MAX_FILES) {
      throw ShimException.invalidArgument("log max files: " + maxFiles + " (expected: 1 to " + MAX_MAX_FILES + ")");
    }
  }

  /** A log at {@code path} with the default size and file count. */
  public static LogSpec withDefaults(Path path) {
    return new LogSpec(path, DEFAULT_MAX_SIZE, DEFAULT_MAX_FILES);
  }

  /**
   * Reads the {@code io.jshim.log.*} annotations of an OCI config. The path is only parsed here; it is
   * checked against the log directory when the log is opened ({@link ContainerLog#open}).
   *
   * @return empty when {@value #ANNOTATION_PATH} is absent and no other {@code io.jshim.log.*} annotation is set
   * @throws ShimException INVALID_ARGUMENT naming the annotation: a malformed or out-of-range value, an unknown
   *     {@code io.jshim.log.*} name (most likely a typo), or a size or count without a path
   */
  public static Optional<LogSpec> fromAnnotations(Map<String, String> annotations) {
    Objects.requireNonNull(annotations, "annotations");
    for (String name : annotations.keySet()) {
      if (name.startsWith(PREFIX) && !KNOWN.contains(name)) {
        throw ShimException.invalidArgument("annotation " + name + ": unknown (expected one of "
            + ANNOTATION_PATH + ", " + ANNOTATION_MAX_SIZE + ", " + ANNOTATION_MAX_FILES + ")");
      }
    }
    String rawPath = annotations.get(ANNOTATION_PATH);
    String rawSize = annotations.get(ANNOTATION_MAX_SIZE);
    String rawFiles = annotations.get(ANNOTATION_MAX_FILES);
    if (rawPath == null) {
      // a size without a path would otherwise be ignored silently, and the operator would believe it applied
      String stray = rawSize != null ? ANNOTATION_MAX_SIZE : rawFiles != null ? ANNOTATION_MAX_FILES : null;
      if (stray != null) {
        throw ShimException.invalidArgument("annotation " + stray + " is set without " + ANNOTATION_PATH
            + " (expected: " + ANNOTATION_PATH + " as well, or no " + PREFIX + "* annotations)");
      }
      return Optional.empty();
    }
    Path path = parsePath(rawPath);
    long maxSize = rawSize == null ? DEFAULT_MAX_SIZE : parseSize(rawSize);
    int maxFiles = rawFiles == null ? DEFAULT_MAX_FILES : parseFiles(rawFiles);
    return Optional.of(new LogSpec(path, maxSize, maxFiles));
  }

  private static Path parsePath(String raw) {
    if (raw.isEmpty()) {
      throw ShimException.invalidArgument("annotation " + ANNOTATION_PATH + ": empty (expected: an absolute file path)");
    }
    try {
      return Path.of(raw);
    } catch (InvalidPathException e) {
      throw ShimException.invalidArgument("annotation " + ANNOTATION_PATH + ": \"" + raw + "\" " + e.getReason()
          + " (expected: an absolute file path)", e);
    }
  }

  private static long parseSize(String raw) {
    String expected = " (expected: bytes as a decimal number, optionally followed by Ki, Mi or Gi, at least "
        + MIN_MAX_SIZE + ", e.g. 10Mi)";
    Matcher m = SIZE.matcher(raw);
    if (!m.matches()) {
      throw ShimException.invalidArgument("annotation " + ANNOTATION_MAX_SIZE + ": \"" + raw + "\"" + expected);
    }
    String suffix = m.group(2) == null ? "" : m.group(2);
    int shift = switch (suffix) {
      case "Ki" -> 10;
      case "Mi" -> 20;
      case "Gi" -> 30;
      default -> 0;
    };
    long bytes;
    try {
      long number = Long.parseLong(m.group(1));
      bytes = Math.multiplyExact(number, 1L << shift);
    } catch (NumberFormatException | ArithmeticException e) {
      throw ShimException.invalidArgument("annotation " + ANNOTATION_MAX_SIZE + ": \"" + raw + "\" is too large" + expected);
    }
    if (bytes < MIN_MAX_SIZE) {
      throw ShimException.invalidArgument("annotation " + ANNOTATION_MAX_SIZE + ": \"" + raw + "\" is too small" + expected);
    }
    return bytes;
  }

  private static int parseFiles(String raw) {
    String expected = " (expected: a decimal number from 1 to " + MAX_MAX_FILES + ")";
    if (!COUNT.matcher(raw).matches()) {
      throw ShimException.invalidArgument("annotation " + ANNOTATION_MAX_FILES + ": \"" + raw + "\"" + expected);
    }
    int files = Integer.parseInt(raw);
    if (files < 1 || files > MAX_MAX_FILES) {
      throw ShimException.invalidArgument("annotation " + ANNOTATION_MAX_FILES + ": " + files + " is out of range" + expected);
    }
    return files;
  }
}
