package io.jshim.daemon.spawn;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Process attributes the workload sets on itself before execve, in this order: OOM score, resource
 * limits, bounding set, supplementary groups (with the user switch), the other capability sets, umask,
 * no_new_privs.
 *
 * @param umask file mode creation mask, 0..0777; empty to inherit
 * @param oomScoreAdj -1000..1000; empty to inherit
 * @param capabilities the capability sets; empty to keep the daemon's
 */
public record ProcessOptions(List<Rlimit> rlimits, List<Integer> additionalGids, OptionalInt umask,
    boolean noNewPrivileges, OptionalInt oomScoreAdj, Optional<CapabilitySets> capabilities) {

  public ProcessOptions {
    rlimits = List.copyOf(rlimits);
    additionalGids = List.copyOf(additionalGids);
    Objects.requireNonNull(umask, "umask");
    Objects.requireNonNull(oomScoreAdj, "oomScoreAdj");
    Objects.requireNonNull(capabilities, "capabilities");
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
    return new ProcessOptions(List.of(), List.of(), OptionalInt.empty(), false, OptionalInt.empty(), Optional.empty());
  }
}
