package io.jshim.daemon.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A daemon started through the launcher {@code bin/jshim-daemon} as its own process (so the launcher's JVM flags
 * apply), for the start-up benchmark and the class-data training run. The caller's JVM is the client: its own
 * start is never counted.
 */
final class LaunchedDaemon implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  final Process process;
  final Path dir;
  final Path socket;
  /** Nanoseconds from just before the launcher's exec to the socket accepting a connection. */
  long acceptNanos;
  /** Nanoseconds from just before the launcher's exec to the first answered RPC (DaemonStatus.Get). */
  long firstRpcNanos;
  private ManagedChannel channel;

  private LaunchedDaemon(Process process, Path dir, Path socket) {
    this.process = process;
    this.dir = dir;
    this.socket = socket;
  }

  /** Starts {@code launcher} with {@code env} added, in a fresh directory below {@code dir}, and waits for its first RPC. */
  static LaunchedDaemon start(Path launcher, Map<String, String> env, Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir.resolve("logs"));
    Path socket = dir.resolve("jshim.sock");
    List<String> argv = new ArrayList<>(List.of(launcher.toString(), "--socket", socket.toString(),
        "--state-dir", dir.resolve("state").toString(), "--log-root", dir.resolve("logs").toString()));
    ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true)
        .redirectOutput(dir.resolve("daemon.log").toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    builder.environment().putAll(env);
    long t0 = System.nanoTime();
    Process process = builder.start();
    LaunchedDaemon daemon = new LaunchedDaemon(process, dir, socket);
    try {
      daemon.awaitAccept(t0);
      daemon.channel = Grpc.newChannelBuilder("unix://" + socket, InsecureChannelCredentials.create()).build();
      DaemonStatusGrpc.newBlockingStub(daemon.channel).withDeadlineAfter(30, TimeUnit.SECONDS)
          .get(GetStatusRequest.getDefaultInstance());
      daemon.firstRpcNanos = System.nanoTime() - t0;
    } catch (IOException | RuntimeException | InterruptedException e) {
      daemon.close();
      throw e;
    }
    return daemon;
  }

  private void awaitAccept(long t0) throws IOException, InterruptedException {
    long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
    UnixDomainSocketAddress address = UnixDomainSocketAddress.of(socket);
    while (true) {
      try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        probe.connect(address);
        acceptNanos = System.nanoTime() - t0;
        return;
      } catch (IOException notYet) {
        if (!process.isAlive()) {
          throw new IOException("daemon exited with " + process.exitValue() + ": " + Files.readString(dir.resolve("daemon.log")));
        }
        if (System.nanoTime() > deadline) {
          throw new IOException("daemon did not listen within 60 s: " + Files.readString(dir.resolve("daemon.log")));
        }
        Thread.sleep(0, 250_000);
      }
    }
  }

  ManagedChannel channel() {
    return channel;
  }

  long pid() {
    return process.pid();
  }

  /** Rss and Pss of the daemon in KiB, from /proc/PID/smaps_rollup. */
  long[] rssPssKib() throws IOException {
    long rss = -1;
    long pss = -1;
    for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/smaps_rollup"))) {
      if (line.startsWith("Rss:")) {
        rss = Long.parseLong(line.replaceAll("\\D", ""));
      } else if (line.startsWith("Pss:")) {
        pss = Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return new long[] {rss, pss};
  }

  /** A bundle running {@code args} on the host's root in new pid, uts, ipc and mount namespaces. */
  static Path bundle(Path dir, List<String> args) throws IOException {
    ObjectNode config = JSON.createObjectNode();
    config.put("ociVersion", "1.0.2");
    ObjectNode process = config.putObject("process");
    ArrayNode argv = process.putArray("args");
    args.forEach(argv::add);
    process.putArray("env").add("PATH=/usr/sbin:/usr/bin:/sbin:/bin");
    process.put("cwd", "/");
    ArrayNode namespaces = config.putObject("linux").putArray("namespaces");
    for (String type : List.of("pid", "uts", "ipc", "mount")) {
      namespaces.addObject().put("type", type);
    }
    Files.createDirectories(dir);
    JSON.writeValue(dir.resolve("config.json").toFile(), config);
    return dir;
  }

  /** Stops the daemon with SIGTERM (SIGKILL after 20 s). */
  @Override
  public void close() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow();
    }
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
