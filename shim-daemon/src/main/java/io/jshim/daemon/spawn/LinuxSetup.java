package io.jshim.daemon.spawn;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the workload changes inside its own namespaces once its root is in place: a read-only root,
 * kernel parameters of those namespaces, masked paths, read-only paths.
 *
 * @param sysctl dotted keys to values, e.g. {@code net.ipv4.ip_forward=1}; only namespaced keys
 * @param maskedPaths absolute paths hidden under an empty read-only tmpfs (directories) or /dev/null
 * @param readonlyPaths absolute paths re-mounted read-only
 * @param readonlyRoot whether the root filesystem is re-mounted read-only (needs a rootfs and a mount namespace)
 */
public record LinuxSetup(Map<String, String> sysctl, List<String> maskedPaths, List<String> readonlyPaths,
    boolean readonlyRoot) {
  public LinuxSetup {
    sysctl = Collections.unmodifiableMap(new TreeMap<>(sysctl));
    maskedPaths = List.copyOf(maskedPaths);
    readonlyPaths = List.copyOf(readonlyPaths);
  }

  /** Nothing to change. */
  public static LinuxSetup none() {
    return new LinuxSetup(Map.of(), List.of(), List.of(), false);
  }
}
