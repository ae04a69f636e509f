package io.jshim.daemon.spawn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.jshim.daemon.Privileged;
import io.jshim.daemon.sys.JnrPosix;
import io.jshim.daemon.sys.Posix;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link NativeSpawner#run}: the helper's {@code --run} mode, a program run to completion and its end reported. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NativeSpawnerRunTest {
  private static final String SH = "/bin/sh";

  @TempDir
  Path dir;

  private Posix posix;
  private NativeSpawner spawner;

  @BeforeEach
  void setUp() {
    posix = JnrPosix.load();
    spawner = NativeSpawner.create(posix, ForkGate.create(), Privileged.helper(), Duration.ofSeconds(10));
  }

  @AfterEach
  void tearDown() {
    spawner.close();
  }

  private static ProgramRun sh(String script) {
    return sh(script, List.of(), Duration.ZERO);
  }

  private static ProgramRun sh(String script, List<Integer> fds, Duration timeout) {
    return new ProgramRun(SH, List.of("-c", script), List.of(), fds, Optional.empty(), timeout);
  }

  @Test
  void run_statusZero_returns() {
    spawner.run(sh("exit 0"));
  }

  @Test
  void run_nonZeroStatus_failsAtStageRunWithTheStatus() {
    SpawnException e = catchThrowableOfType(() -> spawner.run(sh("exit 3")), SpawnException.class);

    assertThat(e.stage()).isEqualTo(SpawnStage.RUN);
    assertThat(e.detail()).isEqualTo(SH + " exited with status 3");
    assertThat(e.kind()).isEqualTo(io.jshim.daemon.error.ErrorKind.FAILED_PRECONDITION);
  }

  @Test
  void run_killedBySignal_saysWhichSignal() {
    SpawnException e = catchThrowableOfType(() -> spawner.run(sh("kill -9 $$")), SpawnException.class);

    assertThat(e.stage()).isEqualTo(SpawnStage.RUN);
    assertThat(e.detail()).isEqualTo(SH + " was killed by signal 9");
  }

  @Test
  void run_pastItsTimeout_isKilledAndReported() {
    long start = System.nanoTime();
    SpawnException e = catchThrowableOfType(() -> spawner.run(sh("sleep 20", List.of(), Duration.ofSeconds(1))),
        SpawnException.class);

    assertThat(e.stage()).isEqualTo(SpawnStage.RUN);
    assertThat(e.detail()).isEqualTo(SH + " did not finish within 1 s and was killed");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void run_missingProgram_failsAtStageExec() {
    ProgramRun run = new ProgramRun(dir.resolve("none").toString(), List.of(), List.of(), List.of(), Optional.empty(),
        Duration.ZERO);

    SpawnException e = catchThrowableOfType(() -> spawner.run(run), SpawnException.class);

    assertThat(e.stage()).isEqualTo(SpawnStage.EXEC);
    assertThat(e.detail()).startsWith("execute " + dir.resolve("none")).contains("No such file or directory");
  }

  @Test
  void run_givenFds_areItsFdsFromFourOnAndTheSyncSocketIsClosed() {
    int[] first = posix.pipe();
    int[] second = posix.pipe();
    try {
      spawner.run(sh("[ -e /proc/$$/fd/3 ] && exit 9; echo one >&4; echo two >&5", List.of(first[1], second[1]),
          Duration.ZERO));
      posix.closeQuietly(first[1]);
      posix.closeQuietly(second[1]);

      assertThat(readAll(first[0])).isEqualTo("one\n");
      assertThat(readAll(second[0])).isEqualTo("two\n");
    } finally {
      for (int fd : new int[] {first[0], first[1], second[0], second[1]}) {
        posix.closeQuietly(fd);
      }
    }
  }

  @Test
  void run_bindSelf_makesTheDirectoryAMountPointOnlyForTheProgram() throws Exception {
    Privileged.assumeRoot();
    Path target = Files.createDirectory(dir.resolve("root"));
    Path seen = dir.resolve("seen");
    String script = "awk '$5 == \"" + target + "\"' /proc/self/mountinfo > " + seen;

    spawner.run(new ProgramRun(SH, List.of("-c", script), List.of(), List.of(), Optional.of(target.toString()),
        Duration.ZERO));

    assertThat(Files.readString(seen)).as("a mount at " + target + " inside").isNotBlank();
    assertThat(Files.readAllLines(Path.of("/proc/self/mountinfo")))
        .as("no mount left in the daemon's namespace").noneMatch(l -> l.split(" ")[4].equals(target.toString()));
  }

  @Test
  void run_relativeBindSelf_isRefusedByTheHelper() {
    ProgramRun run = new ProgramRun(SH, List.of("-c", "exit 0"), List.of(), List.of(), Optional.of("relative"),
        Duration.ZERO);

    assertThatThrownBy(() -> spawner.run(run)).isInstanceOfSatisfying(SpawnException.class, e -> {
      assertThat(e.stage()).isEqualTo(SpawnStage.ARGS);
      assertThat(e.detail()).contains("--bind-self \"relative\": expected an absolute path");
    });
  }

  private String readAll(int fd) {
    StringBuilder out = new StringBuilder();
    byte[] buf = new byte[256];
    int n;
    while ((n = posix.read(fd, buf, 0, buf.length, Duration.ofSeconds(5))) > 0) {
      out.append(new String(buf, 0, n, StandardCharsets.UTF_8));
    }
    return out.toString();
  }
}
