package io.jshim.bench.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU times from /proc, in clock ticks (USER_HZ, 100 per second on Linux).
 *
 * @param utime  user time of the process (all its threads, live and ended)
 * @param stime  system time of the process
 * @param cutime user time of the children it has waited for (and of the descendants they waited for)
 * @param cstime system time of those children
 */
record ProcStat(long utime, long stime, long cutime, long cstime) {
  static final double MS_PER_TICK = 10.0;

  /** This JVM. */
  static ProcStat self() {
    return of("self");
  }

  static ProcStat of(int pid) {
    return of(Integer.toString(pid));
  }

  private static ProcStat of(String pid) {
    String stat = read(Path.of("/proc", pid, "stat"));
    // the command name (field 2) may hold spaces and parentheses: the fields that follow start after the last ')'
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    // f[0] is field 3 (state); utime, stime, cutime, cstime are fields 14 to 17
    return new ProcStat(Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14]));
  }

  long own() {
    return utime + stime;
  }

  long children() {
    return cutime + cstime;
  }

  long all() {
    return own() + children();
  }

  /** Busy ticks of all CPUs together (everything but idle and iowait), from /proc/stat. */
  static long machineBusy() {
    String[] f = read(Path.of("/proc/stat")).lines().findFirst().orElseThrow().trim().split("\\s+");
    long busy = 0;
    for (int i = 1; i < f.length && i <= 8; i++) {
      if (i != 4 && i != 5) {
        busy += Long.parseLong(f[i]);
      }
    }
    return busy;
  }

  private static String read(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
