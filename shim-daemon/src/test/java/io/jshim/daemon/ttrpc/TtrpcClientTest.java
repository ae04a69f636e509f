package io.jshim.daemon.ttrpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class TtrpcClientTest {
  @TempDir
  Path dir;

  @Test
  @Timeout(10)
  void isOpen_serverClosesTheConnection_turnsFalse() throws Exception {
    Path socket = dir.resolve("s.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      TtrpcClient client = TtrpcClient.connect(socket);
      try {
        SocketChannel accepted = server.accept();
        assertThat(client.isOpen()).isTrue();

        accepted.close();

        while (client.isOpen()) {
          Thread.sleep(10);
        }
      } finally {
        client.close();
      }
      assertThat(client.isOpen()).isFalse();
    }
  }
}
