package io.jshim.daemon.io;

import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.sys.Posix;
import io.jshim.daemon.sys.SysException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * Opens the stdio paths of a create request. Every open is close-on-exec and never blocks: a FIFO is
 * opened read-write, so the open does not wait for a peer and the process never gets EPIPE when a
 * reader goes away.
 */
public final class StdioOpener {
  private static final String DEV_NULL = "/dev/null";

  private final Posix posix;

  public StdioOpener(Posix posix) {
    this.posix = Objects.requireNonNull(posix, "posix");
  }

  /**
   * Opens all three.
   *
   * @throws ShimException INVALID_ARGUMENT naming the stream when a path cannot be opened
   */
  public OpenStdio open(StdioPaths paths) {
    int[] fds = {-1, -1, -1};
    try {
      fds[0] = openOne("stdin", paths.stdin(), true);
      fds[1] = openOne("stdout", paths.stdout(), false);
      fds[2] = openOne("stderr", paths.stderr(), false);
      return new OpenStdio(posix, fds);
    } catch (RuntimeException e) {
      for (int fd : fds) {
        posix.closeQuietly(fd);
      }
      throw e;
    }
  }

  private int openOne(String stream, String path, boolean input) {
    if (path.isEmpty()) {
      return posix.open(DEV_NULL, Posix.O_RDWR, 0);
    }
    if (path.startsWith("binary://")) {
      throw ShimException.invalidArgument(stream + ": " + path + " (expected: a file or FIFO path; binary:// loggers are not supported)");
    }
    String file = path.startsWith("file://") ? path.substring("file://".length()) : path;
    if (!file.startsWith("/")) {
      throw ShimException.invalidArgument(stream + ": " + path + " (expected: an absolute path)");
    }
    try {
      if (isFifoOrDevice(Path.of(file))) {
        return posix.open(file, Posix.O_RDWR, 0);
      }
      if (input) {
        return posix.open(file, Posix.O_RDONLY, 0);
      }
      return posix.open(file, Posix.O_WRONLY | Posix.O_CREAT | Posix.O_APPEND, 0640);
    } catch (SysException e) {
      throw ShimException.invalidArgument("cannot open " + stream + " " + path + ": " + e.getMessage(), e);
    }
  }

  private static boolean isFifoOrDevice(Path path) {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class).isOther();
    } catch (IOException e) {
      return false;
    }
  }
}
