package io.jshim.daemon.spawn;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One message on the sync socket between the daemon and the native helper or workload: a 16-byte
 * header of four native-endian 32-bit fields (type, value, errno, message length) and the message.
 */
record SyncRecord(Type type, int value, int errno, String message) {
  static final int HEADER_SIZE = 16;
  static final int MAX_MESSAGE = 1024;

  /** Record types; numbers as in native/src/sync.h. */
  enum Type {
    PID,
    READY,
    ERROR,
    /** The workload's pty master, which comes as SCM_RIGHTS with the header. */
    CONSOLE,
    /** The workload waits with its namespaces and mounts ready for the daemon's prestart/createRuntime hooks. */
    HOOKS;

    static Type of(int code) {
      return switch (code) {
        case 1 -> PID;
        case 2 -> READY;
        case 3 -> ERROR;
        case 4 -> CONSOLE;
        case 5 -> HOOKS;
        default -> throw new IllegalArgumentException("record type: " + code
            + " (expected: 1 PID, 2 READY, 3 ERROR, 4 CONSOLE or 5 HOOKS)");
      };
    }
  }

  /** Decodes the header; the message is read separately. */
  static Header header(byte[] bytes) {
    ByteBuffer buf = ByteBuffer.wrap(bytes, 0, HEADER_SIZE).order(ByteOrder.nativeOrder());
    int type = buf.getInt();
    int value = buf.getInt();
    int errno = buf.getInt();
    int length = buf.getInt();
    if (length < 0 || length > MAX_MESSAGE) {
      throw new IllegalArgumentException("record message length: " + length + " (expected: 0.." + MAX_MESSAGE + ")");
    }
    return new Header(Type.of(type), value, errno, length);
  }

  /** A decoded header. */
  record Header(Type type, int value, int errno, int length) {
    SyncRecord withMessage(byte[] message) {
      return new SyncRecord(type, value, errno, new String(message, StandardCharsets.UTF_8));
    }
  }
}
