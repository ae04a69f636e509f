package io.jshim.daemon.io;

import io.jshim.daemon.error.ShimException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** Where one stdio stream of a request goes, as its path says. */
sealed interface StdioTarget {
  /** An empty path: /dev/null. */
  record Null() implements StdioTarget {}

  /** A regular file, or a path where none exists yet (created for output). */
  record RegularFile(String path) implements StdioTarget {}

  /** A FIFO, or another file that is neither regular nor a directory (treated like one). */
  record Fifo(String path) implements StdioTarget {}

  /**
   * Reads a stdio path: empty, {@code /abs/path} or {@code file:///abs/path}.
   *
   * @throws ShimException INVALID_ARGUMENT naming {@code stream} for binary:// and relative paths
   */
  static StdioTarget parse(String stream, String uri) {
    if (uri.isEmpty()) {
      return new Null();
    }
    if (uri.startsWith("binary://")) {
      throw ShimException.invalidArgument(stream + ": " + uri
          + " (expected: a FIFO or file path; binary:// logging plugins are not supported)");
    }
    String path = uri.startsWith("file://") ? uri.substring("file://".length()) : uri;
    if (!path.startsWith("/") || path.indexOf('\0') >= 0) {
      throw ShimException.invalidArgument(stream + ": " + uri
          + " (expected: an absolute path, or file:// followed by one)");
    }
    try {
      BasicFileAttributes attributes = Files.readAttributes(Path.of(path), BasicFileAttributes.class);
      if (attributes.isOther()) {
        return new Fifo(path);
      }
    } catch (IOException e) {
      // not there yet: a file to create, and the open says what is wrong otherwise
    }
    return new RegularFile(path);
  }
}
