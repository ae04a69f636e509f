package io.jshim.daemon.oci;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * {@code linux.resources} of an OCI config, also the payload of containerd's Update request. Absent
 * fields are {@code null} and mean "leave as is".
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LinuxResources(
    List<DeviceRule> devices,
    Memory memory,
    Cpu cpu,
    Pids pids,
    BlockIO blockIO,
    List<HugepageLimit> hugepageLimits,
    JsonNode network,
    JsonNode rdma,
    Map<String, String> unified) {

  /** {@code devices[]}: a device cgroup rule. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record DeviceRule(Boolean allow, String type, Long major, Long minor, String access) {}

  /** {@code memory}: byte counts; -1 means unlimited. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Memory(Long limit, Long reservation, Long swap, Long kernel, Long kernelTCP, BigInteger swappiness,
      Boolean disableOOMKiller, Boolean useHierarchy, Boolean checkBeforeUpdate) {}

  /** {@code cpu}: CFS shares and bandwidth, cpuset. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Cpu(BigInteger shares, Long quota, Long burst, BigInteger period, Long realtimeRuntime,
      BigInteger realtimePeriod, String cpus, String mems, Long idle) {}

  /** {@code blockIO}: weights 10..1000 and per-device throttles. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record BlockIO(Integer weight, Integer leafWeight, List<WeightDevice> weightDevice,
      List<ThrottleDevice> throttleReadBpsDevice, List<ThrottleDevice> throttleWriteBpsDevice,
      @JsonProperty("throttleReadIOPSDevice") List<ThrottleDevice> throttleReadIOPSDevice,
      @JsonProperty("throttleWriteIOPSDevice") List<ThrottleDevice> throttleWriteIOPSDevice) {}

  /** {@code blockIO.weightDevice[]}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record WeightDevice(Long major, Long minor, Integer weight, Integer leafWeight) {}

  /** {@code blockIO.throttle*Device[]}: a rate in bytes or operations per second. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ThrottleDevice(Long major, Long minor, BigInteger rate) {}

  /** {@code hugepageLimits[]}: bytes of one page size. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record HugepageLimit(String pageSize, BigInteger limit) {}

  /** {@code pids}: the maximum number of tasks; 0 or less means unlimited. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Pids(Long limit) {}
}
