package io.jshim.daemon.checkpoint;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The mounts of a container that come from outside its mount namespace, which CRIU dumps by name only and a
 * restore must bind again.
 *
 * @param binds bind mounts: target in the container to source on the host, in mount order
 * @param maskedFiles files hidden under /dev/null
 */
public record ExternalMounts(Map<String, String> binds, List<String> maskedFiles) {
  public ExternalMounts {
    binds = Collections.unmodifiableMap(new LinkedHashMap<>(binds));
    maskedFiles = List.copyOf(maskedFiles);
  }

  /** No external mounts. */
  public static ExternalMounts none() {
    return new ExternalMounts(Map.of(), List.of());
  }
}
