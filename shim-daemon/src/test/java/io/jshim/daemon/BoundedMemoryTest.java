package io.jshim.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.jshim.proto.task.v2.CreateTaskRequest;
import io.jshim.proto.task.v2.DeleteRequest;
import io.jshim.proto.task.v2.StartRequest;
import io.jshim.proto.task.v2.TaskGrpc;
import io.jshim.proto.task.v2.WaitRequest;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A container writing 1 GiB through the daemon's copy path (stdout FIFO plus a rotated container log) while the
 * daemon runs in its own JVM with a 64 MiB heap: its memory stays bounded, and every byte arrives.
 */
@Tag("privileged")
@Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BoundedMemoryTest {
  private static final long GIB = 1L << 30;

  @TempDir
  Path dir;

  @Test
  void oneGibOfOutput_daemonWithSmallHeap_rssStaysBoundedAndNothingIsLost() throws Exception {
    Privileged.assumeRoot();
    Path socket = dir.resolve("run/jshim.sock");
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Process daemon = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx64m", "-XX:MaxDirectMemorySize=16m", "-cp", System.getProperty("java.class.path"),
        "io.jshim.daemon.ShimMain", "--socket", socket.toString(), "--state-dir", dir.resolve("state").toString(),
        "--helper", Privileged.helper().toString(), "--log-root", logs.toString()))
        .redirectErrorStream(true).redirectOutput(dir.resolve("daemon.log").toFile()).start();
    ManagedChannel channel = null;
    try {
      awaitSocket(socket, daemon);
      channel = Grpc.newChannelBuilder("unix://" + socket, InsecureChannelCredentials.create()).build();
      TaskGrpc.TaskBlockingStub tasks = TaskGrpc.newBlockingStub(channel);
      Path out = Fifos.make(dir.resolve("out"));
      Path bundle = new DaemonFixture.BundleBuilder(dir.resolve("bundle"),
          List.of(Privileged.testbin().toString(), "flood", Long.toString(GIB)))
          .namespaces("pid")
          .customize(c -> c.putObject("annotations").put("io.jshim.log.path", logs.resolve("big.log").toString())
              .put("io.jshim.log.max-size", "1Mi").put("io.jshim.log.max-files", "2"))
          .write();
      tasks.create(CreateTaskRequest.newBuilder().setId("big").setBundle(bundle.toString()).setStdout(out.toString()).build());
      AtomicLong received = new AtomicLong();
      CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> drain(out, received));
      long rssBefore = rssKib(daemon.pid());
      long start = System.nanoTime();
      tasks.start(StartRequest.newBuilder().setId("big").build());
      CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
          () -> TaskGrpc.newBlockingStub(Grpc.newChannelBuilder("unix://" + socket, InsecureChannelCredentials.create()).build())
              .wait(WaitRequest.newBuilder().setId("big").build()).getExitStatus());
      long maxRss = rssBefore;
      while (!exit.isDone()) {
        maxRss = Math.max(maxRss, rssKib(daemon.pid()));
        Thread.sleep(100);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      reader.get(30, TimeUnit.SECONDS);
      tasks.delete(DeleteRequest.newBuilder().setId("big").build());

      System.out.printf("1 GiB through the daemon in %.1f s (%.0f MB/s); daemon RSS %d MiB before, %d MiB at most%n",
          seconds, GIB / 1e6 / seconds, rssBefore / 1024, maxRss / 1024);
      assertThat(exit.get()).isZero();
      assertThat(received.get()).isEqualTo(GIB);
      assertThat(maxRss - rssBefore).as("RSS growth in KiB while 1 GiB passed").isLessThan(128 * 1024);
      assertThat(Files.size(logs.resolve("big.log"))).isLessThanOrEqualTo(1 << 20);
    } finally {
      if (channel != null) {
        channel.shutdownNow();
      }
      daemon.destroy();
      daemon.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static void drain(Path fifo, AtomicLong received) {
    byte[] buf = new byte[1 << 16];
    try (InputStream in = new FileInputStream(fifo.toFile())) {
      int n;
      while ((n = in.read(buf)) > 0) {
        if (received.addAndGet(n) >= GIB) {
          return;
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long rssKib(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    throw new IllegalStateException("no VmRSS for pid " + pid);
  }

  private static void awaitSocket(Path socket, Process daemon) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(socket)) {
      if (!daemon.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("daemon did not come up (exit " + (daemon.isAlive() ? "none" : daemon.exitValue()) + ")");
      }
      Thread.sleep(50);
    }
  }
}
