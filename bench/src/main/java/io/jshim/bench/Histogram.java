package io.jshim.bench;

/**
 * A log-linear histogram of non-negative nanosecond values: exact below 128, then 128 buckets per
 * power of two (under 0.8 % error). Not thread-safe; one per recording thread, merged afterwards.
 */
final class Histogram {
  private static final int SUB_BITS = 7;
  private static final int SUB = 1 << SUB_BITS;

  private final long[] counts = new long[SUB * (64 - SUB_BITS + 1)];
  private long total;
  private long max;

  void record(long value) {
    long v = Math.max(0L, value);
    counts[index(v)]++;
    total++;
    max = Math.max(max, v);
  }

  void add(Histogram other) {
    for (int i = 0; i < counts.length; i++) {
      counts[i] += other.counts[i];
    }
    total += other.total;
    max = Math.max(max, other.max);
  }

  long count() {
    return total;
  }

  long max() {
    return max;
  }

  /** Nearest-rank percentile ({@code p} in 0..1), as the middle of its bucket; 0 when empty. */
  long percentile(double p) {
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1L, (long) Math.ceil(p * total));
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return Math.min(max, lowerBound(i) + (width(i) - 1) / 2);
      }
    }
    return max;
  }

  static int index(long v) {
    if (v < SUB) {
      return (int) v;
    }
    int exponent = 63 - Long.numberOfLeadingZeros(v);
    int shift = exponent - SUB_BITS;
    return SUB + shift * SUB + (int) ((v >>> shift) - SUB);
  }

  static long lowerBound(int index) {
    if (index < 2 * SUB) {
      return index;
    }
    int shift = index / SUB - 1;
    return (long) (SUB + index % SUB) << shift;
  }

  private static long width(int index) {
    return index < 2 * SUB ? 1 : 1L << (index / SUB - 1);
  }
}
