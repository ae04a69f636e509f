package io.jshim.daemon.cgroup;

/** Converts cgroup v1 {@code cpu.shares} to cgroup v2 {@code cpu.weight}. */
final class CpuWeight {
  private CpuWeight() {}

  /**
   * Maps shares 2..262144 linearly onto weight 1..10000, the mapping runc and crun used for years, so a
   * container gets the weight it would get from them. The default 1024 shares become weight 39, not the
   * v2 default 100: that is the known cost of the linear map.
   */
  static long fromShares(long shares) {
    long clamped = Math.max(CgroupResources.MIN_SHARES, Math.min(CgroupResources.MAX_SHARES, shares));
    return 1 + ((clamped - 2) * 9999) / 262142;
  }
}
