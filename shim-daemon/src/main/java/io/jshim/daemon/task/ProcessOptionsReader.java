package io.jshim.daemon.task;

import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.oci.OciSpec;
import io.jshim.daemon.spawn.Capability;
import io.jshim.daemon.spawn.CapabilitySets;
import io.jshim.daemon.spawn.ProcessOptions;
import io.jshim.daemon.spawn.Rlimit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the process attributes of config.json: {@code rlimits}, {@code user.additionalGids},
 * {@code user.umask}, {@code noNewPrivileges}, {@code oomScoreAdj} and {@code capabilities}.
 */
final class ProcessOptionsReader {
  private ProcessOptionsReader() {}

  static ProcessOptions read(OciSpec.Process process) {
    List<Rlimit> rlimits = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (OciSpec.Rlimit entry : JsonFields.list(process.rlimits(), "process.rlimits")) {
      String type = entry.type() == null ? "" : entry.type();
      if (!Rlimit.TYPES.contains(type)) {
        throw ShimException.invalidArgument("process.rlimits type: \"" + type + "\" (expected: one of " + new TreeSet<>(Rlimit.TYPES) + ")");
      }
      if (!seen.add(type)) {
        throw ShimException.invalidArgument("process.rlimits: " + type + " listed twice (expected: each type once)");
      }
      long soft = JsonFields.unsigned64(entry.soft(), "process.rlimits " + type + " soft");
      long hard = JsonFields.unsigned64(entry.hard(), "process.rlimits " + type + " hard");
      if (Long.compareUnsigned(soft, hard) > 0) {
        throw ShimException.invalidArgument("process.rlimits " + type + ": soft " + Long.toUnsignedString(soft)
            + " is above hard " + Long.toUnsignedString(hard) + " (expected: soft <= hard)");
      }
      rlimits.add(new Rlimit(type, soft, hard));
    }
    OciSpec.User user = process.user() == null ? new OciSpec.User(null, null, null, null, null) : process.user();
    List<Integer> groups = new ArrayList<>();
    for (Long gid : JsonFields.list(user.additionalGids(), "process.user.additionalGids")) {
      groups.add(JsonFields.id(gid, "process.user.additionalGids"));
    }
    OptionalInt umask = OptionalInt.empty();
    if (user.umask() != null) {
      if (user.umask() < 0 || user.umask() > 0777) {
        throw ShimException.invalidArgument("process.user.umask: " + user.umask() + " (expected: 0..511, i.e. 0..0777 octal)");
      }
      umask = OptionalInt.of((int) (long) user.umask());
    }
    OptionalInt oom = OptionalInt.empty();
    if (process.oomScoreAdj() != null) {
      if (process.oomScoreAdj() < -1000 || process.oomScoreAdj() > 1000) {
        throw ShimException.invalidArgument("process.oomScoreAdj: " + process.oomScoreAdj() + " (expected: -1000..1000)");
      }
      oom = OptionalInt.of(process.oomScoreAdj());
    }
    return new ProcessOptions(rlimits, groups, umask, Boolean.TRUE.equals(process.noNewPrivileges()), oom,
        capabilities(process.capabilities()));
  }

  private static Optional<CapabilitySets> capabilities(OciSpec.Capabilities caps) {
    if (caps == null) {
      return Optional.empty();
    }
    return Optional.of(new CapabilitySets(set(caps.bounding(), "bounding"), set(caps.effective(), "effective"),
        set(caps.permitted(), "permitted"), set(caps.inheritable(), "inheritable"), set(caps.ambient(), "ambient")));
  }

  private static Set<Capability> set(List<String> names, String name) {
    String field = "process.capabilities." + name;
    Set<Capability> set = EnumSet.noneOf(Capability.class);
    for (String cap : JsonFields.list(names, field)) {
      set.add(Capability.fromName(cap).orElseThrow(() -> ShimException.invalidArgument(
          field + ": \"" + cap + "\" (expected: a Linux capability name such as CAP_NET_BIND_SERVICE)")));
    }
    return set;
  }
}
