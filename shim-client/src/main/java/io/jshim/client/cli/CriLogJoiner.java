package io.jshim.client.cli;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Joins the pieces of CRI log lines back into output lines: {@code P} pieces of a stream are kept until the next
 * {@code F} piece of the same stream, so stdout and stderr pieces may interleave.
 */
final class CriLogJoiner {
  /**
   * One output line of the container.
   *
   * @param stream the stream it came from
   * @param text its text, without a newline
   * @param complete {@code false} for pieces left without their {@code F} piece when the log ended
   */
  record Message(CriLogLine.Stream stream, String text, boolean complete) {
  }

  private final Map<CriLogLine.Stream, StringBuilder> pending = new EnumMap<>(CriLogLine.Stream.class);

  /**
   * Takes the next log line.
   *
   * @param line the parsed line
   * @return the completed output line, or empty while it is partial
   */
  Optional<Message> accept(CriLogLine line) {
    StringBuilder started = pending.get(line.stream());
    if (line.partial()) {
      pending.computeIfAbsent(line.stream(), stream -> new StringBuilder()).append(line.text());
      return Optional.empty();
    }
    String text = line.text();
    if (started != null) {
      text = started.append(text).toString();
      pending.remove(line.stream());
    }
    return Optional.of(new Message(line.stream(), text, true));
  }

  /**
   * Hands out what is still partial, at the end of the log.
   *
   * @return the incomplete lines, stdout's first; none if nothing is pending
   */
  List<Message> flush() {
    List<Message> rest = new ArrayList<>();
    pending.forEach((stream, text) -> rest.add(new Message(stream, text.toString(), false)));
    pending.clear();
    return rest;
  }
}
