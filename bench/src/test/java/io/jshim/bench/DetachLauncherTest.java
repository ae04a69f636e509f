package io.jshim.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.jshim.proto.v1.DaemonStatusGrpc;
import io.jshim.proto.v1.GetStatusRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/jshim-daemon --detach}: the daemon leaves its caller's session and process group, has /dev/null as
 * stdin and the log file as stdout and stderr, outlives its parent, and the launcher returns only once the socket
 * listens, printing nothing on stdout; a daemon that cannot start makes the launcher fail. Runs in the bench module
 * because the launcher needs shim-daemon's packaged jar and target/lib, which exist only after its package phase.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@SuppressForbidden(reason = "runs the launcher script as a user would; no daemon code runs in this JVM")
class DetachLauncherTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path LAUNCHER = ROOT.resolve("bin/jshim-daemon");

  @TempDir
  Path dir;

  @Test
  void detach_daemonOutlivesItsParent_inItsOwnSession_withDevNullAndTheLogFile() throws Exception {
    assumeLauncherReady();
    Path socket = dir.resolve("run/d.sock");
    Path state = dir.resolve("state");
    Files.createDirectories(dir.resolve("logs"));
    // the parent: a shell that runs the launcher, records its outcome, then waits to be killed
    ProcessBuilder builder = new ProcessBuilder("bash", "-c",
        "\"$@\" >\"$OUT\" 2>\"$ERR\"; echo $? >\"$RC\"; exec sleep 600", "parent",
        LAUNCHER.toString(), "--detach", "--socket", socket.toString(), "--state-dir", state.toString(),
        "--log-root", dir.resolve("logs").toString(), "--oom-score-adj", "500")
        .redirectErrorStream(true).redirectOutput(dir.resolve("parent.out").toFile());
    builder.environment().put("OUT", dir.resolve("out").toString());
    builder.environment().put("ERR", dir.resolve("err").toString());
    builder.environment().put("RC", dir.resolve("rc").toString());
    Process parent = builder.start();
    Long daemonPid = null;
    try {
      Path rc = dir.resolve("rc");
      while (!Files.exists(rc) || Files.readString(rc).isBlank()) {
        assertThat(parent.isAlive()).as("parent shell alive").isTrue();
        Thread.sleep(20);
      }
      assertThat(Files.readString(rc).strip()).as("launcher exit; stderr: " + Files.readString(dir.resolve("err"))).isEqualTo("0");
      assertThat(Files.readString(dir.resolve("out"))).as("launcher stdout").isEmpty();
      daemonPid = findDaemon(socket).orElseThrow(() -> new AssertionError("no daemon process for " + socket));
      long[] parentIds = sessionAndGroup(parent.pid());

      // the socket listens as soon as the launcher returns
      assertThat(status(socket)).isTrue();

      parent.destroyForcibly();
      parent.waitFor(10, TimeUnit.SECONDS);
      Thread.sleep(200);

      assertThat(ProcessHandle.of(daemonPid).map(ProcessHandle::isAlive)).as("daemon alive after its parent died").contains(true);
      assertThat(status(socket)).as("daemon answers after its parent died").isTrue();
      long[] ids = sessionAndGroup(daemonPid);
      assertThat(ids[0]).as("session").isEqualTo(daemonPid).isNotEqualTo(parentIds[0]);
      assertThat(ids[1]).as("process group").isEqualTo(daemonPid).isNotEqualTo(parentIds[1]);
      Path log = state.resolve("daemon.log");
      assertThat(Files.readSymbolicLink(Path.of("/proc/" + daemonPid + "/fd/0"))).isEqualTo(Path.of("/dev/null"));
      assertThat(Files.readSymbolicLink(Path.of("/proc/" + daemonPid + "/fd/1"))).isEqualTo(log);
      assertThat(Files.readSymbolicLink(Path.of("/proc/" + daemonPid + "/fd/2"))).isEqualTo(log);
      assertThat(Files.readString(log)).contains("serving containerd.task.v2.Task");
      assertThat(Files.readString(Path.of("/proc/" + daemonPid + "/oom_score_adj")).strip()).isEqualTo("500");
    } finally {
      parent.destroyForcibly();
      if (daemonPid != null) {
        ProcessHandle.of(daemonPid).ifPresent(ProcessHandle::destroy);
        for (int i = 0; i < 200 && ProcessHandle.of(daemonPid).map(ProcessHandle::isAlive).orElse(false); i++) {
          Thread.sleep(50);
        }
      }
    }
  }

  @Test
  void detach_daemonThatCannotStart_launcherFailsWithItsMessage() throws Exception {
    assumeLauncherReady();
    Process launcher = new ProcessBuilder(LAUNCHER.toString(), "--detach", "--log-file", dir.resolve("d.log").toString(),
        "--socket", dir.resolve("run/d.sock").toString(), "--state-dir", dir.resolve("state").toString(),
        "--oom-score-adj", "1001")
        .redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile()).start();
    assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String err = Files.readString(dir.resolve("err"));
    assertThat(launcher.exitValue()).as(err).isEqualTo(1);
    assertThat(Files.readString(dir.resolve("out"))).isEmpty();
    assertThat(err).contains("the daemon exited (status 2) before it listened").contains("out of range -1000..1000");
  }

  private static void assumeLauncherReady() throws IOException {
    Path target = ROOT.resolve("shim-daemon/target");
    boolean jar;
    try (Stream<Path> files = Files.list(target)) {
      jar = files.anyMatch(p -> p.getFileName().toString().matches("jshim-daemon-.*\\.jar"));
    } catch (IOException e) {
      jar = false;
    }
    assumeTrue(jar && Files.isDirectory(target.resolve("lib"))
        && Files.isExecutable(ROOT.resolve("native/target/native/jshim-spawn")), "shim-daemon is not packaged");
  }

  private static boolean status(Path socket) {
    ManagedChannel channel = Grpc.newChannelBuilder("unix://" + socket, InsecureChannelCredentials.create()).build();
    try {
      DaemonStatusGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).get(GetStatusRequest.getDefaultInstance());
      return true;
    } finally {
      channel.shutdownNow();
    }
  }

  /** Session id and process group id from /proc/PID/stat (fields 6 and 5). */
  private static long[] sessionAndGroup(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return new long[] {Long.parseLong(fields[3]), Long.parseLong(fields[2])};
  }

  private static Optional<Long> findDaemon(Path socket) throws IOException {
    List<Long> found = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
          if (cmdline.contains("io.jshim.daemon.ShimMain") && cmdline.contains(socket.toString())) {
            found.add(Long.parseLong(name));
          }
        } catch (IOException gone) {
          // exited meanwhile
        }
      }
    }
    return found.stream().findFirst();
  }
}
