package io.jshim.daemon.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jshim.daemon.Privileged;
import io.jshim.daemon.error.ErrorKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** bpf(2) for device filters on a real cgroup2 directory: attach, replace, the verifier's word, no fd left open. */
@Tag("privileged")
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DeviceProgramsTest {
  // r0 = 1; exit
  private static final byte[] ALLOW = {(byte) 0xb7, 0, 0, 0, 1, 0, 0, 0, (byte) 0x95, 0, 0, 0, 0, 0, 0, 0};
  // exit with r0 never set: the verifier refuses it
  private static final byte[] BROKEN = {(byte) 0x95, 0, 0, 0, 0, 0, 0, 0};

  private final DevicePrograms programs = JnrPosix.load().devicePrograms();
  private Path dir;

  @BeforeEach
  void makeCgroup() throws IOException {
    Privileged.assumeRoot();
    // the mount point is field 5 of a cgroup2 line of mountinfo: /sys/fs/cgroup/unified on a hybrid host
    Optional<Path> cgroup2 = Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
        .filter(l -> l.contains(" - cgroup2 ")).map(l -> Path.of(l.split(" ")[4])).findFirst();
    assumeTrue(cgroup2.isPresent(), "needs a cgroup2 mount");
    dir = Files.createDirectory(cgroup2.get().resolve("jshim-test-i15-bpf-" + UUID.randomUUID().toString().substring(0, 8)));
  }

  @AfterEach
  void removeCgroup() throws IOException {
    if (dir != null) {
      Files.deleteIfExists(dir);
    }
  }

  @Test
  void replace_twice_exactlyOneProgramAttachedAndNoFdLeft() throws IOException {
    long fdsBefore = openFds();

    programs.replace(dir, ALLOW, "Apache-2.0");
    int first = programs.attached(dir).get(0);
    programs.replace(dir, ALLOW, "Apache-2.0");

    assertThat(programs.attached(dir)).hasSize(1).doesNotContain(first);
    assertThat(openFds()).isEqualTo(fdsBefore);
  }

  @Test
  void attached_freshCgroup_isEmpty() {
    assertThat(programs.attached(dir)).isEmpty();
  }

  @Test
  void replace_programTheVerifierRefuses_invalidArgumentWithItsLogAndTheOldProgramKept() throws IOException {
    programs.replace(dir, ALLOW, "Apache-2.0");
    long fdsBefore = openFds();

    assertThatThrownBy(() -> programs.replace(dir, BROKEN, "Apache-2.0"))
        .isInstanceOfSatisfying(SysException.class, e -> {
          assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
          assertThat(e.getMessage()).contains("BPF_PROG_LOAD", "verifier: ", "R0");
        });
    assertThat(programs.attached(dir)).hasSize(1);
    assertThat(openFds()).isEqualTo(fdsBefore);
  }

  @Test
  void replace_notACgroup_failsNamingTheCall() {
    assertThatThrownBy(() -> programs.replace(Path.of("/tmp"), ALLOW, "Apache-2.0"))
        .isInstanceOf(SysException.class).hasMessageContaining("/tmp");
  }

  private static long openFds() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }
}
