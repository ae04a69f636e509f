package io.jshim.daemon.cgroup;

import static io.jshim.daemon.cgroup.CgroupResources.field;

import io.jshim.daemon.error.ShimException;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * OCI {@code linux.resources.blockIO}: proportional I/O weights and per-device throttles.
 *
 * @param weight the cgroup's weight, 10..1000
 * @param leafWeight the weight of the cgroup's own tasks against its children (cgroup v1 CFQ only), 10..1000
 * @param weightDevices per-device weights
 * @param throttles per-device rate limits, in the order the config lists them
 */
public record BlockIo(OptionalInt weight, OptionalInt leafWeight, List<WeightDevice> weightDevices,
    List<Throttle> throttles) {
  static final int MIN_WEIGHT = 10;
  static final int MAX_WEIGHT = 1000;

  /** No block I/O setting. */
  public static final BlockIo NONE = new BlockIo(OptionalInt.empty(), OptionalInt.empty(), List.of(), List.of());

  public BlockIo {
    Objects.requireNonNull(weight, "weight");
    Objects.requireNonNull(leafWeight, "leafWeight");
    weightDevices = List.copyOf(weightDevices);
    throttles = List.copyOf(throttles);
    checkWeight("blockIO.weight", weight);
    checkWeight("blockIO.leafWeight", leafWeight);
  }

  /** True if nothing is set. */
  public boolean isEmpty() {
    return weight.isEmpty() && leafWeight.isEmpty() && weightDevices.isEmpty() && throttles.isEmpty();
  }

  static void checkWeight(String name, OptionalInt value) {
    if (value.isPresent() && (value.getAsInt() < MIN_WEIGHT || value.getAsInt() > MAX_WEIGHT)) {
      throw ShimException.invalidArgument(field(name) + ": " + value.getAsInt() + " (expected: " + MIN_WEIGHT + ".."
          + MAX_WEIGHT + ")");
    }
  }

  static void checkDevice(String name, long major, long minor) {
    if (major < 0 || minor < 0) {
      throw ShimException.invalidArgument(field(name) + ": device " + major + ":" + minor
          + " (expected: the major and minor numbers of a block device, both >= 0)");
    }
  }

  /**
   * {@code blockIO.weightDevice[]}: the weights of one block device.
   *
   * @param major the device's major number
   * @param minor the device's minor number
   * @param weight 10..1000
   * @param leafWeight 10..1000, cgroup v1 CFQ only
   */
  public record WeightDevice(long major, long minor, OptionalInt weight, OptionalInt leafWeight) {
    public WeightDevice {
      Objects.requireNonNull(weight, "weight");
      Objects.requireNonNull(leafWeight, "leafWeight");
      checkDevice("blockIO.weightDevice", major, minor);
      checkWeight("blockIO.weightDevice.weight", weight);
      checkWeight("blockIO.weightDevice.leafWeight", leafWeight);
    }

    /** {@code MAJOR:MINOR}. */
    public String device() {
      return major + ":" + minor;
    }
  }

  /** The four throttles, with their names in OCI, in cgroup v1's blkio files and in v2's {@code io.max}. */
  public enum Limit {
    READ_BPS("throttleReadBpsDevice", "blkio.throttle.read_bps_device", "rbps"),
    WRITE_BPS("throttleWriteBpsDevice", "blkio.throttle.write_bps_device", "wbps"),
    READ_IOPS("throttleReadIOPSDevice", "blkio.throttle.read_iops_device", "riops"),
    WRITE_IOPS("throttleWriteIOPSDevice", "blkio.throttle.write_iops_device", "wiops");

    private final String ociName;
    private final String v1File;
    private final String v2Key;

    Limit(String ociName, String v1File, String v2Key) {
      this.ociName = ociName;
      this.v1File = v1File;
      this.v2Key = v2Key;
    }

    /** The field's name under {@code blockIO} in config.json. */
    public String ociName() {
      return ociName;
    }

    String v1File() {
      return v1File;
    }

    String v2Key() {
      return v2Key;
    }
  }

  /**
   * One per-device rate limit.
   *
   * @param limit which rate
   * @param major the device's major number
   * @param minor the device's minor number
   * @param rate bytes or operations per second; what 0 means is the kernel's (v1: no limit)
   */
  public record Throttle(Limit limit, long major, long minor, long rate) {
    public Throttle {
      Objects.requireNonNull(limit, "limit");
      checkDevice("blockIO." + limit.ociName(), major, minor);
      if (rate < 0) {
        throw ShimException.invalidArgument(field("blockIO." + limit.ociName()) + ": rate " + rate
            + " (expected: a rate >= 0)");
      }
    }

    /** {@code MAJOR:MINOR}. */
    public String device() {
      return major + ":" + minor;
    }
  }
}
