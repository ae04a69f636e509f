package io.jshim.daemon.bench;

import io.jshim.daemon.DaemonFixture;
import io.jshim.daemon.Privileged;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Run-to-completion latency of containers in one daemon: create, start, wait and delete of
 * {@code jshim-testbin exit 0} in new pid, uts, ipc and mount namespaces, over the real Unix socket.
 * A benchmark, not a test: see docs/benchmarks.md for the command and the figures.
 *
 * <p>Arguments: containers per batch (default 50), batches (default 5), concurrency levels (default 1,10,50).
 */
public final class LifecycleBench {
  private LifecycleBench() {}

  public static void main(String[] args) throws Exception {
    if (!Privileged.isRoot()) {
      System.err.println("LifecycleBench needs root (namespaces)");
      System.exit(2);
    }
    int perBatch = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    int batches = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    String levels = args.length > 2 ? args[2] : "1,10,50";
    Path dir = Files.createTempDirectory("jshim-bench");
    try (DaemonFixture fixture = DaemonFixture.start(dir)) {
      Path bundle = fixture.bundle(Privileged.testbin().toString(), "exit", "0").namespaces("pid", "uts", "ipc", "mount").write();
      runLevel(fixture, bundle, 1, 20, "warm-up");
      System.out.printf("%-4s %8s %8s %8s %8s %10s  (ms; %d containers per batch, median of %d batches)%n",
          "C", "min", "median", "p99", "max", "per sec", perBatch, batches);
      for (String level : levels.split(",")) {
        int concurrency = Integer.parseInt(level.trim());
        List<double[]> results = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
          results.add(runLevel(fixture, bundle, concurrency, perBatch, "c" + concurrency + "b" + b));
        }
        double[] median = new double[5];
        for (int i = 0; i < 5; i++) {
          int index = i;
          List<Double> column = new ArrayList<>();
          results.forEach(r -> column.add(r[index]));
          Collections.sort(column);
          median[i] = column.get(column.size() / 2);
        }
        System.out.printf("%-4d %8.1f %8.1f %8.1f %8.1f %10.1f%n", concurrency, median[0], median[1], median[2], median[3], median[4]);
      }
      System.out.println("fork gate: " + fixture.daemon().gateStats());
    }
  }

  /** One batch: {min, median, p99, max, throughput}. */
  private static double[] runLevel(DaemonFixture fixture, Path bundle, int concurrency, int count, String prefix) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    AtomicInteger next = new AtomicInteger();
    List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
    long start = System.nanoTime();
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < concurrency; t++) {
      workers.add(pool.submit(() -> {
        for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
          long t0 = System.nanoTime();
          int status = fixture.run(prefix + "-" + i, bundle, Path.of("/dev/null"));
          latencies.add((System.nanoTime() - t0) / 1e6);
          if (status != 0) {
            throw new IllegalStateException("container " + i + " exited " + status + " (expected: 0)");
          }
        }
        return null;
      }));
    }
    for (Future<?> worker : workers) {
      worker.get();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    List<Double> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    return new double[] {sorted.get(0), sorted.get(sorted.size() / 2), sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1),
        sorted.get(sorted.size() - 1), count / seconds};
  }
}
