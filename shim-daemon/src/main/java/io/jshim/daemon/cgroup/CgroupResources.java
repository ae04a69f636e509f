package io.jshim.daemon.cgroup;

import io.jshim.daemon.error.ShimException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Linux resource settings to apply: the subset of OCI {@code linux.resources} jshim supports. An empty field
 * leaves the kernel's current value alone. Invalid values are rejected when the record is built, with a
 * message naming the OCI field.
 *
 * @param memoryLimit {@code memory.limit} in bytes, {@code -1} for unlimited
 * @param memoryReservation {@code memory.reservation} (soft limit) in bytes, {@code -1} for unlimited
 * @param memorySwap {@code memory.swap}: memory plus swap in bytes, {@code -1} for unlimited
 * @param cpuShares {@code cpu.shares}, a relative weight 2..262144
 * @param cpuQuota {@code cpu.quota} in microseconds per period, {@code -1} for unlimited
 * @param cpuPeriod {@code cpu.period} in microseconds, 1000..1000000
 * @param cpusetCpus {@code cpu.cpus}, a cpu list such as {@code 0-3,6}
 * @param cpusetMems {@code cpu.mems}, a memory node list such as {@code 0}
 * @param pidsLimit {@code pids.limit}, {@code <= 0} for unlimited
 * @param devices {@code devices}, applied in order; empty leaves device access alone
 * @param blockIo {@code blockIO}
 * @param hugepageLimits {@code hugepageLimits}, one per page size
 * @param unified {@code unified}: cgroup v2 file names and the values written to them, after everything else
 */
