package io.jshim.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The fork-gate benchmark (spec: shared/design/fork-gate.md, "How it is proven"): 50 spawner threads
 * released together, each posix_spawning the helper while F threads create pipes the non-atomic way,
 * under each locking variant; plus a leak probe per burst. Prints one Markdown report to stdout and
 * per-burst progress to stderr. A benchmark, not a test: see docs/benchmarks.md.
 *
 * <pre>mvn -q install -DskipTests && mvn -q -pl bench exec:java -Dexec.args="--reps 5"</pre>
 */
public final class ForkGateBench {
  private static final double TARGET_RATIO = 1.0 / 3;
  private static final double TARGET_MAX_MS = 20.0;
  private static final double TARGET_FD_FACTOR = 2.0;
  private static final int EXAMPLE_LINES = 12;

  private ForkGateBench() {}

  public static void main(String[] args) throws Exception {
    BenchOptions options;
    try {
      options = BenchOptions.parse(args).checked();
    } catch (IllegalArgumentException e) {
      System.err.println("ForkGateBench: " + e.getMessage());
      throw e;
    }
    run(options, System.out, System.err);
  }

  /** Runs every cell and prints the report; returns the cells in table order. */
  static List<CellSummary> run(BenchOptions o, PrintStream out, PrintStream log) throws InterruptedException {
    NativeOps ops = NativeOps.load();
    Children children = new Children(ops, o.helper().toString(), o.testbin().toString(), o.helperOptions());
    Burst burst = new Burst(ops, children, new Burst.Shape(o.spawners(), o.perThread(), o.leadMillis(),
        o.timeoutSeconds(), o.fdIntervalMicros() * 1000));
    Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String loadStart = loadavg();
    log.println("fork-gate bench: load at start " + loadStart);

    int maxF = o.fdThreads().stream().mapToInt(Integer::intValue).max().orElse(0);
    for (int w = 0; w < o.warmup(); w++) {
      for (Variant v : o.variants()) {
        settle();
        burst.run(v, maxF, false);
        settle();
        burst.run(v, maxF, true);
      }
      log.println("warm-up round " + (w + 1) + "/" + o.warmup() + " done");
    }

    Map<String, List<Burst.Result>> latency = new LinkedHashMap<>();
    Map<String, List<Burst.Result>> probes = new LinkedHashMap<>();
    for (int f : o.fdThreads()) {
      for (Variant v : o.variants()) {
        latency.put(key(v, f), new ArrayList<>());
        probes.put(key(v, f), new ArrayList<>());
      }
    }
    for (int rep = 0; rep < o.reps(); rep++) {
      log.println("rep " + (rep + 1) + "/" + o.reps() + ", load " + loadavg());
      List<Variant> order = rotated(o.variants(), rep); // no variant always runs first
      for (int f : o.fdThreads()) {
        for (Variant v : order) {
          settle();
          Burst.Result l = burst.run(v, f, false);
          latency.get(key(v, f)).add(l);
          settle();
          Burst.Result p = burst.run(v, f, true);
          probes.get(key(v, f)).add(p);
          log.println(progress(l, p));
        }
      }
    }
    String loadEnd = loadavg();

    List<CellSummary> cells = new ArrayList<>();
    for (int f : o.fdThreads()) {
      for (Variant v : o.variants()) {
        cells.add(CellSummary.of(v, f, latency.get(key(v, f)), probes.get(key(v, f))));
      }
    }
    report(out, o, ops, started, loadStart, loadEnd, cells);
    return cells;
  }

