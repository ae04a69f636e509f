package io.jshim.bench.runtime;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.jshim.proto.v1.DaemonStatusGrpc;
import io.jshim.proto.v1.GetStatusRequest;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The jshim daemon under test: started by the project's launcher {@code bin/jshim-daemon} (which exec's the JVM, so
 * the spawned pid is the daemon's), or one already listening on a socket. Keeps one channel (one connection) per
 * client thread.
 */
final class JshimDaemon implements AutoCloseable {
  private final Spawner spawner;
  private final Path socket;
  private final int pid;
  private final boolean ours;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private boolean stopped;

  private JshimDaemon(Spawner spawner, Path socket, int pid, boolean ours) {
    this.spawner = spawner;
    this.socket = socket;
    this.pid = pid;
    this.ours = ours;
  }

  /**
   * Starts {@code launcher --socket DIR/jshim.sock --state-dir DIR/state --log-root DIR/logs} with
   * {@code JSHIM_EXTRA_JAVA_OPTS} set to {@code extraJavaOpts} (if not blank), its output to DIR/daemon.log, and
   * waits until it accepts connections.
   */
  static JshimDaemon launch(Spawner spawner, Path launcher, Path dir, String extraJavaOpts) throws IOException, InterruptedException {
    Files.createDirectories(dir.resolve("logs"));
    Path socket = dir.resolve("jshim.sock");
    Path log = dir.resolve("daemon.log");
    Map<String, String> env = new HashMap<>(System.getenv());
    if (!extraJavaOpts.isBlank()) {
      env.put("JSHIM_EXTRA_JAVA_OPTS", extraJavaOpts);
    }
    int pid = spawner.spawn(List.of(launcher.toString(), "--socket", socket.toString(), "--state-dir", dir.resolve("state").toString(),
        "--log-root", dir.resolve("logs").toString()), env, log.toString(), log.toString(), true);
    JshimDaemon daemon = new JshimDaemon(spawner, socket, pid, true);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!daemon.accepts()) {
      int status = spawner.poll(pid);
      if (status != -1) {
        daemon.stopped = true;
        throw new IllegalStateException("the daemon " + Spawner.describe(status) + " before it listened on " + socket
            + "; its log: " + log + "\n" + tail(log));
      }
      if (System.nanoTime() > deadline) {
        daemon.close();
        throw new IllegalStateException("the daemon (pid " + pid + ") did not listen on " + socket + " within 60 s; its log: " + log);
      }
      Thread.sleep(5);
    }
    return daemon;
  }

  /** A daemon someone else started, listening on {@code socket}; {@code pid} 0 means: the owner of the socket. */
  static JshimDaemon attach(Spawner spawner, Path socket, int pid) throws IOException {
    int owner = pid > 0 ? pid : ownerOf(socket.toAbsolutePath());
    return new JshimDaemon(spawner, socket.toAbsolutePath(), owner, false);
  }

  int pid() {
    return pid;
  }

  Path socket() {
    return socket;
  }

  boolean ours() {
    return ours;
  }

  /** The channel of client thread {@code thread}, made (and connected, by one status call) on first use. */
  synchronized ManagedChannel channel(int thread) {
    while (channels.size() <= thread) {
      ManagedChannel channel = Grpc.newChannelBuilder("unix://" + socket, InsecureChannelCredentials.create()).build();
      DaemonStatusGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS).get(GetStatusRequest.getDefaultInstance());
      channels.add(channel);
    }
    return channels.get(thread);
  }

  /** Makes the channels of {@code threads} client threads now, outside any timed batch. */
  void connect(int threads) {
    channel(threads - 1);
  }

  /** Closes the channels; stops the daemon if this harness started it (SIGTERM, SIGKILL after 30 s), and reaps it. */
  @Override
  public synchronized void close() throws InterruptedException {
    channels.forEach(ManagedChannel::shutdownNow);
    channels.clear();
    if (!ours || stopped) {
      return;
    }
    stopped = true;
    spawner.signal(pid, Spawner.SIGTERM);
    if (spawner.waitFor(pid, Duration.ofSeconds(30)) == -1) {
      spawner.signal(pid, Spawner.SIGKILL);
      spawner.waitFor(pid);
    }
  }

  private boolean accepts() {
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      probe.connect(UnixDomainSocketAddress.of(socket));
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }

  /** The pid holding the listening Unix socket bound at {@code socket} (from /proc/net/unix and /proc/PID/fd). */
  static int ownerOf(Path socket) throws IOException {
    List<String> inodes = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc/net/unix"))) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 8 && f[7].equals(socket.toString()) && f[3].equals("00010000")) {
        inodes.add("socket:[" + f[6] + "]");
      }
    }
    if (inodes.isEmpty()) {
      throw new IllegalArgumentException("no process listens on " + socket + " (expected: a running jshim daemon; or give --daemon-pid)");
    }
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
        try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
          for (Path fd : fds.toList()) {
            try {
              if (inodes.contains(Files.readSymbolicLink(fd).toString())) {
                return Integer.parseInt(proc.getFileName().toString());
              }
            } catch (IOException gone) {
              // the fd closed meanwhile
            }
          }
        } catch (IOException gone) {
          // the process ended meanwhile
        }
      }
    }
    throw new IllegalArgumentException("no process holds the socket " + socket + " (give --daemon-pid)");
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }
}
