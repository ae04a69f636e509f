package io.jshim.client.cli;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a daemon listens on a socket path, by connecting a plain Unix socket to it: no gRPC call, so asking costs
 * a connect, not a channel. A leftover socket file (connection refused), a missing one, or one this user may not
 * reach all count as no daemon.
 */
final class DaemonProbe {
  private DaemonProbe() {}

  static boolean listens(Path socket) {
    if (!Files.exists(socket)) {
      return false;
    }
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      return channel.connect(UnixDomainSocketAddress.of(socket));
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
