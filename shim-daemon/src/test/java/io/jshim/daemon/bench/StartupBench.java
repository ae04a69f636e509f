package io.jshim.daemon.bench;

import io.jshim.daemon.Privileged;
import io.jshim.proto.task.v2.CreateTaskRequest;
import io.jshim.proto.task.v2.DeleteRequest;
import io.jshim.proto.task.v2.KillRequest;
import io.jshim.proto.task.v2.StartRequest;
import io.jshim.proto.task.v2.TaskGrpc;
import io.jshim.proto.task.v2.WaitRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Start-up and memory of the daemon as the launcher {@code bin/jshim-daemon} starts it (docs/benchmarks.md,
 * "Start-up and memory"): time from the launcher's exec to the socket accepting a connection and to the first
 * answered RPC ({@code jshim.v1.DaemonStatus/Get}), idle RSS and PSS, and the daemon's PSS growth per running
 * container. The client is this JVM, warm and long-lived: its start is not counted.
 *
 * <p>Options: {@code --runs N} (start-ups per variant, default 11), {@code --containers 10,50} (cumulative counts
 * of running containers; needs root, {@code 0} skips), {@code --container-runs R} (default 3), {@code --settle-ms}
 * (wait before each memory reading, default 2000), {@code --launcher PATH} (default bin/jshim-daemon), and
 * {@code --variant NAME=ENV} repeated, ENV being {@code K=V} pairs joined by {@code ;} that are added to the
 * launcher's environment (e.g. {@code default=JSHIM_JAVA_OPTS=-Xshare:auto}). Without {@code --variant}:
 * JDK defaults, the previous launcher flags, the tuned flags without and with the AppCDS archive.
 * Variants are interleaved, one start-up of each per round, after one unmeasured warm-up round.
 */
public final class StartupBench {
  private StartupBench() {}

