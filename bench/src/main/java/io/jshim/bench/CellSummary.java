package io.jshim.bench;

import io.jshim.daemon.spawn.ForkGate;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * One (variant, F) cell over its repetitions: medians of the per-burst figures, sums of the leak counts.
 * Spawn latency runs from the barrier release to the return of posix_spawn (so it includes the wait for
 * the lock); "exit" runs from the release to the reaping of the workload.
 */
record CellSummary(Variant variant, int fdThreads, int reps, int spawnsPerBurst,
                   double spawnP50, double spawnP99, double spawnMax, double spawnMaxLow, double spawnMaxHigh,
                   double exitP99, double spawnsPerSecond,
                   double waitP50, double waitMax, double insideP50, double insideP99, double insideMax,
                   double fdP99Micros, double fdMaxMillis, double fdOpsPerSecond, double cpuBusy,
                   long gateForkWaits, long gateFdWaits, long gateHandoffs, long gateMaxBatch, int gateMaxHandoffsWaited,
                   boolean hasGate,
                   int probeChildren, int childrenLeaking, int leakedFds, int otherFdsMedian, int otherFdsMax,
                   List<String> otherExample) {

  static CellSummary of(Variant variant, int fdThreads, List<Burst.Result> latency, List<Burst.Result> probes) {
    double[] maxes = latency.stream().mapToDouble(r -> percentile(r.spawnMs(), 1.0)).sorted().toArray();
    List<ForkGate.Stats> gate = latency.stream().flatMap(r -> r.gate().stream()).toList();
    int[] other = probes.stream().flatMapToInt(p -> Arrays.stream(p.leaks().otherFds())).sorted().toArray();
    List<String> example = probes.stream().map(p -> p.leaks().otherExample())
        .reduce(List.of(), (a, b) -> b.size() > a.size() ? b : a);
    return new CellSummary(variant, fdThreads, latency.size(), latency.isEmpty() ? 0 : latency.get(0).spawns(),
        median(latency, r -> percentile(r.spawnMs(), 0.50)),
        median(latency, r -> percentile(r.spawnMs(), 0.99)),
        median(latency, r -> percentile(r.spawnMs(), 1.0)),
        maxes.length == 0 ? Double.NaN : maxes[0], maxes.length == 0 ? Double.NaN : maxes[maxes.length - 1],
        median(latency, r -> percentile(r.doneMs(), 0.99)),
        median(latency, Burst.Result::spawnsPerSecond),
        median(latency, r -> percentile(r.waitMs(), 0.50)),
        median(latency, r -> percentile(r.waitMs(), 1.0)),
        median(latency, r -> percentile(r.insideMs(), 0.50)),
        median(latency, r -> percentile(r.insideMs(), 0.99)),
        median(latency, r -> percentile(r.insideMs(), 1.0)),
        fdThreads == 0 ? Double.NaN : median(latency, r -> r.fdOps().percentile(0.99) / 1e3),
        fdThreads == 0 ? Double.NaN : median(latency, r -> r.fdOps().max() / 1e6),
        fdThreads == 0 ? Double.NaN : median(latency, Burst.Result::fdOpsPerSecond),
        median(latency, Burst.Result::cpuBusy),
        (long) medianOf(gate.stream().mapToDouble(ForkGate.Stats::forkWaits).toArray()),
        (long) medianOf(gate.stream().mapToDouble(ForkGate.Stats::fdWaits).toArray()),
        (long) medianOf(gate.stream().mapToDouble(ForkGate.Stats::handoffs).toArray()),
        (long) medianOf(gate.stream().mapToDouble(ForkGate.Stats::maxBatch).toArray()),
        gate.stream().mapToInt(ForkGate.Stats::maxHandoffsWaited).max().orElse(0),
        !gate.isEmpty(),
        probes.stream().mapToInt(p -> p.leaks().children()).sum(),
        probes.stream().mapToInt(p -> p.leaks().childrenLeaking()).sum(),
        probes.stream().mapToInt(p -> p.leaks().leakedFds()).sum(),
        other.length == 0 ? 0 : other[other.length / 2],
        other.length == 0 ? 0 : other[other.length - 1],
        example);
  }

  /** Linear interpolation between closest ranks over sorted values ({@code p} in 0..1; 1 is the maximum). */
  static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    double pos = p * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = (int) Math.ceil(pos);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  }

  private static double median(List<Burst.Result> results, ToDoubleFunction<Burst.Result> metric) {
    return medianOf(results.stream().mapToDouble(metric).toArray());
  }

  static double medianOf(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  /** The leak column: creator fds found in the children, and in how many of them. */
  String leakText() {
    if (fdThreads == 0) {
      return "n/a (no creators)";
    }
    return leakedFds + " (" + childrenLeaking + "/" + probeChildren + " children)";
  }
}
