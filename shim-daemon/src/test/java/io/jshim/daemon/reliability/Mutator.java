package io.jshim.daemon.reliability;

import java.util.Arrays;
import java.util.Random;

/** Seeded random inputs: plain random bytes, and valid messages with a few bytes flipped, inserted, cut or repeated. */
record Mutator(Random random) {

  byte[] randomBytes(int maxLength) {
    byte[] bytes = new byte[random.nextInt(maxLength + 1)];
    random.nextBytes(bytes);
    return bytes;
  }

  byte[] mutate(byte[] valid) {
    byte[] bytes = valid.clone();
    for (int ops = 1 + random.nextInt(4); ops > 0; ops--) {
      int at = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
      bytes = switch (random.nextInt(5)) {
        case 0 -> flip(bytes, at);
        case 1 -> insert(bytes, at, (byte) random.nextInt(256));
        case 2 -> Arrays.copyOf(bytes, at);
        case 3 -> cut(bytes, at, 1 + random.nextInt(8));
        default -> repeat(bytes, at, 1 + random.nextInt(16));
      };
    }
    return bytes;
  }

  private byte[] flip(byte[] bytes, int at) {
    if (bytes.length > 0) {
      bytes[at] ^= (byte) (1 << random.nextInt(8));
    }
    return bytes;
  }

  private static byte[] insert(byte[] bytes, int at, byte value) {
    byte[] out = new byte[bytes.length + 1];
    System.arraycopy(bytes, 0, out, 0, at);
    out[at] = value;
    System.arraycopy(bytes, at, out, at + 1, bytes.length - at);
    return out;
  }

  private static byte[] cut(byte[] bytes, int at, int length) {
    int end = Math.min(bytes.length, at + length);
    byte[] out = new byte[bytes.length - (end - at)];
    System.arraycopy(bytes, 0, out, 0, at);
    System.arraycopy(bytes, end, out, at, bytes.length - end);
    return out;
  }

  private static byte[] repeat(byte[] bytes, int at, int length) {
    int end = Math.min(bytes.length, at + length);
    byte[] out = new byte[bytes.length + (end - at)];
    System.arraycopy(bytes, 0, out, 0, end);
    System.arraycopy(bytes, at, out, end, bytes.length - at);
    return out;
  }
}