  private static void report(PrintStream out, BenchOptions o, NativeOps ops, Instant started, String loadStart,
                             String loadEnd, List<CellSummary> cells) {
    out.printf(Locale.ROOT, "### Run of %s%n%n", started);
    out.printf(Locale.ROOT, "- machine: %d CPUs (%s), kernel %s, glibc %s, Java %s (%s), uid %d%n",
        Runtime.getRuntime().availableProcessors(), cpuModel(), System.getProperty("os.version"), ops.glibcVersion(),
        System.getProperty("java.version"), System.getProperty("java.vm.name"), ops.geteuid());
    out.printf(Locale.ROOT, "- /proc/loadavg at start: `%s`; at end: `%s`%n", loadStart, loadEnd);
    out.printf(Locale.ROOT, "- %d spawner threads x %d spawn(s), F = %s fd-creator threads, %d reps per cell "
            + "(medians shown), %d warm-up round(s), creators start %d ms before the release and %s%n",
        o.spawners(), o.perThread(), o.fdThreads(), o.reps(), o.warmup(), o.leadMillis(),
        o.fdIntervalMicros() == 0 ? "loop back to back (fd-op latency: from each operation's start)"
            : "each do one operation every " + o.fdIntervalMicros() + " µs (fd-op latency: from when it was due)");
    out.printf(Locale.ROOT, "- spawned for latency: `jshim-spawn %s-- jshim-testbin exit 0` (sync protocol "
        + "to the end, helper and workload reaped by pid); leak probe: `jshim-testbin fdlinks` spawned directly "
        + "(through `jshim-spawn` for d)%n%n", o.namespaces().isEmpty() ? "" : "--ns " + o.namespaces() + " ");
    for (Variant v : o.variants()) {
      out.printf(Locale.ROOT, "- (%s) %s%n", v.letter, v.description);
    }
    out.println();
    out.println("| variant | F | spawn p50 ms | spawn p99 ms | spawn max ms (range) | release→exit p99 ms | spawns/s "
        + "| fd-op p99 µs | fd-op max ms | fd ops/s | CPU busy | creator fds leaked (children) "
        + "| other inherited fds/child |");
    out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (CellSummary c : cells) {
      out.printf(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f (%.1f–%.1f) | %.1f | %.0f | %s | %s | %s | %.0f %% | %s | %s |%n",
          c.variant().letter, c.fdThreads(), c.spawnP50(), c.spawnP99(), c.spawnMax(), c.spawnMaxLow(),
          c.spawnMaxHigh(), c.exitP99(), c.spawnsPerSecond(),
          c.fdThreads() == 0 ? "–" : String.format(Locale.ROOT, "%.0f", c.fdP99Micros()),
          c.fdThreads() == 0 ? "–" : String.format(Locale.ROOT, "%.1f", c.fdMaxMillis()),
          c.fdThreads() == 0 ? "–" : String.format(Locale.ROOT, "%.0f", c.fdOpsPerSecond()),
          100 * c.cpuBusy(), c.leakText(),
          c.otherFdsMedian() == c.otherFdsMax() ? Integer.toString(c.otherFdsMax())
              : c.otherFdsMedian() + " (max " + c.otherFdsMax() + ")");
    }
    out.println();

    out.println("Where the spawn latency goes (medians over the reps): waiting for the fork side, and posix_spawn "
        + "inside it (clone(CLONE_VM|CLONE_VFORK) until the helper's execve: the fork critical section):");
    out.println();
    out.println("| variant | F | lock wait p50 ms | lock wait max ms | posix_spawn p50 ms | posix_spawn p99 ms "
        + "| posix_spawn max ms |");
    out.println("|---|---|---|---|---|---|---|");
    for (CellSummary c : cells) {
      out.printf(Locale.ROOT, "| %s | %d | %.2f | %.1f | %.2f | %.1f | %.1f |%n", c.variant().letter, c.fdThreads(),
          c.waitP50(), c.waitMax(), c.insideP50(), c.insideP99(), c.insideMax());
    }
    out.println();

    List<CellSummary> gated = cells.stream().filter(CellSummary::hasGate).toList();
    if (!gated.isEmpty()) {
      out.println("Gate counters of (c), per latency burst (medians; max handoffs waited: the maximum over the reps):");
      out.println();
      out.println("| F | fork waits | fd waits | handoffs | max batch | max handoffs waited |");
      out.println("|---|---|---|---|---|---|");
      for (CellSummary c : gated) {
        out.printf(Locale.ROOT, "| %d | %d | %d | %d | %d | %d |%n", c.fdThreads(), c.gateForkWaits(),
            c.gateFdWaits(), c.gateHandoffs(), c.gateMaxBatch(), c.gateMaxHandoffsWaited());
      }
      out.println();
    }

    out.println("Targets (xor gate c against Go's old ForkLock a):");
    out.println();
    for (int f : o.fdThreads()) {
      Optional<CellSummary> a = find(cells, Variant.A, f);
      Optional<CellSummary> c = find(cells, Variant.C, f);
      if (a.isEmpty() || c.isEmpty()) {
        continue;
      }
      out.printf(Locale.ROOT, "- F=%d: spawn max c/a = %.1f/%.1f = %.2f (target <= 0.33, %s); spawn p99 c/a = %.2f "
              + "(%s); spawn max c = %.1f ms (target <= 20, %s)", f, c.get().spawnMax(), a.get().spawnMax(),
          c.get().spawnMax() / a.get().spawnMax(), verdict(c.get().spawnMax() <= TARGET_RATIO * a.get().spawnMax()),
          c.get().spawnP99() / a.get().spawnP99(), verdict(c.get().spawnP99() <= TARGET_RATIO * a.get().spawnP99()),
          c.get().spawnMax(), verdict(c.get().spawnMax() <= TARGET_MAX_MS));
      if (f > 0) {
        out.printf(Locale.ROOT, "; fd-op p99 c/a = %.0f/%.0f µs = %.2f (target <= 2, %s)", c.get().fdP99Micros(),
            a.get().fdP99Micros(), c.get().fdP99Micros() / a.get().fdP99Micros(),
            verdict(c.get().fdP99Micros() <= TARGET_FD_FACTOR * a.get().fdP99Micros()));
      }
      out.println();
    }
    out.println();
    out.println("Leak check:");
    out.println();
    for (CellSummary c : cells) {
      if (c.fdThreads() == 0) {
        continue;
      }
      boolean control = c.variant() == Variant.X;
      boolean ok = control ? c.leakedFds() > 0 : c.leakedFds() == 0;
      out.printf(Locale.ROOT, "- (%s) F=%d: %s — %s%n", c.variant().letter, c.fdThreads(), c.leakText(),
          ok ? (control ? "leaks, as a control must: the probe sees leaks" : "no leak")
              : (control ? "NO LEAK SEEN: the control did not prove the probe (run more spawns)" : "LEAKED"));
    }
    cells.stream().filter(c -> !c.variant().probeSwept && !c.otherExample().isEmpty()).findFirst().ifPresent(c -> {
      out.println();
      out.printf(Locale.ROOT, "Inheritable fds of the JVM itself that a non-sweeping child got (%d, from a (%s) "
          + "probe; no lock covers these, hence the helper's sweep):%n%n", c.otherExample().size(), c.variant().letter);
      out.println("```");
      c.otherExample().stream().limit(EXAMPLE_LINES).forEach(out::println);
      if (c.otherExample().size() > EXAMPLE_LINES) {
        out.println("... and " + (c.otherExample().size() - EXAMPLE_LINES) + " more");
      }
      out.println("```");
    });
    out.flush();
  }

