package io.jshim.daemon.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.daemon.DaemonFixture;
import io.jshim.daemon.PeerProbe;
import io.jshim.daemon.Privileged;
import io.jshim.proto.task.v2.ConnectRequest;
import io.jshim.proto.task.v2.CreateTaskRequest;
import io.jshim.proto.task.v2.DeleteRequest;
import io.jshim.proto.task.v2.StartRequest;
import io.jshim.proto.task.v2.TaskGrpc;
import io.jshim.proto.task.v2.WaitRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's boundaries, checked on a daemon in its own JVM with both endpoints: other uids are refused, a
 * container inherits only its stdio, cannot see the daemon's sockets, and the daemon holds no abstract socket.
 */
@Tag("privileged")
@Tag("stress")
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SecurityTest {
  private static final int NOBODY = 65534;

  @TempDir
  Path dir;

  private ExternalDaemon daemon;
  private TaskGrpc.TaskBlockingStub tasks;

  @BeforeEach
  void startDaemon() throws Exception {
    Privileged.assumeRoot();
    daemon = ExternalDaemon.start(dir.resolve("daemon"), true);
    tasks = daemon.stub();
  }

  @AfterEach
  void stopDaemon() throws InterruptedException {
    if (daemon != null) {
      daemon.close();
    }
  }

  @Test
  void connect_fromAnotherUidThroughAnOpenSocket_permissionDenied() throws Exception {
    PeerProbe.openToEveryone(daemon.socket(), dir);

    String answer = PeerProbe.runAs(NOBODY, daemon.socket(), dir);

    assertThat(answer).startsWith("PERMISSION_DENIED").contains("uid " + NOBODY);
    assertThat(tasks.connect(ConnectRequest.getDefaultInstance()).getShimPid()).as("root still served").isEqualTo(daemon.pid());
  }

  @Test
  void container_ownRootAndNamespaces_inheritsOnlyStdio() throws Exception {
    Path out = dir.resolve("fdlinks.out");
    Path bundle = containerBundle("fdlinks", "/bin/jshim-testbin", "fdlinks");

    assertThat(run("fdlinks", bundle, out)).isZero();

    List<String> fds = Files.readAllLines(out);
    assertThat(fds).as("the container's fds").hasSize(3);
    assertThat(fds.get(0)).startsWith("0 -> ");
    assertThat(fds.get(1)).startsWith("1 -> ");
    assertThat(fds.get(2)).startsWith("2 -> ");
  }

  @Test
  void container_ownRootAndMountNamespace_cannotReachTheDaemonSockets() throws Exception {
    for (Path socket : List.of(daemon.socket(), daemon.ttrpcSocket())) {
      Path hostView = dir.resolve("host-" + socket.getFileName());
      Path inside = dir.resolve("inside-" + socket.getFileName());
      // the same probe without a root of its own sees the socket: the probe itself works
      Path onHost = new DaemonFixture.BundleBuilder(dir.resolve("bundle-host-" + socket.getFileName()),
          List.of(Privileged.testbin().toString(), "stat", socket.toString())).namespaces("pid").write();
      Path contained = containerBundle("inside-" + socket.getFileName(), "/bin/jshim-testbin", "stat", socket.toString());

      assertThat(run("host-probe", onHost, hostView)).isZero();
      assertThat(Files.readString(hostView)).startsWith("socket ");
      assertThat(run("inside-probe", contained, inside)).as("stat of %s inside the container", socket).isNotZero();
      assertThat(Files.readString(inside)).contains("No such file or directory");
    }
  }

  @Test
  void daemon_afterALifecycle_holdsNoAbstractUnixSocket() throws Exception {
    assertThat(run("one", containerBundle("one", "/bin/jshim-testbin", "exit", "0"), dir.resolve("one.out"))).isZero();
    Set<Long> inodes = new ProcView(daemon.pid()).socketInodes();

    List<String[]> unix = Files.readAllLines(Path.of("/proc", Long.toString(daemon.pid()), "net/unix")).stream().skip(1)
        .map(l -> l.trim().split("\\s+")).filter(f -> inodes.contains(Long.parseLong(f[6]))).toList();
    List<String> paths = unix.stream().filter(f -> f.length > 7).map(f -> f[7]).toList();

    assertThat(paths).as("bound names of the daemon's sockets").contains(daemon.socket().toString(), daemon.ttrpcSocket().toString());
    assertThat(paths).as("abstract names among them").noneMatch(p -> p.startsWith("@"));
  }

  private Path containerBundle(String name, String... args) throws Exception {
    return new DaemonFixture.BundleBuilder(dir.resolve("bundle-" + name), List.of(args)).namespaces("pid", "uts", "ipc", "mount")
        .testRootfs().write();
  }

  // stdout and stderr both to out, so that a probe's complaint is read with its answer
  private int run(String id, Path bundle, Path out) {
    tasks.create(CreateTaskRequest.newBuilder().setId(id).setBundle(bundle.toString()).setStdout(out.toString())
        .setStderr(out.toString()).build());
    tasks.start(StartRequest.newBuilder().setId(id).build());
    int status = tasks.wait(WaitRequest.newBuilder().setId(id).build()).getExitStatus();
    tasks.delete(DeleteRequest.newBuilder().setId(id).build());
    return status;
  }
}
