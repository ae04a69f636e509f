package io.jshim.daemon.spawn;

import java.util.EnumSet;
import java.util.Set;

/**
 * The five capability sets of OCI's {@code process.capabilities}; a set the config leaves out is empty.
 */
public record CapabilitySets(Set<Capability> bounding, Set<Capability> effective, Set<Capability> permitted,
    Set<Capability> inheritable, Set<Capability> ambient) {

  public CapabilitySets {
    bounding = copy(bounding);
    effective = copy(effective);
    permitted = copy(permitted);
    inheritable = copy(inheritable);
    ambient = copy(ambient);
  }

  /** The helper's mask form: bit N set for capability number N, in hex. */
  static String mask(Set<Capability> set) {
    long mask = 0;
    for (Capability capability : set) {
      mask |= 1L << capability.ordinal();
    }
    return "0x" + Long.toHexString(mask);
  }

  private static Set<Capability> copy(Set<Capability> set) {
    return set.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(set));
  }
}
