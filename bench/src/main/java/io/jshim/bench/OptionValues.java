package io.jshim.bench;

import java.util.ArrayList;
import java.util.List;

/** Number values of the benchmarks' command-line options, with errors that name the option and what it expects. */
public final class OptionValues {
  private OptionValues() {}

  /** A comma-separated list of whole numbers >= 0, at least one. */
  public static List<Integer> ints(String name, String value) {
    List<Integer> out = new ArrayList<>();
    for (String s : value.split(",")) {
      if (!s.isBlank()) {
        out.add(nonNegative(name, s));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(name + ": empty list");
    }
    return List.copyOf(out);
  }

  /** A whole number > 0. */
  public static int positive(String name, String value) {
    int v = nonNegative(name, value);
    if (v == 0) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
    return v;
  }

  /** A whole number >= 0. */
  public static int nonNegative(String name, String value) {
    try {
      int v = Integer.parseInt(value.trim());
      if (v < 0) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: a whole number >= 0)", e);
    }
  }
}
