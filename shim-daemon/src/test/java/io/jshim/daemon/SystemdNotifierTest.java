package io.jshim.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.daemon.sys.JnrPosix;
import io.jshim.daemon.sys.Posix;
import io.jshim.daemon.sys.TestSys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SystemdNotifierTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

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

  @Test
  void ready_pathSocket_sendsReadyAndMainPidInOneDatagram() {
    String socket = dir.resolve("notify").toString();
    receiver = TestSys.bindDatagram(posix, socket);

    boolean sent = new SystemdNotifier(posix, Optional.of(socket)).ready(4242);

    assertThat(sent).isTrue();
    assertThat(receive()).isEqualTo("READY=1\nMAINPID=4242");
  }

  @Test
  void ready_abstractSocket_sendsToTheAbstractName() {
    String socket = "@jshim-notify-" + UUID.randomUUID();
    receiver = TestSys.bindDatagram(posix, socket);

    new SystemdNotifier(posix, Optional.of(socket)).ready(7);

    assertThat(receive()).isEqualTo("READY=1\nMAINPID=7");
  }

  @Test
  void stopping_socketSet_sendsStopping() {
    String socket = dir.resolve("notify").toString();
    receiver = TestSys.bindDatagram(posix, socket);

    new SystemdNotifier(posix, Optional.of(socket)).stopping();

    assertThat(receive()).isEqualTo("STOPPING=1");
  }

  @Test
  void ready_noSocket_sendsNothing() {
    assertThat(new SystemdNotifier(posix, Optional.empty()).ready(1)).isFalse();
    assertThat(new SystemdNotifier(posix, Optional.of("")).ready(1)).isFalse();
  }

  @Test
  void ready_nothingListening_returnsFalseWithoutThrowing() {
    SystemdNotifier notifier = new SystemdNotifier(posix, Optional.of(dir.resolve("absent").toString()));

    assertThat(notifier.ready(1)).isFalse();
  }

  @Test
  void ready_relativeSocket_returnsFalseWithoutThrowing() {
    assertThat(new SystemdNotifier(posix, Optional.of("notify.sock")).ready(1)).isFalse();
  }

  @Test
  void socketFromEnvironment_execPidIsThisProcess_usesTheSocket() {
    Map<String, String> env = Map.of("NOTIFY_SOCKET", "/run/systemd/notify", "SYSTEMD_EXEC_PID", "123");

    assertThat(SystemdNotifier.socketFromEnvironment(env, 123)).contains("/run/systemd/notify");
  }

  @Test
  void socketFromEnvironment_execPidIsAnotherProcess_ignoresTheInheritedSocket() {
    Map<String, String> env = Map.of("NOTIFY_SOCKET", "/run/systemd/notify", "SYSTEMD_EXEC_PID", "99");

    assertThat(SystemdNotifier.socketFromEnvironment(env, 123)).isEmpty();
  }

  @Test
  void socketFromEnvironment_noExecPid_usesTheSocket() {
    assertThat(SystemdNotifier.socketFromEnvironment(Map.of("NOTIFY_SOCKET", "@notify"), 123)).contains("@notify");
  }

  @Test
  void socketFromEnvironment_unsetOrEmpty_isEmpty() {
    assertThat(SystemdNotifier.socketFromEnvironment(Map.of(), 1)).isEmpty();
    assertThat(SystemdNotifier.socketFromEnvironment(Map.of("NOTIFY_SOCKET", ""), 1)).isEmpty();
  }
}
