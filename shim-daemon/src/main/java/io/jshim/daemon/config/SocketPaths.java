package io.jshim.daemon.config;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Readies the path of a Unix socket the daemon serves (gRPC and ttrpc alike). */
public final class SocketPaths {
  private static final Logger log = LoggerFactory.getLogger(SocketPaths.class);

  private SocketPaths() {}

  /**
   * Creates a missing parent directory 0700 and removes a stale socket file left by a dead server.
   *
   * @param what names the socket in messages ("socket", "ttrpc socket")
   * @throws IllegalStateException when a live server listens on the path
   */
  public static void prepare(Path socket, String what) throws IOException {
    Path dir = socket.getParent();
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (isLive(socket)) {
      throw new IllegalStateException(what + " " + socket
          + " is in use by a live server (expected: a free path; stop that daemon first)");
    }
    log.info("removing stale {} {}", what, socket);
    Files.delete(socket);
  }

  private static boolean isLive(Path socket) {
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      probe.connect(UnixDomainSocketAddress.of(socket));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
