package io.jshim.daemon.task;

import io.jshim.daemon.cgroup.CgroupResources;
import io.jshim.daemon.cgroup.DeviceRule;
import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.oci.LinuxResources;
import io.jshim.daemon.spawn.Device;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Turns {@code linux.resources} (from config.json or an Update request) into the cgroup settings jshim
 * applies. Parts it does not apply are listed by {@link #notApplied}, never dropped silently.
 */
final class ResourcesReader {
  /**
   * What runc allows every container besides its own rules, so the default /dev works under a
   * deny-all device rule: mknod of anything, the default nodes, pts, ptmx and /dev/net/tun.
   */
  private static final List<DeviceRule> DEFAULT_ALLOWED = List.of(
      new DeviceRule(true, 'c', -1, -1, "m"), new DeviceRule(true, 'b', -1, -1, "m"),
      new DeviceRule(true, 'c', 1, 3, "rwm"), new DeviceRule(true, 'c', 1, 5, "rwm"),
      new DeviceRule(true, 'c', 1, 7, "rwm"), new DeviceRule(true, 'c', 1, 8, "rwm"),
      new DeviceRule(true, 'c', 1, 9, "rwm"), new DeviceRule(true, 'c', 5, 0, "rwm"),
      new DeviceRule(true, 'c', 5, 2, "rwm"), new DeviceRule(true, 'c', 136, -1, "rwm"),
      new DeviceRule(true, 'c', 10, 200, "rwm"));

  private ResourcesReader() {}

  /**
   * @param devices nodes the container gets (their rules are allowed after the config's own)
   * @param prefix the field prefix for messages, e.g. {@code linux.resources}
   */
  static CgroupResources read(LinuxResources r, List<Device> devices, String prefix) {
    LinuxResources.Memory memory = r.memory();
    OptionalLong limit = OptionalLong.empty();
    OptionalLong reservation = OptionalLong.empty();
    OptionalLong swap = OptionalLong.empty();
    if (memory != null) {
      limit = bytes(memory.limit(), prefix + ".memory.limit");
      reservation = bytes(memory.reservation(), prefix + ".memory.reservation");
      swap = bytes(memory.swap(), prefix + ".memory.swap");
    }
    LinuxResources.Cpu cpu = r.cpu();
    OptionalLong shares = OptionalLong.empty();
    OptionalLong quota = OptionalLong.empty();
    OptionalLong period = OptionalLong.empty();
    Optional<String> cpus = Optional.empty();
    Optional<String> mems = Optional.empty();
    if (cpu != null) {
      shares = unsigned(cpu.shares(), prefix + ".cpu.shares");
      quota = cpu.quota() == null || cpu.quota() == 0 ? OptionalLong.empty() : OptionalLong.of(cpu.quota());
      period = unsigned(cpu.period(), prefix + ".cpu.period");
      cpus = Optional.ofNullable(cpu.cpus()).filter(s -> !s.isEmpty());
      mems = Optional.ofNullable(cpu.mems()).filter(s -> !s.isEmpty());
    }
    OptionalLong pids = r.pids() == null || r.pids().limit() == null ? OptionalLong.empty() : OptionalLong.of(r.pids().limit());
    List<DeviceRule> rules = new ArrayList<>();
    List<LinuxResources.DeviceRule> configRules = JsonFields.list(r.devices(), prefix + ".devices");
    for (int i = 0; i < configRules.size(); i++) {
      rules.add(rule(configRules.get(i), prefix + ".devices[" + i + "]"));
    }
    if (!rules.isEmpty()) {
      rules.addAll(DEFAULT_ALLOWED);
      for (Device d : devices) {
        if (d.type() != 'p') {
          rules.add(new DeviceRule(true, d.type() == 'b' ? 'b' : 'c', d.major(), d.minor(), "rwm"));
        }
      }
    }
    try {
      return new CgroupResources(limit, reservation, swap, shares, quota, period, cpus, mems, pids, rules);
    } catch (IllegalArgumentException e) {
      throw ShimException.invalidArgument(prefix + ": " + e.getMessage());
    }
  }

  /** The parts of {@code r} jshim does not apply, by field name. */
  static List<String> notApplied(LinuxResources r, String prefix) {
    List<String> fields = new ArrayList<>();
    Map<String, Object> parts = new LinkedHashMap<>();
    parts.put("blockIO", r.blockIO());
    parts.put("hugepageLimits", r.hugepageLimits());
    parts.put("network", r.network());
    parts.put("rdma", r.rdma());
    parts.put("unified", r.unified() == null || r.unified().isEmpty() ? null : r.unified());
    if (r.memory() != null) {
      parts.put("memory.kernel", r.memory().kernel());
      parts.put("memory.kernelTCP", r.memory().kernelTCP());
      parts.put("memory.swappiness", r.memory().swappiness());
      parts.put("memory.disableOOMKiller", Boolean.TRUE.equals(r.memory().disableOOMKiller()) ? true : null);
    }
    if (r.cpu() != null) {
      parts.put("cpu.realtimeRuntime", r.cpu().realtimeRuntime());
      parts.put("cpu.realtimePeriod", r.cpu().realtimePeriod());
      parts.put("cpu.burst", r.cpu().burst());
      parts.put("cpu.idle", r.cpu().idle());
    }
    parts.forEach((name, value) -> {
      if (JsonFields.isSet(value)) {
        fields.add(prefix + "." + name);
      }
    });
    return fields;
  }

  private static DeviceRule rule(LinuxResources.DeviceRule rule, String field) {
    String type = rule.type() == null || rule.type().isEmpty() ? "a" : rule.type();
    if (type.length() != 1 || "acb".indexOf(type.charAt(0)) < 0) {
      throw ShimException.invalidArgument(field + ".type: \"" + type + "\" (expected: a, c or b)");
    }
    String access = rule.access() == null || rule.access().isEmpty() ? "rwm" : rule.access();
    if (!access.matches("[rwm]{1,3}")) {
      throw ShimException.invalidArgument(field + ".access: \"" + access + "\" (expected: letters from rwm)");
    }
    long major = rule.major() == null ? -1 : rule.major();
    long minor = rule.minor() == null ? -1 : rule.minor();
    if (major < -1 || minor < -1) {
      throw ShimException.invalidArgument(field + ": " + major + ":" + minor + " (expected: device numbers >= 0, or absent for any)");
    }
    return new DeviceRule(Boolean.TRUE.equals(rule.allow()), type.charAt(0), major, minor, access);
  }

  private static OptionalLong bytes(Long value, String field) {
    // runc's rule: 0 means "not set"
    if (value == null || value == 0) {
      return OptionalLong.empty();
    }
    if (value < -1) {
      throw ShimException.invalidArgument(field + ": " + value + " (expected: a byte count > 0, or -1 for unlimited)");
    }
    return OptionalLong.of(value);
  }

  private static OptionalLong unsigned(BigInteger value, String field) {
    // as for memory: 0 means "not set"
    if (value == null || value.signum() == 0) {
      return OptionalLong.empty();
    }
    if (value.signum() < 0 || value.bitLength() > 63) {
      throw ShimException.invalidArgument(field + ": " + value + " (expected: an integer 0.." + Long.MAX_VALUE + ")");
    }
    return OptionalLong.of(value.longValue());
  }
}