  public static void main(String[] args) throws Exception {
    int runs = 11;
    int containerRuns = 3;
    long settleMs = 2000;
    List<Integer> counts = List.of(10, 50);
    Path launcher = Path.of("bin/jshim-daemon");
    Map<String, Map<String, String>> variants = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--container-runs" -> containerRuns = Integer.parseInt(args[++i]);
        case "--settle-ms" -> settleMs = Long.parseLong(args[++i]);
        case "--containers" -> counts = args[++i].equals("0") ? List.of()
            : List.of(args[i].split(",")).stream().map(Integer::parseInt).toList();
        case "--launcher" -> launcher = Path.of(args[++i]);
        case "--variant" -> {
          String spec = args[++i];
          int eq = spec.indexOf('=');
          Map<String, String> env = new LinkedHashMap<>();
          for (String pair : spec.substring(eq + 1).split(";")) {
            if (!pair.isBlank()) {
              int e = pair.indexOf('=');
              env.put(pair.substring(0, e), pair.substring(e + 1));
            }
          }
          variants.put(spec.substring(0, eq), env);
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (variants.isEmpty()) {
      variants.put("JDK default", Map.of("JSHIM_JAVA_OPTS", "-Xshare:auto"));
      variants.put("previous launcher (SerialGC)", Map.of("JSHIM_JAVA_OPTS", "-XX:+UseSerialGC -Xshare:auto"));
      variants.put("tuned", Map.of("JSHIM_CDS_ARCHIVE", ""));
      variants.put("tuned + AppCDS", Map.of());
    }
    launcher = launcher.toAbsolutePath();
    if (!Privileged.isRoot() && !counts.isEmpty()) {
      System.err.println("not root: skipping the containers");
      counts = List.of();
    }
    Path dir = Files.createTempDirectory("jshim-startup");
    List<String> names = new ArrayList<>(variants.keySet());
    Map<String, List<double[]>> startups = new LinkedHashMap<>();
    names.forEach(n -> startups.put(n, new ArrayList<>()));
    int seq = 0;
    for (int round = -1; round < runs; round++) {
      for (int k = 0; k < names.size(); k++) {
        String name = names.get(Math.floorMod(k + round, names.size()));
        try (LaunchedDaemon d = LaunchedDaemon.start(launcher, variants.get(name), dir.resolve("d" + seq++))) {
          Thread.sleep(settleMs);
          long[] mem = d.rssPssKib();
          double[] row = {d.acceptNanos / 1e6, d.firstRpcNanos / 1e6, mem[0] / 1024.0, mem[1] / 1024.0};
          System.err.printf("round %d %-30s accept %.0f ms, first RPC %.0f ms, RSS %.1f MiB, PSS %.1f MiB%n",
              round, name, row[0], row[1], row[2], row[3]);
          if (round >= 0) {
            startups.get(name).add(row);
          }
        }
      }
    }
    Map<String, List<double[]>> marginal = new LinkedHashMap<>();
    Path bundle = LaunchedDaemon.bundle(dir.resolve("bundle"), List.of(Privileged.testbin().toString(), "sleep", "100000"));
    for (int r = 0; r < containerRuns && !counts.isEmpty(); r++) {
      for (String name : names) {
        double[] perContainer = containers(launcher, variants.get(name), dir.resolve("d" + seq++), bundle, counts, settleMs);
        System.err.printf("containers %d %-30s KiB/container %s%n", r, name, java.util.Arrays.toString(perContainer));
        marginal.computeIfAbsent(name, n -> new ArrayList<>()).add(perContainer);
      }
    }

    System.out.printf("| variant | first RPC ms, median (min–max) | socket accepts ms, median | idle RSS MiB | idle PSS MiB |");
    counts.forEach(c -> System.out.printf(" PSS per container at %d, KiB |", c));
    System.out.printf("%n|---|---|---|---|---|%s%n", "---|".repeat(counts.size()));
    for (String name : names) {
      List<double[]> rows = startups.get(name);
      System.out.printf("| %s | %.0f (%.0f–%.0f) | %.0f | %.1f | %.1f |", name, median(rows, 1), min(rows, 1), max(rows, 1),
          median(rows, 0), median(rows, 2), median(rows, 3));
      for (int c = 0; c < counts.size(); c++) {
        List<double[]> m = marginal.get(name);
        System.out.printf(" %.0f (%.0f–%.0f) |", median(m, c), min(m, c), max(m, c));
      }
      System.out.println();
    }
    System.out.printf("%n%d start-ups per variant (medians), %d container runs; settle %d ms before each memory reading.%n",
        runs, counts.isEmpty() ? 0 : containerRuns, settleMs);
  }

  /** The daemon's PSS growth per container, in KiB, after {@code counts} (cumulative) containers run. */
  private static double[] containers(Path launcher, Map<String, String> env, Path dir, Path bundle, List<Integer> counts,
      long settleMs) throws Exception {
    double[] result = new double[counts.size()];
    try (LaunchedDaemon d = LaunchedDaemon.start(launcher, env, dir)) {
      TaskGrpc.TaskBlockingStub tasks = TaskGrpc.newBlockingStub(d.channel());
      Thread.sleep(settleMs);
      long base = d.rssPssKib()[1];
      int running = 0;
      try {
        for (int c = 0; c < counts.size(); c++) {
          for (; running < counts.get(c); running++) {
            String id = "c" + running;
            tasks.withDeadlineAfter(30, TimeUnit.SECONDS)
                .create(CreateTaskRequest.newBuilder().setId(id).setBundle(bundle.toString()).build());
            tasks.withDeadlineAfter(30, TimeUnit.SECONDS).start(StartRequest.newBuilder().setId(id).build());
          }
          Thread.sleep(settleMs);
          result[c] = (d.rssPssKib()[1] - base) / (double) running;
        }
      } finally {
        for (int i = 0; i < running; i++) {
          String id = "c" + i;
          tasks.withDeadlineAfter(30, TimeUnit.SECONDS).kill(KillRequest.newBuilder().setId(id).setSignal(9).build());
          tasks.withDeadlineAfter(30, TimeUnit.SECONDS).wait(WaitRequest.newBuilder().setId(id).build());
          tasks.withDeadlineAfter(30, TimeUnit.SECONDS).delete(DeleteRequest.newBuilder().setId(id).build());
        }
      }
    }
    return result;
  }

  private static List<Double> column(List<double[]> rows, int i) {
    List<Double> values = new ArrayList<>();
    rows.forEach(r -> values.add(r[i]));
    Collections.sort(values);
    return values;
  }

  private static double median(List<double[]> rows, int i) {
    List<Double> v = column(rows, i);
    int n = v.size();
    return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
  }

  private static double min(List<double[]> rows, int i) {
    return column(rows, i).get(0);
  }

  private static double max(List<double[]> rows, int i) {
    List<Double> v = column(rows, i);
    return v.get(v.size() - 1);
  }
}
