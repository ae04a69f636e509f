package io.jshim.daemon.spawn;

import java.util.Objects;
import java.util.Set;

/**
 * One resource limit for the workload, as OCI's {@code process.rlimits[]} gives it.
 *
 * @param type the OCI name, e.g. {@code RLIMIT_NOFILE}
 * @param soft the soft limit, an unsigned 64-bit value ({@code -1L} is RLIM_INFINITY)
 * @param hard the hard limit, unsigned likewise
 */
public record Rlimit(String type, long soft, long hard) {
  /** The limit names Linux knows. */
  public static final Set<String> TYPES = Set.of("RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK",
      "RLIMIT_CORE", "RLIMIT_RSS", "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS",
      "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME");

  public Rlimit {
    Objects.requireNonNull(type, "type");
    if (!TYPES.contains(type)) {
      throw new IllegalArgumentException("rlimit type: " + type + " (expected: one of " + TYPES + ")");
    }
    if (Long.compareUnsigned(soft, hard) > 0) {
      throw new IllegalArgumentException("rlimit " + type + ": soft " + Long.toUnsignedString(soft) + " > hard "
          + Long.toUnsignedString(hard) + " (expected: soft <= hard)");
    }
  }

  /** The helper's {@code --rlimit} argument: {@code NAME=SOFT:HARD}. */
  String helperArgument() {
    return type + "=" + Long.toUnsignedString(soft) + ":" + Long.toUnsignedString(hard);
  }
}