  private static String verdict(boolean met) {
    return met ? "met" : "MISSED";
  }

  private static Optional<CellSummary> find(List<CellSummary> cells, Variant v, int f) {
    return cells.stream().filter(c -> c.variant() == v && c.fdThreads() == f).findFirst();
  }

  private static String progress(Burst.Result l, Burst.Result p) {
    return String.format(Locale.ROOT,
        "  %-2s F=%d  spawn p50 %6.1f p99 %6.1f max %6.1f ms (wait max %5.1f, posix_spawn p50 %5.2f max %5.1f)  "
            + "exit p99 %6.1f ms  %5.0f spawns/s  fd p99 %6.0f µs max %5.1f ms %7.0f ops/s  cpu %3.0f%%  "
            + "leaked %d in %d/%d%s",
        l.variant().letter, l.fdThreads(), CellSummary.percentile(l.spawnMs(), 0.5),
        CellSummary.percentile(l.spawnMs(), 0.99), CellSummary.percentile(l.spawnMs(), 1.0),
        CellSummary.percentile(l.waitMs(), 1.0), CellSummary.percentile(l.insideMs(), 0.5),
        CellSummary.percentile(l.insideMs(), 1.0),
        CellSummary.percentile(l.doneMs(), 0.99), l.spawnsPerSecond(),
        l.fdOps().percentile(0.99) / 1e3, l.fdOps().max() / 1e6, l.fdThreads() == 0 ? 0.0 : l.fdOpsPerSecond(),
        100 * l.cpuBusy(),
        p.leaks().leakedFds(), p.leaks().childrenLeaking(), p.leaks().children(),
        l.gate().map(s -> String.format(Locale.ROOT, "  gate waits %d/%d handoffs %d batch %d hw %d", s.forkWaits(),
            s.fdWaits(), s.handoffs(), s.maxBatch(), s.maxHandoffsWaited())).orElse(""));
  }

  private static List<Variant> rotated(List<Variant> variants, int by) {
    List<Variant> out = new ArrayList<>();
    for (int i = 0; i < variants.size(); i++) {
      out.add(variants.get((i + by) % variants.size()));
    }
    return out;
  }

  private static String key(Variant v, int f) {
    return v.letter + "/" + f;
  }

  /** Collects garbage and lets the last children's exits settle, so no burst starts in another's tail. */
  private static void settle() throws InterruptedException {
    System.gc();
    Thread.sleep(100);
  }

  static String loadavg() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown model");
    } catch (IOException e) {
      return "unknown model";
    }
  }
}
