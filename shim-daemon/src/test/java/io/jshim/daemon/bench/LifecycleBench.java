package io.jshim.daemon.bench;

import io.jshim.daemon.DaemonFixture;
import io.jshim.daemon.Privileged;
import io.jshim.proto.task.v2.CreateTaskRequest;
import io.jshim.proto.task.v2.DeleteRequest;
import io.jshim.proto.task.v2.StartRequest;
import io.jshim.proto.task.v2.WaitRequest;
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
      phases(fixture, bundle, perBatch);
      System.out.println("fork gate: " + fixture.daemon().gateStats());
    }
  }

  /** Where one sequential lifecycle spends its time: the median of each RPC's latency. */
  private static void phases(DaemonFixture fixture, Path bundle, int count) {
    var tasks = fixture.stub();
    double[][] ms = new double[4][count];
    for (int i = 0; i < count; i++) {
      String id = "phase-" + i;
      long t0 = System.nanoTime();
      tasks.create(CreateTaskRequest.newBuilder().setId(id).setBundle(bundle.toString()).build());
      long t1 = System.nanoTime();
      tasks.start(StartRequest.newBuilder().setId(id).build());
      long t2 = System.nanoTime();
      tasks.wait(WaitRequest.newBuilder().setId(id).build());
      long t3 = System.nanoTime();
      tasks.delete(DeleteRequest.newBuilder().setId(id).build());
      long t4 = System.nanoTime();
      ms[0][i] = (t1 - t0) / 1e6;
      ms[1][i] = (t2 - t1) / 1e6;
      ms[2][i] = (t3 - t2) / 1e6;
      ms[3][i] = (t4 - t3) / 1e6;
    }
    String[] names = {"create", "start", "wait", "delete"};
    StringBuilder line = new StringBuilder("C=1 phase medians (ms):");
    for (int p = 0; p < 4; p++) {
      java.util.Arrays.sort(ms[p]);
      line.append(String.format(" %s %.2f", names[p], ms[p][count / 2]));
    }
    System.out.println(line);
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
