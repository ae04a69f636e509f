package io.jshim.daemon.spawn;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Process attributes the workload sets on itself before execve, in this order: OOM score, resource
 * limits, supplementary groups (with the user switch), umask, no_new_privs.
 *
 * @param umask file mode creation mask, 0..0777; empty to inherit
 * @param oomScoreAdj -1000..1000; empty to inherit
 */
public record ProcessOptions(List<Rlimit> rlimits, List<Integer> additionalGids, OptionalInt umask,
    boolean noNewPrivileges, OptionalInt oomScoreAdj) {

  public ProcessOptions {
    rlimits = List.copyOf(rlimits);
    additionalGids = List.copyOf(additionalGids);
    Objects.requireNonNull(umask, "umask");
    Objects.requireNonNull(oomScoreAdj, "oomScoreAdj");
    umask.ifPresent(mask -> {
      if (mask < 0 || mask > 0777) {
        throw new IllegalArgumentException("umask: " + Integer.toOctalString(mask) + " (expected: 0..0777)");
      }
    });
    oomScoreAdj.ifPresent(adj -> {
      if (adj < -1000 || adj > 1000) {
        throw new IllegalArgumentException("oomScoreAdj: " + adj + " (expected: -1000..1000)");
      }
    });
  }

  /** Nothing to set: inherit everything. */
  public static ProcessOptions inherit() {
    return new ProcessOptions(List.of(), List.of(), OptionalInt.empty(), false, OptionalInt.empty());
  }
}
