package io.jshim.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.daemon.config.ShimConfig;
import io.jshim.daemon.sys.JnrPosix;
import io.jshim.daemon.sys.Posix;
import io.jshim.daemon.sys.TestSys;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real daemon under a stand-in for systemd's notification socket. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DaemonNotifyTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final Posix posix = JnrPosix.load();
  private int receiver = -1;
  @TempDir
  Path dir;

  @AfterEach
  void close() {
    posix.closeQuietly(receiver);
  }

  private String receive() {
    return TestSys.receiveText(posix, receiver, TIMEOUT);
  }

  private static void assertAccepts(Path socket) throws IOException {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      assertThat(channel.connect(UnixDomainSocketAddress.of(socket))).as("connect to %s", socket).isTrue();
    }
  }

  @Test
  void start_withNotifySocket_sendsReadyWithMainPidThenStoppingAtClose() throws IOException {
    String notify = dir.resolve("notify").toString();
    receiver = TestSys.bindDatagram(posix, notify);
    ShimConfig config = new ShimConfig(dir.resolve("run/jshim.sock"), dir.resolve("state"), Privileged.helper(),
        Set.of(), Duration.ofSeconds(10), dir.resolve("logs"), Optional.of(dir.resolve("run/ttrpc.sock")),
        Optional.empty(), Optional.of(notify));

    try (ShimDaemon daemon = ShimDaemon.start(config)) {
      assertThat(receive()).isEqualTo("READY=1\nMAINPID=" + ProcessHandle.current().pid());
      assertAccepts(daemon.socket());
      assertAccepts(daemon.ttrpcSocket().orElseThrow());
    }

    assertThat(receive()).isEqualTo("STOPPING=1");
  }

  @Test
  void start_withNotifySocketNobodyListensOn_startsAnyway() throws IOException {
    ShimConfig config = new ShimConfig(dir.resolve("run/jshim.sock"), dir.resolve("state"), Privileged.helper(),
        Set.of(), Duration.ofSeconds(10), dir.resolve("logs"), Optional.empty(), Optional.empty(),
        Optional.of(dir.resolve("no-systemd-here").toString()));

    try (ShimDaemon daemon = ShimDaemon.start(config)) {
      assertAccepts(daemon.socket());
    }
  }
}
