package io.jshim.client;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Linux signal names and numbers, for parsing what a user typed ({@code TERM}, {@code SIGKILL}, {@code 9},
 * {@code RTMIN+3}).
 */
public final class Signals {
  /** The lowest valid signal number. */
  public static final int MIN = 1;
  /** The highest valid signal number on Linux ({@code SIGRTMAX}). */
  public static final int MAX = 64;
  /** {@code SIGINT}. */
  public static final int SIGINT = 2;
  /** {@code SIGKILL}. */
  public static final int SIGKILL = 9;
  /** {@code SIGTERM}. */
  public static final int SIGTERM = 15;

  private static final int RTMIN = 34;

  // Index = signal number on Linux (x86-64 and arm64 agree); index 0 is no signal.
  private static final List<String> NAMES = List.of(
      "", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE",
      "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM",
      "PROF", "WINCH", "IO", "PWR", "SYS");

  private Signals() {
  }

  /**
   * Parses a signal given by name or number. Names are case-insensitive, with or without the {@code SIG} prefix;
   * {@code RTMIN+n} and {@code RTMAX-n} name real-time signals.
   *
   * @param text a signal name or a number between {@value #MIN} and {@value #MAX}
   * @return the signal number
   * @throws IllegalArgumentException if {@code text} names no signal
   */
  public static int parse(String text) {
    Objects.requireNonNull(text, "text");
    String trimmed = text.trim();
    if (!trimmed.isEmpty() && trimmed.chars().allMatch(Character::isDigit)) {
      return checkRange(trimmed, parseNumber(trimmed, text));
    }
    String name = trimmed.toUpperCase(Locale.ROOT);
    if (name.startsWith("SIG")) {
      name = name.substring(3);
    }
    int index = switch (name) {
      case "IOT" -> 6;
      case "CLD" -> 17;
      case "POLL" -> 29;
      default -> NAMES.indexOf(name);
    };
    if (index > 0) {
      return index;
    }
    if (name.startsWith("RTMIN") || name.startsWith("RTMAX")) {
      return checkRange(text, realTime(name, text));
    }
    throw new IllegalArgumentException("signal: " + text + " (expected: a name like TERM or a number 1..64)");
  }

  /**
   * Returns the conventional name of a signal, without the {@code SIG} prefix.
   *
   * @param signal a signal number
   * @return the name, such as {@code TERM} or {@code RTMIN+2}, or the number itself if it has no name
   */
  public static String name(int signal) {
    if (signal > 0 && signal < NAMES.size()) {
      return NAMES.get(signal);
    }
    if (signal >= RTMIN && signal <= MAX) {
      return signal - RTMIN <= (MAX - RTMIN) / 2 ? "RTMIN+" + (signal - RTMIN) : "RTMAX-" + (MAX - signal);
    }
    return Integer.toString(signal);
  }

  private static int realTime(String name, String text) {
    String rest = name.substring(5);
    if (rest.isEmpty()) {
      return name.startsWith("RTMIN") ? RTMIN : MAX;
    }
    String digits = rest.substring(1);
    boolean plus = rest.charAt(0) == '+';
    boolean minus = rest.charAt(0) == '-';
    if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit)
        || (name.startsWith("RTMIN") ? !plus : !minus)) {
      throw new IllegalArgumentException("signal: " + text + " (expected: RTMIN+n or RTMAX-n)");
    }
    int offset = parseNumber(digits, text);
    return name.startsWith("RTMIN") ? RTMIN + offset : MAX - offset;
  }

  private static int parseNumber(String digits, String text) {
    try {
      return Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("signal: " + text + " (expected: 1..64)", e);
    }
  }

  private static int checkRange(String text, int signal) {
    if (signal < MIN || signal > MAX) {
      throw new IllegalArgumentException("signal: " + text + " (expected: 1..64)");
    }
    return signal;
  }
}
