package io.jshim.daemon.bench;

import io.jshim.daemon.Privileged;
import io.jshim.proto.task.v2.CreateTaskRequest;
import io.jshim.proto.task.v2.DeleteRequest;
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
 * The first container of a fresh daemon (docs/benchmarks.md, "Start-up and memory"): starts the daemon through the
 * launcher, then times Create, and Create to Delete, of one {@code jshim-testbin exit 0} (as root). Arguments:
 * {@code LAUNCHER ROUNDS NAME=ENV...}, ENV being {@code K=V} pairs joined by {@code ;} added to the launcher's
 * environment; the variants alternate, the first round is not counted.
 */
public final class FirstContainerBench {
  private FirstContainerBench() {}

  public static void main(String[] args) throws Exception {
    Path launcher = Path.of(args[0]).toAbsolutePath();
    int rounds = Integer.parseInt(args[1]);
    Map<String, Map<String, String>> variants = new LinkedHashMap<>();
    for (int i = 2; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      Map<String, String> env = new LinkedHashMap<>();
      for (String pair : args[i].substring(eq + 1).split(";")) {
        if (!pair.isEmpty()) {
          env.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
      }
      variants.put(args[i].substring(0, eq), env);
    }
    Map<String, List<Double>> create = new LinkedHashMap<>();
    Map<String, List<Double>> lifecycle = new LinkedHashMap<>();
    Path dir = Files.createTempDirectory("jshim-first-container");
    Path bundle = LaunchedDaemon.bundle(dir.resolve("bundle"), List.of(Privileged.testbin().toString(), "exit", "0"));
    int seq = 0;
    for (int round = 0; round < rounds; round++) {
      for (Map.Entry<String, Map<String, String>> v : variants.entrySet()) {
        try (LaunchedDaemon d = LaunchedDaemon.start(launcher, v.getValue(), dir.resolve("d" + seq++))) {
          TaskGrpc.TaskBlockingStub t = TaskGrpc.newBlockingStub(d.channel()).withDeadlineAfter(30, TimeUnit.SECONDS);
          long t0 = System.nanoTime();
          t.create(CreateTaskRequest.newBuilder().setId("first").setBundle(bundle.toString()).build());
          long t1 = System.nanoTime();
          t.start(StartRequest.newBuilder().setId("first").build());
          t.wait(WaitRequest.newBuilder().setId("first").build());
          t.delete(DeleteRequest.newBuilder().setId("first").build());
          long t2 = System.nanoTime();
          System.err.printf("round %d %-20s Create %.1f ms, Create..Delete %.1f ms%n", round, v.getKey(),
              (t1 - t0) / 1e6, (t2 - t0) / 1e6);
          if (round > 0) {
            create.computeIfAbsent(v.getKey(), k -> new ArrayList<>()).add((t1 - t0) / 1e6);
            lifecycle.computeIfAbsent(v.getKey(), k -> new ArrayList<>()).add((t2 - t0) / 1e6);
          }
        }
      }
    }
    System.out.println("| variant | first Create ms, median (min–max) | Create to Delete ms, median (min–max) |");
    System.out.println("|---|---|---|");
    for (String name : create.keySet()) {
      System.out.printf("| %s | %s | %s |%n", name, summary(create.get(name)), summary(lifecycle.get(name)));
    }
    System.out.printf("%n%d counted rounds per variant.%n", rounds - 1);
  }

  private static String summary(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return String.format("%.1f (%.1f–%.1f)", sorted.get(sorted.size() / 2), sorted.get(0), sorted.get(sorted.size() - 1));
  }
}