public record CgroupResources(
    OptionalLong memoryLimit, OptionalLong memoryReservation, OptionalLong memorySwap,
    OptionalLong cpuShares, OptionalLong cpuQuota, OptionalLong cpuPeriod,
    Optional<String> cpusetCpus, Optional<String> cpusetMems,
    OptionalLong pidsLimit,
    List<DeviceRule> devices,
    BlockIo blockIo,
    List<HugepageLimit> hugepageLimits,
    Map<String, String> unified) {

  /** The value that means "no limit" in the memory, quota and swap fields. */
  public static final long UNLIMITED = -1;

  static final long MIN_SHARES = 2;
  static final long MAX_SHARES = 262_144;
  static final long MIN_PERIOD = 1_000;
  static final long MAX_PERIOD = 1_000_000;
  static final long MIN_QUOTA = 1_000;
  private static final List<String> RESERVED_UNIFIED = List.of("cgroup.procs", "cgroup.threads", "cgroup.kill",
      "cgroup.freeze", "cgroup.subtree_control", "cgroup.type");
  private static final Pattern LIST = Pattern.compile("\\d+(-\\d+)?(,\\d+(-\\d+)?)*");

  public CgroupResources {
    Objects.requireNonNull(memoryLimit, "memoryLimit");
    Objects.requireNonNull(memoryReservation, "memoryReservation");
    Objects.requireNonNull(memorySwap, "memorySwap");
    Objects.requireNonNull(cpuShares, "cpuShares");
    Objects.requireNonNull(cpuQuota, "cpuQuota");
    Objects.requireNonNull(cpuPeriod, "cpuPeriod");
    Objects.requireNonNull(cpusetCpus, "cpusetCpus");
    Objects.requireNonNull(cpusetMems, "cpusetMems");
    Objects.requireNonNull(pidsLimit, "pidsLimit");
    devices = List.copyOf(devices);
    Objects.requireNonNull(blockIo, "blockIo");
    hugepageLimits = List.copyOf(hugepageLimits);
    unified = Map.copyOf(unified);
    checkBytes("memory.limit", memoryLimit, 1);
    checkBytes("memory.reservation", memoryReservation, 0);
    checkBytes("memory.swap", memorySwap, 1);
    checkSwapCoversLimit(memoryLimit, memorySwap);
    checkRange("cpu.shares", cpuShares, MIN_SHARES, MAX_SHARES, "");
    checkQuota(cpuQuota);
    checkRange("cpu.period", cpuPeriod, MIN_PERIOD, MAX_PERIOD, " microseconds");
    checkList("cpu.cpus", cpusetCpus);
    checkList("cpu.mems", cpusetMems);
    checkPageSizesDistinct(hugepageLimits);
    unified.forEach(CgroupResources::checkUnified);
  }

  /** Leaves everything alone. */
  public static CgroupResources none() {
    return new CgroupResources(OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(),
        OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), Optional.empty(), Optional.empty(),
        OptionalLong.empty(), List.of(), BlockIo.NONE, List.of(), Map.of());
  }

  /** True if any memory setting is given. */
  boolean touchesMemory() {
    return memoryLimit.isPresent() || memoryReservation.isPresent() || memorySwap.isPresent();
  }

  /** True if any cpu bandwidth or weight setting is given. */
  boolean touchesCpu() {
    return cpuShares.isPresent() || cpuQuota.isPresent() || cpuPeriod.isPresent();
  }

  /** True if a cpu or memory node list is given. */
  boolean touchesCpuset() {
    return cpusetCpus.isPresent() || cpusetMems.isPresent();
  }

  static String field(String name) {
    return "linux.resources." + name;
  }

  private static void checkBytes(String name, OptionalLong value, long min) {
    if (value.isPresent() && value.getAsLong() != UNLIMITED && value.getAsLong() < min) {
      throw ShimException.invalidArgument(field(name) + ": " + value.getAsLong() + " (expected: -1 for unlimited or "
          + (min == 0 ? "a number of bytes >= 0" : "a positive number of bytes") + ")");
    }
  }

  private static void checkSwapCoversLimit(OptionalLong limit, OptionalLong swap) {
    if (swap.isEmpty() || swap.getAsLong() == UNLIMITED || limit.isEmpty()) {
      return;
    }
    if (limit.getAsLong() == UNLIMITED) {
      throw ShimException.invalidArgument(field("memory.swap") + ": " + swap.getAsLong()
          + " with memory.limit -1 (expected: -1, memory plus swap cannot be limited when memory is not)");
    }
    if (swap.getAsLong() < limit.getAsLong()) {
      throw ShimException.invalidArgument(field("memory.swap") + ": " + swap.getAsLong()
          + " (expected: >= memory.limit " + limit.getAsLong() + ", the swap limit counts memory plus swap)");
    }
  }

  private static void checkRange(String name, OptionalLong value, long min, long max, String unit) {
    if (value.isPresent() && (value.getAsLong() < min || value.getAsLong() > max)) {
      throw ShimException.invalidArgument(field(name) + ": " + value.getAsLong() + " (expected: " + min + ".." + max
          + unit + ")");
    }
  }

  private static void checkQuota(OptionalLong quota) {
    if (quota.isPresent() && quota.getAsLong() != UNLIMITED && quota.getAsLong() < MIN_QUOTA) {
      throw ShimException.invalidArgument(field("cpu.quota") + ": " + quota.getAsLong()
          + " (expected: -1 for unlimited or at least " + MIN_QUOTA + " microseconds)");
    }
  }

  private static void checkPageSizesDistinct(List<HugepageLimit> limits) {
    if (limits.stream().map(HugepageLimit::pageSize).distinct().count() < limits.size()) {
      throw ShimException.invalidArgument(field("hugepageLimits") + ": " + limits.stream().map(HugepageLimit::pageSize)
          .toList() + " (expected: each page size at most once)");
    }
  }

  /**
   * A unified key names one file in the container's own cgroup directory: never a path, and never one of the
   * core files through which the daemon itself moves, freezes or kills the container's processes.
   */
  private static void checkUnified(String key, String value) {
    Objects.requireNonNull(value, "unified value");
    if (key.isEmpty() || key.contains("/") || key.startsWith(".") || !key.contains(".")) {
      throw ShimException.invalidArgument(field("unified") + ": key \"" + key
          + "\" (expected: the name of a file in the cgroup's directory, such as memory.high)");
    }
    if (RESERVED_UNIFIED.contains(key)) {
      throw ShimException.invalidArgument(field("unified") + ": key \"" + key + "\" (expected: a controller's file"
          + " such as memory.high; " + key + " is managed by jshim)");
    }
  }

  private static void checkList(String name, Optional<String> list) {
    if (list.isPresent() && !LIST.matcher(list.get()).matches()) {
      throw ShimException.invalidArgument(field(name) + ": \"" + list.get()
          + "\" (expected: a list of numbers and ranges such as 0-3,6)");
    }
  }
}
