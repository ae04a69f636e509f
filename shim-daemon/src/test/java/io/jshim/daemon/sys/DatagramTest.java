package io.jshim.daemon.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DatagramTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final Posix posix = JnrPosix.load();
  private final List<Integer> fds = new ArrayList<>();
  @TempDir
  Path dir;

  @AfterEach
  void close() {
    fds.forEach(posix::closeQuietly);
  }

  private int open(int fd) {
    fds.add(fd);
    return fd;
  }

  private String receive(int fd) {
    byte[] buf = new byte[256];
    Received received = posix.receive(fd, buf, 0, buf.length, TIMEOUT);
    return new String(buf, 0, received.length(), StandardCharsets.UTF_8);
  }

  @Test
  void datagramSocket_new_isCloseOnExec() {
    int fd = open(posix.datagramSocket());

    assertThat(TestSys.isCloseOnExec(fd)).isTrue();
  }

  @Test
  void sendTo_pathAddress_arrivesAsOneDatagram() {
    String address = dir.resolve("notify.sock").toString();
    int receiver = open(TestSys.bindDatagram(posix, address));
    int sender = open(posix.datagramSocket());

    posix.sendTo(sender, address, "A=1\nB=2".getBytes(StandardCharsets.UTF_8));
    posix.sendTo(sender, address, "C=3".getBytes(StandardCharsets.UTF_8));

    assertThat(receive(receiver)).isEqualTo("A=1\nB=2");
    assertThat(receive(receiver)).isEqualTo("C=3");
  }

  @Test
  void sendTo_abstractAddress_reachesTheAbstractName() {
    String address = "@jshim-test-" + UUID.randomUUID();
    int receiver = open(TestSys.bindDatagram(posix, address));
    int sender = open(posix.datagramSocket());

    posix.sendTo(sender, address, "READY=1".getBytes(StandardCharsets.UTF_8));

    assertThat(receive(receiver)).isEqualTo("READY=1");
  }

  @Test
  void sendTo_pathWithNoSocket_failsWithEnoent() {
    int sender = open(posix.datagramSocket());

    assertThatThrownBy(() -> posix.sendTo(sender, dir.resolve("absent.sock").toString(), new byte[] {1}))
        .isInstanceOfSatisfying(SysException.class, e -> assertThat(e.errno()).isEqualTo(Errnos.ENOENT))
        .hasMessageContaining("absent.sock");
  }

  @Test
  void sendTo_relativeAddress_isRefusedNamingTheForms() {
    int sender = open(posix.datagramSocket());

    assertThatThrownBy(() -> posix.sendTo(sender, "run/notify.sock", new byte[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'run/notify.sock'").hasMessageContaining("expected: an absolute path, or '@'");
  }

  @Test
  void sendTo_pathOf108Bytes_isRefusedAsTooLong() {
    int sender = open(posix.datagramSocket());
    String address = "/" + "x".repeat(107);

    assertThatThrownBy(() -> posix.sendTo(sender, address, new byte[] {1}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is 108 bytes (expected: at most 107)");
  }

  @Test
  void sendTo_abstractNameOf108Bytes_fits() {
    String address = "@" + UUID.randomUUID() + "y".repeat(107 - 36);
    int receiver = open(TestSys.bindDatagram(posix, address));
    int sender = open(posix.datagramSocket());

    posix.sendTo(sender, address, "X=1".getBytes(StandardCharsets.UTF_8));

    assertThat(receive(receiver)).isEqualTo("X=1");
  }
}
