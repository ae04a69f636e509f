package io.jshim.daemon.cgroup;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** Builds {@link CgroupResources} for tests, one field at a time. */
final class ResourcesBuilder {
  private OptionalLong memoryLimit = OptionalLong.empty();
  private OptionalLong memoryReservation = OptionalLong.empty();
  private OptionalLong memorySwap = OptionalLong.empty();
  private OptionalLong cpuShares = OptionalLong.empty();
  private OptionalLong cpuQuota = OptionalLong.empty();
  private OptionalLong cpuPeriod = OptionalLong.empty();
  private Optional<String> cpus = Optional.empty();
  private Optional<String> mems = Optional.empty();
  private OptionalLong pids = OptionalLong.empty();
  private final List<DeviceRule> devices = new ArrayList<>();
  private BlockIo blockIo = BlockIo.NONE;
  private final List<HugepageLimit> hugepageLimits = new ArrayList<>();
  private final Map<String, String> unified = new LinkedHashMap<>();

  static ResourcesBuilder resources() {
    return new ResourcesBuilder();
  }

  ResourcesBuilder memoryLimit(long v) {
    memoryLimit = OptionalLong.of(v);
    return this;
  }

  ResourcesBuilder memoryReservation(long v) {
    memoryReservation = OptionalLong.of(v);
    return this;
  }

  ResourcesBuilder memorySwap(long v) {
    memorySwap = OptionalLong.of(v);
    return this;
  }

  ResourcesBuilder cpuShares(long v) {
    cpuShares = OptionalLong.of(v);
    return this;
  }

  ResourcesBuilder cpuQuota(long v) {
    cpuQuota = OptionalLong.of(v);
    return this;
  }

  ResourcesBuilder cpuPeriod(long v) {
    cpuPeriod = OptionalLong.of(v);
    return this;
  }

  ResourcesBuilder cpus(String v) {
    cpus = Optional.of(v);
    return this;
  }

  ResourcesBuilder mems(String v) {
    mems = Optional.of(v);
    return this;
  }

  ResourcesBuilder pidsLimit(long v) {
    pids = OptionalLong.of(v);
    return this;
  }

  ResourcesBuilder device(DeviceRule rule) {
    devices.add(rule);
    return this;
  }

  ResourcesBuilder blockIo(BlockIo v) {
    blockIo = v;
    return this;
  }

  ResourcesBuilder hugepageLimit(String pageSize, long limit) {
    hugepageLimits.add(new HugepageLimit(pageSize, limit));
    return this;
  }

  ResourcesBuilder unified(String key, String value) {
    unified.put(key, value);
    return this;
  }

  CgroupResources build() {
    return new CgroupResources(memoryLimit, memoryReservation, memorySwap, cpuShares, cpuQuota, cpuPeriod, cpus, mems,
        pids, devices, blockIo, hugepageLimits, unified);
  }
}
