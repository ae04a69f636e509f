package io.jshim.bench.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The Markdown tables: one row per (path, C) cell over its batches, one row per load level. */
final class Report {
  private static final int FAILURES_SHOWN = 10;

  private Report() {}

  static String cells(List<Batch.Result> results, List<String> pathOrder, List<Integer> levels) {
    Map<String, List<Batch.Result>> byCell = new LinkedHashMap<>();
    for (int c : levels) {
      for (String path : pathOrder) {
        byCell.put(path + "/" + c, new ArrayList<>());
      }
    }
    results.forEach(r -> byCell.get(r.path() + "/" + r.c()).add(r));
    StringBuilder out = new StringBuilder();
    out.append("| path | C | median ms | p99 ms | containers/s | runtime CPU ms/container | client CPU ms/container "
        + "| machine CPU ms/container | failures |\n|---|---|---|---|---|---|---|---|---|\n");
    List<String> failures = new ArrayList<>();
    for (List<Batch.Result> cell : byCell.values()) {
      if (cell.isEmpty()) {
        continue;
      }
      Batch.Result first = cell.get(0);
      double[] latency = cell.stream().flatMapToDouble(r -> java.util.Arrays.stream(r.latencyMs())).toArray();
      double[] throughput = cell.stream().mapToDouble(r -> r.n() / (r.wallNanos() / 1e9)).toArray();
      long n = cell.stream().mapToLong(Batch.Result::n).sum();
      long runtime = cell.stream().mapToLong(Batch.Result::runtimeTicks).sum();
      long client = cell.stream().mapToLong(Batch.Result::clientTicks).sum();
      long machine = cell.stream().mapToLong(Batch.Result::machineTicks).sum();
      int failed = cell.stream().mapToInt(r -> r.failures().size()).sum();
      cell.forEach(r -> failures.addAll(r.failures()));
      out.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.0f | %.1f | %.1f | %.1f | %s |%n",
          label(first.path()), first.c(), Stats.median(latency), Stats.percentile(latency, 0.99), Stats.median(throughput),
          ms(runtime, n), ms(client, n), ms(machine, n), failed == 0 ? "0" : "**" + failed + "**"));
    }
    appendFailures(out, failures);
    return out.toString();
  }

  static String load(List<LoadProbe.Level> levels) {
    StringBuilder out = new StringBuilder();
    out.append("| running containers | Create median ms | Create p99 ms | Start, Wait, Delete median ms | lifecycle median ms "
        + "| daemon CPU ms/container | client CPU ms/container | failures |\n|---|---|---|---|---|---|---|---|\n");
    List<String> failures = new ArrayList<>();
    for (LoadProbe.Level level : levels) {
      int n = level.createMs().length;
      failures.addAll(level.failures());
      out.append(String.format(Locale.ROOT, "| %d | %.1f | %.1f | %.1f, %.1f, %.1f | %.1f | %.1f | %.1f | %s |%n", level.running(),
          Stats.median(level.createMs()), Stats.percentile(level.createMs(), 0.99), Stats.median(level.startMs()),
          Stats.median(level.waitMs()), Stats.median(level.deleteMs()), Stats.median(level.lifecycleMs()),
          ms(level.daemonTicks(), n), ms(level.clientTicks(), n),
          level.failures().isEmpty() ? "0" : "**" + level.failures().size() + "**"));
    }
    appendFailures(out, failures);
    return out.toString();
  }

  private static void appendFailures(StringBuilder out, List<String> failures) {
    if (failures.isEmpty()) {
      return;
    }
    out.append("\n**").append(failures.size()).append(" failures**, e.g.:\n");
    failures.stream().limit(FAILURES_SHOWN).forEach(f -> out.append("- ").append(f).append('\n'));
  }

  private static String label(String path) {
    return path.equals("jshim") ? "jshim" : path + " run";
  }

  private static double ms(long ticks, long containers) {
    return containers == 0 ? Double.NaN : ticks * ProcStat.MS_PER_TICK / containers;
  }
}
