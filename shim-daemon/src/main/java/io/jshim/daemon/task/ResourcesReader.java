package io.jshim.daemon.task;

import io.jshim.daemon.cgroup.BlockIo;
import io.jshim.daemon.cgroup.CgroupResources;
import io.jshim.daemon.cgroup.DeviceRule;
import io.jshim.daemon.cgroup.HugepageLimit;
import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.oci.LinuxResources;
import io.jshim.daemon.spawn.Device;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
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
    BlockIo blockIo = r.blockIO() == null ? BlockIo.NONE : blockIo(r.blockIO(), prefix + ".blockIO");
    List<HugepageLimit> hugepages = new ArrayList<>();
    List<LinuxResources.HugepageLimit> configHugepages = JsonFields.list(r.hugepageLimits(), prefix + ".hugepageLimits");
    for (int i = 0; i < configHugepages.size(); i++) {
      LinuxResources.HugepageLimit h = configHugepages.get(i);
      String field = prefix + ".hugepageLimits[" + i + "]";
      hugepages.add(new HugepageLimit(JsonFields.required(h.pageSize(), field + ".pageSize", "a size such as 2MB"),
          u63(JsonFields.required(h.limit(), field + ".limit", "a number of bytes"), field + ".limit")));
    }
    Map<String, String> unified = r.unified() == null ? Map.of() : r.unified();
    if (unified.values().stream().anyMatch(v -> v == null)) {
      throw ShimException.invalidArgument(prefix + ".unified: a null value (expected: strings)");
    }
    try {
      return new CgroupResources(limit, reservation, swap, shares, quota, period, cpus, mems, pids, rules, blockIo,
          hugepages, unified);
    } catch (IllegalArgumentException e) {
      throw ShimException.invalidArgument(prefix + ": " + e.getMessage());
    }
  }

  /** The parts of {@code r} jshim does not apply, by field name. */
  static List<String> notApplied(LinuxResources r, String prefix) {
    List<String> fields = new ArrayList<>();
    Map<String, Object> parts = new LinkedHashMap<>();
    parts.put("network", r.network());
    parts.put("rdma", r.rdma());
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

  private static BlockIo blockIo(LinuxResources.BlockIO b, String field) {
    List<BlockIo.WeightDevice> weights = new ArrayList<>();
    List<LinuxResources.WeightDevice> configWeights = JsonFields.list(b.weightDevice(), field + ".weightDevice");
    for (int i = 0; i < configWeights.size(); i++) {
      LinuxResources.WeightDevice d = configWeights.get(i);
      String at = field + ".weightDevice[" + i + "]";
      weights.add(new BlockIo.WeightDevice(number(d.major(), at + ".major"), number(d.minor(), at + ".minor"),
          weight(d.weight()), weight(d.leafWeight())));
    }
    List<BlockIo.Throttle> throttles = new ArrayList<>();
    throttles(throttles, BlockIo.Limit.READ_BPS, b.throttleReadBpsDevice(), field);
    throttles(throttles, BlockIo.Limit.WRITE_BPS, b.throttleWriteBpsDevice(), field);
    throttles(throttles, BlockIo.Limit.READ_IOPS, b.throttleReadIOPSDevice(), field);
    throttles(throttles, BlockIo.Limit.WRITE_IOPS, b.throttleWriteIOPSDevice(), field);
    return new BlockIo(weight(b.weight()), weight(b.leafWeight()), weights, throttles);
  }

  private static void throttles(List<BlockIo.Throttle> into, BlockIo.Limit limit,
      List<LinuxResources.ThrottleDevice> devices, String field) {
    List<LinuxResources.ThrottleDevice> list = JsonFields.list(devices, field + "." + limit.ociName());
    for (int i = 0; i < list.size(); i++) {
      LinuxResources.ThrottleDevice d = list.get(i);
      String at = field + "." + limit.ociName() + "[" + i + "]";
      into.add(new BlockIo.Throttle(limit, number(d.major(), at + ".major"), number(d.minor(), at + ".minor"),
          u63(JsonFields.required(d.rate(), at + ".rate", "a rate per second"), at + ".rate")));
    }
  }

  // runc's rule for weights: 0 means "not set"
  private static OptionalInt weight(Integer value) {
    return value == null || value == 0 ? OptionalInt.empty() : OptionalInt.of(value);
  }

  private static long number(Long value, String field) {
    return JsonFields.required(value, field, "a device number");
  }

  private static long u63(BigInteger value, String field) {
    if (value.signum() < 0 || value.bitLength() > 63) {
      throw ShimException.invalidArgument(field + ": " + value + " (expected: an integer 0.." + Long.MAX_VALUE + ")");
    }
    return value.longValue();
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
