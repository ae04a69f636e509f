package io.jshim.daemon.task;

import com.fasterxml.jackson.databind.JsonNode;
import io.jshim.daemon.error.ShimException;
import java.math.BigInteger;
import java.util.List;
import java.util.Objects;

/** Checks of typed config.json values; every error names the field and says what was expected. */
final class JsonFields {
  private static final long MAX_ID = 4294967294L;
  private static final BigInteger MAX_U64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  private JsonFields() {}

  /** {@code list}, or the empty list when the field is absent; null elements are refused. */
  static <T> List<T> list(List<T> list, String field) {
    if (list == null) {
      return List.of();
    }
    for (T item : list) {
      if (item == null) {
        throw ShimException.invalidArgument(field + ": null element (expected: no nulls)");
      }
    }
    return list;
  }

  /** A uid or gid: absent is 0. */
  static int id(Long value, String field) {
    if (value == null) {
      return 0;
    }
    if (value < 0 || value > MAX_ID) {
      throw ShimException.invalidArgument(field + ": " + value + " (expected: an integer 0.." + MAX_ID + ")");
    }
    return (int) (long) value;
  }

  /** An unsigned 64-bit value as a Java long with the same bits. */
  static long unsigned64(BigInteger value, String field) {
    if (value == null || value.signum() < 0 || value.compareTo(MAX_U64) > 0) {
      throw ShimException.invalidArgument(field + ": " + value + " (expected: an integer 0.." + MAX_U64 + ")");
    }
    return value.longValue();
  }

  static List<String> absolutePaths(List<String> paths, String field) {
    for (String path : list(paths, field)) {
      if (!path.startsWith("/") || path.contains("\0")) {
        throw ShimException.invalidArgument(field + ": \"" + path + "\" (expected: an absolute path)");
      }
    }
    return list(paths, field);
  }

  /** Whether a config value is present: not null, not an empty string, not an empty or null JSON node. */
  static boolean isSet(Object value) {
    return !(value == null || (value instanceof String text && text.isEmpty())
        || (value instanceof JsonNode node && (node.isNull() || (node.isContainerNode() && node.isEmpty()))));
  }

  static <T> T required(T value, String field, String expected) {
    if (value == null) {
      throw ShimException.invalidArgument(field + ": missing (expected: " + expected + ")");
    }
    return Objects.requireNonNull(value);
  }
}
