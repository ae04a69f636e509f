package io.jshim.daemon.sys;

import java.nio.charset.StandardCharsets;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * A {@code struct sockaddr_un} in native memory, with the length to pass beside it. The address is a
 * filesystem path, or an abstract name written with a leading {@code '@'} (the notation of
 * {@code $NOTIFY_SOCKET} and of {@code ss}), which stands for the leading NUL byte of the abstract namespace.
 */
record UnixAddress(Pointer memory, int length) {
  private static final short AF_UNIX = 1;
  /** offsetof(struct sockaddr_un, sun_path). */
  private static final int PATH_OFFSET = 2;
  /** sizeof(sun_path). */
  private static final int PATH_SIZE = 108;

  /**
   * Encodes {@code address}.
   *
   * @throws IllegalArgumentException when it is neither absolute nor abstract, holds a NUL byte or does not fit
   */
  static UnixAddress of(Runtime runtime, String address) {
    boolean isAbstract = address.startsWith("@");
    if (!isAbstract && !address.startsWith("/")) {
      throw new IllegalArgumentException("unix socket address: '" + address
          + "' (expected: an absolute path, or '@' and an abstract name)");
    }
    if (address.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("unix socket address: '" + address.replace('\0', '?')
          + "' contains a NUL byte (expected: none)");
    }
    byte[] name = address.getBytes(StandardCharsets.UTF_8);
    // a path needs room for its terminating NUL; an abstract name has none, its '@' becomes the leading NUL
    int used = isAbstract ? name.length : name.length + 1;
    if (used > PATH_SIZE) {
      throw new IllegalArgumentException("unix socket address: '" + address + "' is " + name.length
          + " bytes (expected: at most " + (isAbstract ? PATH_SIZE : PATH_SIZE - 1) + ")");
    }
    Pointer memory = Memory.allocateDirect(runtime, PATH_OFFSET + PATH_SIZE, true);
    memory.putShort(0, AF_UNIX);
    memory.put(PATH_OFFSET, name, 0, name.length);
    if (isAbstract) {
      memory.putByte(PATH_OFFSET, (byte) 0);
    }
    return new UnixAddress(memory, PATH_OFFSET + used);
  }
}
