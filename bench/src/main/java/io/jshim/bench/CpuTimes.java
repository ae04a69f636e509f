package io.jshim.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Machine-wide CPU time from /proc/stat, to tell whether a burst saturated the cores. */
final class CpuTimes {
  private CpuTimes() {}

  /** {busy, total} jiffies over all CPUs (idle and iowait count as not busy). */
  static long[] read() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length && i <= 8; i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      return new long[] {total - idle, total};
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Busy fraction of all CPUs between two readings (0..1), NaN if no time passed. */
  static double busy(long[] before, long[] after) {
    long total = after[1] - before[1];
    return total <= 0 ? Double.NaN : (double) (after[0] - before[0]) / total;
  }
}
