package io.jshim.client.cli;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * One line of a container log in the Kubernetes CRI format: {@code <RFC3339Nano time> <stdout|stderr> <P|F> <text>}.
 * A long output line is split into pieces tagged {@code P} (partial) and ends with a piece tagged {@code F} (full);
 * the text carries no newline of its own.
 *
 * @param time the timestamp as written
 * @param stream which output stream the text came from
 * @param partial whether more pieces of the same output line follow ({@code P})
 * @param text the text, without the line's newline
 */
record CriLogLine(String time, Stream stream, boolean partial, String text) {
  /** What a line looks like, for messages. */
  static final String FORMAT = "<RFC 3339 time> <stdout|stderr> <P|F> <text>";

  /** The output stream a log line came from. */
  enum Stream {
    STDOUT,
    STDERR
  }

  /** Checks that no component is {@code null}. */
  CriLogLine {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(text, "text");
  }

  /**
   * Parses one line, without its newline.
   *
   * @param line the line
   * @return the parsed line
   * @throws IllegalArgumentException saying which field is wrong and what was expected
   */
  static CriLogLine parse(String line) {
    int first = line.indexOf(' ');
    int second = first < 0 ? -1 : line.indexOf(' ', first + 1);
    if (second < 0) {
      throw new IllegalArgumentException("missing fields in \"" + abbreviate(line) + "\" (expected: " + FORMAT + ")");
    }
    int third = line.indexOf(' ', second + 1);
    String time = line.substring(0, first);
    String stream = line.substring(first + 1, second);
    String tags = third < 0 ? line.substring(second + 1) : line.substring(second + 1, third);
    // The line "<time> <stream> F" (no space, no text) is an empty line written by a writer that trims.
    String text = third < 0 ? "" : line.substring(third + 1);
    try {
      OffsetDateTime.parse(time, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("bad time \"" + abbreviate(time)
          + "\" (expected: RFC 3339, such as 2024-05-01T12:00:00.123456789Z)", e);
    }
    Stream parsedStream = switch (stream) {
      case "stdout" -> Stream.STDOUT;
      case "stderr" -> Stream.STDERR;
      default -> throw new IllegalArgumentException("bad stream \"" + abbreviate(stream)
          + "\" (expected: stdout or stderr)");
    };
    // Tags are a ':'-separated list whose first element is P or F; later ones are reserved.
    String tag = tags.split(":", -1)[0];
    boolean partial = switch (tag) {
      case "P" -> true;
      case "F" -> false;
      default -> throw new IllegalArgumentException("bad tag \"" + abbreviate(tags) + "\" (expected: P or F)");
    };
    return new CriLogLine(time, parsedStream, partial, text);
  }

  private static String abbreviate(String text) {
    return text.length() <= 60 ? text : text.substring(0, 57) + "...";
  }
}
