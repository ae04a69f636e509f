package io.jshim.bench.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * jshim beside {@code crun run} and {@code runc run} on identical runc-spec bundles with a busybox rootfs, interleaved
 * in one run (issue 14, docs/benchmarks.md "Runtimes side by side"). The Markdown report goes to stdout, progress to
 * stderr. Run it with {@code bench/runtime-bench.sh}; needs root.
 */
public final class RuntimeBench {
  private final RuntimeBenchOptions options;
  private final Spawner spawner = new Spawner();
  private final String tag = HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
  private final String cgroupParent = "/jshim-bench/" + tag;
  private final Map<String, ContainerPath> paths = new LinkedHashMap<>();
  private Path work;
  private Path logs;
  private JshimDaemon daemon;
  private JshimPath jshim;
  private boolean cleaned;
  private int failures;

  private RuntimeBench(RuntimeBenchOptions options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    RuntimeBenchOptions options;
    try {
      options = RuntimeBenchOptions.parse(args).checked();
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    RuntimeBench bench = new RuntimeBench(options);
    if (bench.spawner.geteuid() != 0) {
      System.err.println("RuntimeBench needs root (namespaces, cgroups, crun and runc)");
      System.exit(2);
    }
    Thread hook = new Thread(bench::cleanUpQuietly, "runtime-bench-clean-up");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      System.out.print(bench.run());
    } catch (IllegalStateException e) {
      if (!Batch.stopped()) {
        throw e;
      }
      System.err.println("runtime-bench: stopped before the end (" + e.getMessage() + ")");
      System.exit(1);
    } finally {
      bench.cleanUpQuietly();
    }
    System.exit(0);
  }

  private String run() throws IOException, InterruptedException {
    work = options.workDir() != null ? Files.createDirectories(options.workDir())
        : Files.createTempDirectory("jshim-runtime-bench-");
    logs = Files.createDirectories(work.resolve("logs"));
    System.err.println("runtime-bench: work directory " + work + ", cgroups under " + cgroupParent);
    Path specDir = Files.createDirectories(work.resolve("spec"));
    Path specLog = logs.resolve("runc-spec.log");
    spawner.runChecked(List.of(options.runc().toString(), "spec", "--bundle", specDir.toString()), System.getenv(),
        specLog.toString(), specLog.toString());
    Bundles bundles = Bundles.create(specDir.resolve("config.json"), options.busybox(), work, cgroupParent);
    String header = header();

    for (String name : options.paths()) {
      switch (name) {
        case "crun" -> paths.put(name, new OciRuntime(name, options.crun(), work.resolve("crun-state"), spawner, System.getenv()));
        case "runc" -> paths.put(name, new OciRuntime(name, options.runc(), work.resolve("runc-state"), spawner, System.getenv()));
        case "jshim" -> paths.put(name, jshim());
        default -> throw new IllegalArgumentException(name);
      }
    }
    int maxC = options.levels().stream().mapToInt(Integer::intValue).max().orElse(1);
    if (paths.containsKey("jshim")) {
      daemon.connect(maxC);
    }

    for (ContainerPath path : paths.values()) {
      if (options.warmup() > 0) {
        System.err.printf("warm-up: %s, %d containers%n", path.name(), options.warmup());
        Batch.Result warm = timed(bundles, path, 1, options.warmup(), "warmup");
        if (!warm.failures().isEmpty()) {
          System.err.println("warm-up of " + path.name() + ": " + warm.failures().size() + " failures, e.g. " + warm.failures().get(0));
        }
      }
    }

    List<Batch.Result> results = new ArrayList<>();
    List<String> order = List.copyOf(paths.keySet());
    int cellIndex = 0;
    for (int b = 0; b < options.batches(); b++) {
      for (int c : options.levels()) {
        int shift = cellIndex++ % order.size();
        for (int k = 0; k < order.size(); k++) {
          ContainerPath path = paths.get(order.get((k + shift) % order.size()));
          Batch.Result r = timed(bundles, path, c, options.runs(), "b" + b + "c" + c);
          results.add(r);
          failures += r.failures().size();
          System.err.printf("batch %d/%d C=%d %-5s %6.1f containers/s, median %.1f ms%s%n", b + 1, options.batches(), c, path.name(),
              r.n() / (r.wallNanos() / 1e9), Stats.median(r.latencyMs()),
              r.failures().isEmpty() ? "" : ", " + r.failures().size() + " FAILURES");
        }
      }
    }

    StringBuilder out = new StringBuilder(header);
    out.append(Report.cells(results, order, options.levels()));
    if (!options.load().isEmpty()) {
      List<LoadProbe.Level> levels = new LoadProbe(jshim(), daemon(), bundles, tag).run(options.load(), options.loadRuns(), options.warmup());
      failures += levels.stream().mapToInt(l -> l.failures().size()).sum();
      out.append(String.format("%nCreate latency and daemon CPU with containers already running (`/bin/sleep`, a cgroup each), "
          + "%d C=1 lifecycles per level:%n%n", options.loadRuns()));
      out.append(Report.load(levels));
    }
    if (daemon != null && options.keepDaemon()) {
      out.append(String.format("%nThe daemon stays up (--keep-daemon): pid %d, socket %s; stop it with kill %d.%n",
          daemon.pid(), daemon.socket(), daemon.pid()));
    }
    return out.toString();
  }

