package io.jshim.daemon.ttrpc;

import java.util.Arrays;

/**
 * One ttrpc frame: the 10-byte header's fields and the data.
 *
 * @param streamId the stream (odd: opened by the client)
 * @param type {@link #REQUEST}, {@link #RESPONSE} or {@link #DATA}
 * @param flags the header's flag bits
 * @param data the serialized envelope, at most {@link #MAX_DATA} bytes
 */
record Frame(int streamId, int type, int flags, byte[] data) {
  static final int HEADER_LENGTH = 10;
  static final int MAX_DATA = 4 << 20;
  static final int REQUEST = 1;
  static final int RESPONSE = 2;
  static final int DATA = 3;

  Frame {
    if (data.length > MAX_DATA) {
      throw new IllegalArgumentException("frame data of " + data.length + " bytes (expected: at most " + MAX_DATA + ")");
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Frame f && f.streamId == streamId && f.type == type && f.flags == flags
        && Arrays.equals(f.data, data);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * (31 * streamId + type) + flags) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "Frame[stream " + streamId + ", type " + type + ", flags " + flags + ", " + data.length + " bytes]";
  }
}
