package io.jshim.client.cli;

import java.util.LinkedHashMap;
import java.util.List;

/** An OCI {@code process.env} list, {@code KEY=VALUE} entries, changed by {@code -e/--env} options. */
final class EnvList {
  private EnvList() {
  }

  /**
   * Applies {@code --env} entries to an environment: an entry replaces the one with the same key where it stands,
   * entries with new keys are appended in order.
   *
   * @param base the environment to start from; an entry without {@code =} counts as a key of its own
   * @param extra {@code KEY=VALUE} entries from {@code --env}
   * @return the new environment list
   * @throws IllegalArgumentException for an entry of {@code extra} without {@code =} or with an empty key
   */
  static List<String> merge(List<String> base, List<String> extra) {
    LinkedHashMap<String, String> byKey = new LinkedHashMap<>();
    for (String entry : base) {
      byKey.put(key(entry), entry);
    }
    for (String entry : extra) {
      int eq = entry.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--env: " + entry + " (expected: KEY=VALUE)");
      }
      byKey.put(entry.substring(0, eq), entry);
    }
    return List.copyOf(byKey.values());
  }

  private static String key(String entry) {
    int eq = entry.indexOf('=');
    return eq < 0 ? entry : entry.substring(0, eq);
  }
}
