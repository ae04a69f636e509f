package io.jshim.daemon.io;

import io.jshim.daemon.error.ShimException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * Checks and opens a container log path the way conmon does: the path must lie inside the daemon's log
 * directory and no symbolic link may stand anywhere between that directory and the file, so a container
 * (or whoever may write into the log directory) cannot redirect the daemon's writes onto another file.
 */
final class LogPaths {
  private static final FileAttribute<Set<PosixFilePermission>> DIR_MODE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---"));
  private static final FileAttribute<Set<PosixFilePermission>> FILE_MODE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----"));

  private LogPaths() {
  }

  /** An open log file and the identity (device and inode) it had right after the open. */
  record Opened(FileChannel channel, Object fileKey, long size) {
  }

  /**
   * Checks {@code path}, creates missing directories between {@code logRoot} and it (mode 0750), and opens
   * it for appending, creating it with mode 0640 (both masked by the umask).
   *
   * @throws ShimException INVALID_ARGUMENT saying which rule the path breaks or why it cannot be opened;
   *     FAILED_PRECONDITION when {@code logRoot} is not a directory
   */
  static Opened open(Path path, Path logRoot) {
    Path root = checkRoot(logRoot);
    check(path, root);
    Path parent = path.getParent();
    for (int i = root.getNameCount(); i < parent.getNameCount(); i++) {
      ensureDirectory(path, root, root.resolve(parent.subpath(root.getNameCount(), i + 1)));
    }
    Optional<BasicFileAttributes> existing = attributes(path, path, root);
    if (existing.isPresent()) {
      checkFile(path, root, existing.get());
    }
    FileChannel channel = null;
    try {
      // NOFOLLOW_LINKS adds O_NOFOLLOW: a symlink planted since the check above makes the open fail (ELOOP)
      channel = FileChannel.open(path, Set.of(StandardOpenOption.WRITE, StandardOpenOption.APPEND,
          StandardOpenOption.CREATE, LinkOption.NOFOLLOW_LINKS), FILE_MODE);
      BasicFileAttributes opened = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return new Opened(channel, opened.fileKey(), channel.size());
    } catch (IOException e) {
      closeQuietly(channel);
      throw refused(path, "cannot open: " + reason(e), fileExpected(root), e);
    }
  }

  /** {@code path.n}: the n-th newest rotated file. */
  static Path rotated(Path path, int n) {
    return path.resolveSibling(path.getFileName() + "." + n);
  }

  /** The device and inode {@code path} names now, without following a link; empty when it does not exist. */
  static Optional<Object> fileKey(Path path) throws IOException {
    try {
      return Optional.ofNullable(Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** What went wrong, without repeating the path (which the JDK's message often is, and nothing more). */
  static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "does not exist";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NotDirectoryException) {
      return "not a directory";
    }
    if (e instanceof FileSystemException fse && fse.getReason() != null) {
      return fse.getReason();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  static void closeQuietly(FileChannel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      // nothing left to lose: the log already counts what it could not write
    }
  }

  private static Path checkRoot(Path logRoot) {
    if (!logRoot.isAbsolute()) {
      throw new IllegalArgumentException("log root " + logRoot + " (expected: an absolute path)");
    }
    Path root = logRoot.normalize();
    String expected = " (expected: an existing directory configured for container logs)";
    try {
      if (!Files.readAttributes(root, BasicFileAttributes.class).isDirectory()) {
        throw ShimException.failedPrecondition("log root " + root + ": not a directory" + expected);
      }
    } catch (IOException e) {
      throw ShimException.failedPrecondition("log root " + root + ": " + reason(e) + expected);
    }
    return root;
  }

  private static void check(Path path, Path root) {
    String expected = "a normalised absolute path inside " + root;
    if (!path.isAbsolute()) {
      throw refused(path, "not absolute", expected, null);
    }
    for (Path name : path) {
      if (name.toString().equals("..")) {
        throw refused(path, "contains \"..\"", expected, null);
      }
    }
    if (!path.normalize().equals(path)) {
      throw refused(path, "not normalised", expected, null);
    }
    if (path.equals(root)) {
      throw refused(path, "is the log directory itself", "a file inside " + root, null);
    }
    if (!path.startsWith(root)) {
      throw refused(path, "outside " + root, expected, null);
    }
  }

  private static void ensureDirectory(Path path, Path root, Path dir) {
    String expected = "real directories between " + root + " and the file";
    Optional<BasicFileAttributes> attrs = attributes(dir, path, root);
    if (attrs.isEmpty()) {
      try {
        Files.createDirectory(dir, DIR_MODE);
        return;
      } catch (FileAlreadyExistsException e) {
        // created concurrently (another task's log in the same pod directory): check what is there now
        attrs = attributes(dir, path, root);
      } catch (IOException e) {
        throw refused(path, "cannot create directory " + dir + ": " + reason(e), expected, e);
      }
    }
    if (attrs.isEmpty()) {
      throw refused(path, dir + " vanished while being created", expected, null);
    }
    if (attrs.get().isSymbolicLink()) {
      throw refused(path, dir + " is a symbolic link", expected, null);
    }
    if (!attrs.get().isDirectory()) {
      throw refused(path, dir + " is not a directory", expected, null);
    }
  }

  private static void checkFile(Path path, Path root, BasicFileAttributes attrs) {
    String expected = fileExpected(root);
    if (attrs.isSymbolicLink()) {
      throw refused(path, "is a symbolic link", expected, null);
    }
    if (attrs.isDirectory()) {
      throw refused(path, "is a directory", expected, null);
    }
    // checked before the open, because opening a FIFO for writing would block until a reader comes
    if (!attrs.isRegularFile()) {
      throw refused(path, "is not a regular file", expected, null);
    }
    try {
      Object links = Files.getAttribute(path, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
      if (links instanceof Integer n && n > 1) {
        // a hard link to a file outside the log directory would pass every check above
        throw refused(path, "has " + n + " hard links", expected, null);
      }
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      // no "unix" view on this file system: nothing more to check
    } catch (IOException e) {
      throw refused(path, "cannot read its attributes: " + reason(e), expected, e);
    }
  }

  private static Optional<BasicFileAttributes> attributes(Path file, Path path, Path root) {
    try {
      return Optional.of(Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw refused(path, "cannot read the attributes of " + file + ": " + reason(e), "a normalised absolute path inside " + root, e);
    }
  }

  private static String fileExpected(Path root) {
    return "a regular file with a single link, or no file yet, inside " + root;
  }

  private static ShimException refused(Path path, String what, String expected, Throwable cause) {
    return ShimException.invalidArgument("log path " + path + ": " + what + " (expected: " + expected + ")", cause);
  }
}
