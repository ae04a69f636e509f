package io.jshim.client.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/** A mode-0700 temporary directory that is deleted, with everything in it, on close. */
final class PrivateTempDir implements AutoCloseable {
  private final Path path;

  private PrivateTempDir(Path path) {
    this.path = path;
  }

  /**
   * Creates the directory under {@code java.io.tmpdir}.
   *
   * @param prefix the start of the directory's name
   * @return the directory
   * @throws IOException if it cannot be created
   */
  static PrivateTempDir create(String prefix) throws IOException {
    return new PrivateTempDir(Files.createTempDirectory(prefix,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))));
  }

  Path path() {
    return path;
  }

  /** Deletes the directory tree; what cannot be deleted (say, files of another user) is left behind. */
  @Override
  public void close() {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> tree = Files.walk(path)) {
      tree.sorted(Comparator.reverseOrder()).forEach(PrivateTempDir::deleteQuietly);
    } catch (IOException | UncheckedIOException e) {
      // Best effort: a leftover temp dir must not turn a finished run into a failure.
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // Best effort, see close().
    }
  }
}
