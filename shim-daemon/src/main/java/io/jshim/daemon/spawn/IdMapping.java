package io.jshim.daemon.spawn;

/**
 * One line of a user namespace's uid_map or gid_map: {@code size} ids from {@code containerId} inside
 * map to {@code hostId} outside.
 */
public record IdMapping(long containerId, long hostId, long size) {
  public IdMapping {
    if (containerId < 0 || hostId < 0 || size < 1 || containerId + size > 1L << 32 || hostId + size > 1L << 32) {
      throw new IllegalArgumentException("id mapping " + containerId + ":" + hostId + ":" + size
          + " (expected: ids and size within 0..4294967295, size >= 1)");
    }
  }

  /** The helper's form, {@code C:H:N}. */
  String helperArgument() {
    return containerId + ":" + hostId + ":" + size;
  }
}
