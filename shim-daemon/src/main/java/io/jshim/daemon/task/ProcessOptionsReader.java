package io.jshim.daemon.task;

import com.fasterxml.jackson.databind.JsonNode;
import io.jshim.daemon.error.ShimException;
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

  static ProcessOptions read(JsonNode process) {
    List<Rlimit> rlimits = new ArrayList<>();
    JsonNode list = process.path("rlimits");
    if (!list.isMissingNode() && !list.isNull() && !list.isArray()) {
      throw ShimException.invalidArgument("process.rlimits: " + list.getNodeType() + " (expected: an array)");
    }
    Set<String> seen = new HashSet<>();
    for (JsonNode entry : list) {
      String type = entry.path("type").asText("");
      if (!Rlimit.TYPES.contains(type)) {
        throw ShimException.invalidArgument("process.rlimits type: \"" + type + "\" (expected: one of " + new TreeSet<>(Rlimit.TYPES) + ")");
      }
      if (!seen.add(type)) {
        throw ShimException.invalidArgument("process.rlimits: " + type + " listed twice (expected: each type once)");
      }
      long soft = JsonFields.unsigned64(entry.path("soft"), "process.rlimits " + type + " soft");
      long hard = JsonFields.unsigned64(entry.path("hard"), "process.rlimits " + type + " hard");
      if (Long.compareUnsigned(soft, hard) > 0) {
        throw ShimException.invalidArgument("process.rlimits " + type + ": soft " + Long.toUnsignedString(soft)
            + " is above hard " + Long.toUnsignedString(hard) + " (expected: soft <= hard)");
      }
      rlimits.add(new Rlimit(type, soft, hard));
    }
    JsonNode user = process.path("user");
    List<Integer> groups = new ArrayList<>();
    JsonNode gids = user.path("additionalGids");
    if (!gids.isMissingNode() && !gids.isNull() && !gids.isArray()) {
      throw ShimException.invalidArgument("process.user.additionalGids: " + gids.getNodeType() + " (expected: an array of gids)");
    }
    for (JsonNode gid : gids) {
      groups.add(JsonFields.id(gid, "process.user.additionalGids"));
    }
    OptionalInt umask = OptionalInt.empty();
    JsonNode mask = user.path("umask");
    if (!mask.isMissingNode() && !mask.isNull()) {
      if (!mask.isIntegralNumber() || mask.intValue() < 0 || mask.intValue() > 0777) {
        throw ShimException.invalidArgument("process.user.umask: " + mask + " (expected: 0..511, i.e. 0..0777 octal)");
      }
      umask = OptionalInt.of(mask.intValue());
    }
    OptionalInt oom = OptionalInt.empty();
    JsonNode adj = process.path("oomScoreAdj");
    if (!adj.isMissingNode() && !adj.isNull()) {
      if (!adj.isIntegralNumber() || adj.intValue() < -1000 || adj.intValue() > 1000) {
        throw ShimException.invalidArgument("process.oomScoreAdj: " + adj + " (expected: -1000..1000)");
      }
      oom = OptionalInt.of(adj.intValue());
    }
    JsonNode noNewPrivileges = process.path("noNewPrivileges");
    if (!noNewPrivileges.isMissingNode() && !noNewPrivileges.isNull() && !noNewPrivileges.isBoolean()) {
      throw ShimException.invalidArgument("process.noNewPrivileges: " + noNewPrivileges + " (expected: true or false)");
    }
    return new ProcessOptions(rlimits, groups, umask, noNewPrivileges.asBoolean(false), oom,
        capabilities(process.path("capabilities")));
  }

  private static Optional<CapabilitySets> capabilities(JsonNode caps) {
    if (caps.isMissingNode() || caps.isNull()) {
      return Optional.empty();
    }
    if (!caps.isObject()) {
      throw ShimException.invalidArgument("process.capabilities: " + caps.getNodeType() + " (expected: an object of capability sets)");
    }
    return Optional.of(new CapabilitySets(capabilitySet(caps, "bounding"), capabilitySet(caps, "effective"),
        capabilitySet(caps, "permitted"), capabilitySet(caps, "inheritable"), capabilitySet(caps, "ambient")));
  }

  private static Set<Capability> capabilitySet(JsonNode caps, String name) {
    String field = "process.capabilities." + name;
    Set<Capability> set = EnumSet.noneOf(Capability.class);
    for (String cap : JsonFields.strings(caps.path(name), field)) {
      set.add(Capability.fromName(cap).orElseThrow(() -> ShimException.invalidArgument(
          field + ": \"" + cap + "\" (expected: a Linux capability name such as CAP_NET_BIND_SERVICE)")));
    }
    return set;
  }
}
