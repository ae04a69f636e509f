package io.jshim.daemon.cgroup;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Parsers for the text formats of cgroup files. They never throw on odd input: a line they cannot read is
 * skipped, because a statistic must not fail over a counter a newer kernel added in a new shape.
 */
final class CgroupFormats {
  private CgroupFormats() {}

  /** A flat keyed file ({@code memory.stat}, {@code cpu.stat}, {@code memory.events}): {@code KEY VALUE} lines. */
  static StatCounters keyed(String text) {
    Map<String, Long> values = new HashMap<>();
    for (String line : text.split("\n")) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length == 2) {
        number(fields[1]).ifPresent(v -> values.put(fields[0], v));
      }
    }
    return new StatCounters(values);
  }

  /**
   * One number: signed or unsigned 64-bit (stored as the same bits), {@code max} as
   * {@link CgroupStats#UNLIMITED}; empty if the text is not a number.
   */
  static OptionalLong number(String text) {
    String s = text.trim();
    if (s.equals("max")) {
      return OptionalLong.of(CgroupStats.UNLIMITED);
    }
    try {
      return OptionalLong.of(s.startsWith("-") ? Long.parseLong(s) : Long.parseUnsignedLong(s));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** Whitespace-separated numbers, as in {@code cpuacct.usage_percpu}. */
  static List<Long> numbers(String text) {
    List<Long> result = new ArrayList<>();
    for (String field : text.trim().split("\\s+")) {
      number(field).ifPresent(result::add);
    }
    return result;
  }

  /** Whitespace-separated words, as in {@code cgroup.controllers}. */
  static Set<String> words(String text) {
    Set<String> result = new LinkedHashSet<>();
    for (String field : text.trim().split("\\s+")) {
      if (!field.isEmpty()) {
        result.add(field);
      }
    }
    return result;
  }

  /** A {@code cgroup.procs} file: one pid a line. */
  static List<Integer> pids(String text) {
    List<Integer> result = new ArrayList<>();
    for (String line : text.split("\n")) {
      String s = line.trim();
      if (s.matches("\\d+")) {
        result.add(Integer.parseInt(s));
      }
    }
    return result;
  }

  /** A blkio file: {@code MAJOR:MINOR [OP] VALUE} lines; the {@code Total N} line is skipped. */
  static List<V1Stats.BlkioEntry> blkio(String text) {
    List<V1Stats.BlkioEntry> result = new ArrayList<>();
    for (String line : text.split("\n")) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length < 2 || fields.length > 3) {
        continue;
      }
      long[] device = device(fields[0]);
      OptionalLong value = number(fields[fields.length - 1]);
      if (device != null && value.isPresent()) {
        result.add(new V1Stats.BlkioEntry(fields.length == 3 ? fields[1] : "", device[0], device[1],
            value.getAsLong()));
      }
    }
    return result;
  }

  /** {@code io.stat}: {@code MAJOR:MINOR rbytes=N wbytes=N rios=N wios=N ...} lines. */
  static List<V2Stats.IoEntry> ioStat(String text) {
    List<V2Stats.IoEntry> result = new ArrayList<>();
    for (String line : text.split("\n")) {
      String[] fields = line.trim().split("\\s+");
      long[] device = device(fields[0]);
      if (device == null) {
        continue;
      }
      Map<String, Long> values = new HashMap<>();
      for (int i = 1; i < fields.length; i++) {
        String[] kv = fields[i].split("=", 2);
        if (kv.length == 2) {
          number(kv[1]).ifPresent(v -> values.put(kv[0], v));
        }
      }
      result.add(new V2Stats.IoEntry(device[0], device[1], values.getOrDefault("rbytes", 0L),
          values.getOrDefault("wbytes", 0L), values.getOrDefault("rios", 0L), values.getOrDefault("wios", 0L)));
    }
    return result;
  }

  private static long[] device(String field) {
    String[] parts = field.split(":");
    if (parts.length != 2 || !parts[0].matches("\\d+") || !parts[1].matches("\\d+")) {
      return null;
    }
    return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
  }
}
