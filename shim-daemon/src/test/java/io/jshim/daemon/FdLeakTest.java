package io.jshim.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Containers must see only fds 0, 1 and 2 even while the daemon's JVM is busy creating fds that are
 * not close-on-exec (java.io files, NIO sockets and pipes): the helper and the workload sweep them.
 */
@Tag("privileged")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FdLeakTest {
  private static final int CONTAINERS = 60;
  private static final int SPAWNERS = 6;

  @TempDir
  Path dir;

  @Test
  void spawn_whileTheJvmChurnsFilesSocketsAndPipes_containersSeeOnlyZeroOneTwo() throws Exception {
    Privileged.assumeRoot();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong churned = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(3 + SPAWNERS);
    try (DaemonFixture fixture = DaemonFixture.start(dir);
        ServerSocketChannel listener = ServerSocketChannel.open()) {
      listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      Path bundle = fixture.bundle(Privileged.testbin().toString(), "fds").namespaces("pid", "mount").write();
      List<Future<?>> churners = List.of(
          pool.submit(() -> churn(stop, churned, () -> new FileInputStream("/dev/null").close())),
          pool.submit(() -> churn(stop, churned, () -> {
            try (SocketChannel client = SocketChannel.open(listener.getLocalAddress());
                SocketChannel accepted = listener.accept()) {
              client.isConnected();
              accepted.isConnected();
            }
          })),
          pool.submit(() -> churn(stop, churned, () -> {
            Pipe pipe = Pipe.open();
            pipe.sink().close();
            pipe.source().close();
          })));

      List<Future<List<String>>> spawns = new ArrayList<>();
      for (int s = 0; s < SPAWNERS; s++) {
        int first = s;
        spawns.add(pool.submit(() -> {
          List<String> bad = new ArrayList<>();
          for (int i = first; i < CONTAINERS; i += SPAWNERS) {
            Path out = dir.resolve("fds-" + i);
            int status = fixture.run("leak-" + i, bundle, out);
            List<String> fds = Files.readAllLines(out);
            if (status != 0 || !fds.equals(List.of("0", "1", "2"))) {
              bad.add("container " + i + ": status " + status + ", fds " + fds);
            }
          }
          return bad;
        }));
      }

      List<String> failures = new ArrayList<>();
      for (Future<List<String>> spawn : spawns) {
        failures.addAll(spawn.get(100, TimeUnit.SECONDS));
      }
      stop.set(true);
      for (Future<?> churner : churners) {
        churner.get(10, TimeUnit.SECONDS);
      }

      assertThat(churned.get()).as("fds created meanwhile").isGreaterThan(CONTAINERS);
      assertThat(failures).isEmpty();
    } finally {
      stop.set(true);
      pool.shutdownNow();
    }
  }

  private interface FdOp {
    void run() throws IOException;
  }

  private static Void churn(AtomicBoolean stop, AtomicLong count, FdOp op) throws IOException {
    while (!stop.get()) {
      op.run();
      count.incrementAndGet();
    }
    return null;
  }
}
