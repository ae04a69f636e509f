package io.jshim.daemon.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jshim.daemon.DaemonFixture;
import io.jshim.daemon.PeerProbe;
import io.jshim.daemon.Privileged;
import io.jshim.proto.task.v2.ConnectRequest;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Who may reach the socket: file modes, peer credentials, and socket-path ownership. */
@Tag("privileged")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SocketSecurityTest {
  private static final int NOBODY = 65534;

  @TempDir
  Path dir;

  @Test
  void start_freshPath_socketIs0600InA0700Directory() throws IOException {
    Privileged.assumeRoot();
    try (DaemonFixture fixture = DaemonFixture.start(dir)) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fixture.socket()))).isEqualTo("rw-------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fixture.socket().getParent()))).isEqualTo("rwx------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("state")))).isEqualTo("rwx------");
    }
  }

  @Test
  void call_fromAnotherUid_permissionDenied() throws Exception {
    Privileged.assumeRoot();
    try (DaemonFixture fixture = DaemonFixture.start(dir)) {
      openSocketToEveryone(fixture.socket());

      String answer = runProbeAs(NOBODY, fixture.socket());

      assertThat(answer).startsWith("PERMISSION_DENIED").contains("uid " + NOBODY);
      assertThat(fixture.stub().connect(ConnectRequest.getDefaultInstance()).getShimPid()).as("root still served").isPositive();
    }
  }

  @Test
  void call_fromAnAllowedUid_served() throws Exception {
    Privileged.assumeRoot();
    try (DaemonFixture fixture = DaemonFixture.start(dir, Set.of(NOBODY))) {
      openSocketToEveryone(fixture.socket());

      assertThat(runProbeAs(NOBODY, fixture.socket())).isEqualTo("OK");
    }
  }

  @Test
  void start_socketHeldByALiveServer_refusesToStart() throws IOException {
    Privileged.assumeRoot();
    Path socket = dir.resolve("run/jshim.sock");
    Files.createDirectories(socket.getParent());
    try (ServerSocketChannel other = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      other.bind(UnixDomainSocketAddress.of(socket));

      assertThatThrownBy(() -> DaemonFixture.start(dir)).isInstanceOf(IllegalStateException.class).hasMessageContaining("in use");
    }
  }

  @Test
  void start_staleSocketFile_removesItAndServes() throws IOException {
    Privileged.assumeRoot();
    Path socket = dir.resolve("run/jshim.sock");
    Files.createDirectories(socket.getParent());
    try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      dead.bind(UnixDomainSocketAddress.of(socket));
    }
    assertThat(socket).exists();

    try (DaemonFixture fixture = DaemonFixture.start(dir)) {
      assertThat(fixture.stub().connect(ConnectRequest.getDefaultInstance()).getShimPid()).isPositive();
    }
  }

  /** Loosens the modes so that another uid can connect at all; the peer check must still refuse it. */
  private void openSocketToEveryone(Path socket) throws IOException {
    PeerProbe.openToEveryone(socket, dir);
  }

  private String runProbeAs(int uid, Path socket) throws Exception {
    return PeerProbe.runAs(uid, socket, dir);
  }
}
