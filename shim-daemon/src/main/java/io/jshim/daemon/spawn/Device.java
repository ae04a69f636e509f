package io.jshim.daemon.spawn;

/**
 * A device node created in the container's {@code /dev} (or wherever {@code path} points) before pivot_root.
 *
 * @param path absolute path inside the container
 * @param type {@code c}, {@code b}, {@code u} (unbuffered character) or {@code p} (FIFO)
 * @param mode permission bits, e.g. {@code 0666}
 */
public record Device(String path, char type, long major, long minor, int mode, int uid, int gid) {
  public Device {
    if (path == null || !path.startsWith("/")) {
      throw new IllegalArgumentException("path: " + path + " (expected: an absolute path inside the container)");
    }
    if ("cbup".indexOf(type) < 0) {
      throw new IllegalArgumentException("type: " + type + " (expected: c, b, u or p)");
    }
    if (mode < 0 || mode > 07777) {
      throw new IllegalArgumentException("mode: " + Integer.toOctalString(mode) + " (expected: 0..07777)");
    }
  }

  /** A character device, mode 0666, owned by root: the form of the default set every container gets. */
  public static Device chr(String path, long major, long minor) {
    return new Device(path, 'c', major, minor, 0666, 0, 0);
  }
}
