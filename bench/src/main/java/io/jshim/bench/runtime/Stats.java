package io.jshim.bench.runtime;

import java.util.Arrays;

/** Order statistics of a sample. */
final class Stats {
  private Stats() {}

  /** Nearest-rank percentile ({@code p} in 0..1) of unsorted values; NaN when empty. */
  static double percentile(double[] values, double p) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] v = values.clone();
    Arrays.sort(v);
    int rank = (int) Math.ceil(p * v.length);
    return v[Math.max(0, Math.min(v.length - 1, rank - 1))];
  }

  static double median(double[] values) {
    return percentile(values, 0.5);
  }
}
