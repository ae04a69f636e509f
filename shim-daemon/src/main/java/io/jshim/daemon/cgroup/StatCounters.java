package io.jshim.daemon.cgroup;

import java.util.Map;
import java.util.Objects;

/**
 * The counters of a flat keyed file such as {@code memory.stat}, as the kernel wrote them. Kept as a map
 * because the set of keys changes between kernel versions; a key the kernel did not write reads as 0.
 * Values are unsigned 64-bit numbers stored in a {@code long}.
 */
public record StatCounters(Map<String, Long> values) {
  public StatCounters {
    values = Map.copyOf(Objects.requireNonNull(values, "values"));
  }

  /** The counter named {@code key}, 0 when the kernel did not write it. */
  public long get(String key) {
    return values.getOrDefault(key, 0L);
  }
}
