package io.jshim.daemon.cgroup;

import io.jshim.daemon.error.ShimException;
import java.util.List;
import java.util.Objects;

/**
 * One entry of OCI {@code linux.resources.devices}: allows or denies access to device nodes.
 *
 * @param allow true to allow, false to deny
 * @param type {@code 'a'} (all), {@code 'c'} (character) or {@code 'b'} (block)
 * @param major the major number, {@code -1} for any
 * @param minor the minor number, {@code -1} for any
 * @param access a non-empty combination of {@code r} (read), {@code w} (write), {@code m} (mknod)
 */
public record DeviceRule(boolean allow, char type, long major, long minor, String access) {
  /** Any device number. */
  public static final long ANY = -1;

  public DeviceRule {
    Objects.requireNonNull(access, "access");
    if (type != 'a' && type != 'c' && type != 'b') {
      throw ShimException.invalidArgument("linux.resources.devices: type '" + type + "' (expected: 'a', 'c' or 'b')");
    }
    if (major < ANY || minor < ANY) {
      throw ShimException.invalidArgument("linux.resources.devices: " + major + ":" + minor
          + " (expected: major and minor >= 0, or -1 for any)");
    }
    if (access.isEmpty() || !access.chars().allMatch(c -> c == 'r' || c == 'w' || c == 'm')) {
      throw ShimException.invalidArgument("linux.resources.devices: access \"" + access
          + "\" (expected: a non-empty combination of r, w and m)");
    }
  }

  /** A rule that allows or denies every device completely. */
  public static DeviceRule all(boolean allow) {
    return new DeviceRule(allow, 'a', ANY, ANY, "rwm");
  }

  /** True if this rule names every device with every access. */
  public boolean coversEverything() {
    return type == 'a' && major == ANY && minor == ANY
        && access.indexOf('r') >= 0 && access.indexOf('w') >= 0 && access.indexOf('m') >= 0;
  }

  /**
   * The lines to write to v1 {@code devices.allow} or {@code devices.deny}. The kernel reads a bare {@code a}
   * as "everything" and ignores numbers and access after it, so a narrower rule of type {@code a} is spelled
   * out for both device types.
   */
  List<String> v1Lines() {
    if (coversEverything()) {
      return List.of("a");
    }
    if (type == 'a') {
      return List.of(line('c'), line('b'));
    }
    return List.of(line(type));
  }

  private String line(char deviceType) {
    return deviceType + " " + number(major) + ":" + number(minor) + " " + access;
  }

  private static String number(long n) {
    return n == ANY ? "*" : Long.toString(n);
  }
}