  /** Writes the bundles of one batch, runs it, removes them. */
  private Batch.Result timed(Bundles bundles, ContainerPath path, int c, int n, String label) throws IOException, InterruptedException {
    List<String> ids = new ArrayList<>(n);
    List<Path> dirs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Batch.checkRunning();
      String id = tag + "-" + path.name() + "-" + label + "-" + i;
      ids.add(id);
      dirs.add(bundles.write(path.name(), id, List.of("/bin/true")));
    }
    Batch.Result r = Batch.run(path, c, ids, dirs, logs.resolve(path.name() + "-" + label + ".stderr"));
    bundles.remove(ids);
    return r;
  }

  private JshimPath jshim() throws IOException, InterruptedException {
    if (jshim == null) {
      jshim = new JshimPath(daemon());
    }
    return jshim;
  }

  private JshimDaemon daemon() throws IOException, InterruptedException {
    if (daemon == null) {
      if (options.socket() != null) {
        daemon = JshimDaemon.attach(spawner, options.socket(), options.daemonPid());
        System.err.printf("jshim: the daemon on %s, pid %d%n", daemon.socket(), daemon.pid());
      } else {
        System.err.println("jshim: starting " + options.launcher());
        daemon = JshimDaemon.launch(spawner, options.launcher(), work.resolve("daemon"), options.daemonJavaOpts());
        System.err.printf("jshim: daemon pid %d on %s%n", daemon.pid(), daemon.socket());
      }
    }
    return daemon;
  }

  private String header() throws IOException {
    String kernel = Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
    String load = Files.readString(Path.of("/proc/loadavg")).trim();
    return String.format("## Runtimes side by side%n%n%s; %d CPUs; kernel %s; load average at start %s%n"
            + "%s; %d containers per batch, %d batches per cell, paths interleaved (order rotating); warm-up %d per path%n"
            + "crun: %s (%s); runc: %s (%s); jshim: %s%s%n"
            + "latency: start of the run to its end (jshim: Delete returned), median and p99 over all batches; "
            + "containers/s: median over batches; CPU: total over batches / containers (10 ms ticks)%n%n",
        Instant.now(), java.lang.Runtime.getRuntime().availableProcessors(), kernel, load,
        "`/bin/true` in runc spec bundles (busybox rootfs, a cgroup each)", options.runs(), options.batches(), options.warmup(),
        options.crun(), version(options.crun()), options.runc(), version(options.runc()),
        options.socket() != null ? "daemon on " + options.socket() : options.launcher(),
        options.daemonJavaOpts().isBlank() ? "" : " with JSHIM_EXTRA_JAVA_OPTS=" + options.daemonJavaOpts());
  }

  private String version(Path binary) {
    if (!Files.isExecutable(binary)) {
      return "not installed";
    }
    try {
      Path out = logs.resolve(binary.getFileName() + ".version");
      spawner.runChecked(List.of(binary.toString(), "--version"), System.getenv(), out.toString(), out.toString());
      return Files.readAllLines(out).stream().findFirst().orElse("?").replaceFirst("^\\S+ version ", "");
    } catch (IOException | RuntimeException e) {
      return "version unknown: " + e.getMessage();
    }
  }

  private synchronized void cleanUpQuietly() {
    if (cleaned) {
      return;
    }
    cleaned = true;
    // every step on its own: one that fails must not leave the others undone
    step("stopping the client threads", () -> Batch.stopAll(Duration.ofSeconds(30)));
    for (ContainerPath path : paths.values()) {
      if (path instanceof OciRuntime runtime) {
        step(runtime.name() + " delete -f", () -> {
          int left = runtime.cleanUpAll(logs.resolve(runtime.name() + "-cleanup.stderr"));
          if (left > 0) {
            System.err.println("clean-up: " + runtime.name() + " delete -f of " + left + " containers");
          }
        });
      }
    }
    if (jshim != null) {
      step("removing the jshim tasks", () -> {
        int left = jshim.removeLive();
        if (left > 0) {
          System.err.println("clean-up: killed and deleted " + left + " jshim tasks");
        }
      });
    }
    if (daemon != null) {
      if (options.keepDaemon()) {
        System.err.printf("the daemon stays up: pid %d, socket %s, work directory %s%n", daemon.pid(), daemon.socket(), work);
      } else {
        step("stopping the daemon", daemon::close);
      }
    }
    step("removing the cgroups", () -> CgroupCleaner.remove(cgroupParent).forEach(l -> System.err.println("clean-up: cgroup left: " + l)));
    if (work != null && !options.keepDaemon()) {
      if (failures > 0) {
        System.err.println("clean-up: kept " + work + " (logs of the failures in " + logs + ")");
      } else {
        step("removing " + work, () -> deleteTree(work));
      }
    }
  }

  /** A clean-up step that may fail. */
  private interface Step {
    void run() throws Exception;
  }

  private static void step(String what, Step step) {
    try {
      step.run();
    } catch (Exception e) {
      System.err.println("clean-up: " + what + ": " + e);
    }
  }

  /** Removes {@code dir} and all below it; tries again while something is still being written or removed there. */
  private static void deleteTree(Path dir) throws IOException, InterruptedException {
    for (int pass = 0; ; pass++) {
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
        return;
      } catch (java.nio.file.NoSuchFileException gone) {
        if (!Files.exists(dir)) {
          return;
        }
      } catch (IOException | java.io.UncheckedIOException changing) {
        if (pass >= 10) {
          throw changing;
        }
      }
      Thread.sleep(100);
    }
  }
}
