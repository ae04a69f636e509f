package io.jshim.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jshim.client.cli.CriLogLine.Stream;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CriLogLineTest {
  private static final String TIME = "2024-05-01T12:00:00.123456789Z";

  @Test
  void parse_fullStdoutLine_keepsTextWithItsSpaces() {
    CriLogLine line = CriLogLine.parse(TIME + " stdout F hello  world ");

    assertThat(line).isEqualTo(new CriLogLine(TIME, Stream.STDOUT, false, "hello  world "));
  }

  @Test
  void parse_partialStderrLine_isPartial() {
    CriLogLine line = CriLogLine.parse(TIME + " stderr P part one");

    assertThat(line.stream()).isEqualTo(Stream.STDERR);
    assertThat(line.partial()).isTrue();
    assertThat(line.text()).isEqualTo("part one");
  }

  @Test
  void parse_emptyText_withOrWithoutTrailingSpace() {
    assertThat(CriLogLine.parse(TIME + " stdout F ").text()).isEmpty();
    assertThat(CriLogLine.parse(TIME + " stdout F").text()).isEmpty();
  }

  @Test
  void parse_offsetTimeAndExtraTags_accepted() {
    CriLogLine line = CriLogLine.parse("2024-05-01T14:00:00.5+02:00 stdout F:reserved x");

    assertThat(line.time()).isEqualTo("2024-05-01T14:00:00.5+02:00");
    assertThat(line.partial()).isFalse();
    assertThat(line.text()).isEqualTo("x");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '#', value = {
    "'' # missing fields in \"\" (expected: FORMAT)",
    "hello # missing fields in \"hello\" (expected: FORMAT)",
    "2024-05-01T12:00:00Z stdout # missing fields in \"2024-05-01T12:00:00Z stdout\" (expected: FORMAT)",
    "yesterday stdout F hi # bad time \"yesterday\" (expected: RFC 3339, such as TIME)",
    "2024-05-01T12:00:00 stdout F hi # bad time \"2024-05-01T12:00:00\" (expected: RFC 3339, such as TIME)",
    "2024-05-01T12:00:00Z stdin F hi # bad stream \"stdin\" (expected: stdout or stderr)",
    "2024-05-01T12:00:00Z stdout X hi # bad tag \"X\" (expected: P or F)",
    "2024-05-01T12:00:00Z stdout p hi # bad tag \"p\" (expected: P or F)",
  })
  void parse_malformedLine_saysWhatIsWrongAndWhatWasExpected(String line, String message) {
    assertThatThrownBy(() -> CriLogLine.parse(line))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message.replace("FORMAT", CriLogLine.FORMAT).replace("TIME", TIME));
  }

  @Test
  void joiner_fullLine_isOneMessage() {
    CriLogJoiner joiner = new CriLogJoiner();

    Optional<CriLogJoiner.Message> message = joiner.accept(CriLogLine.parse(TIME + " stdout F one"));

    assertThat(message).contains(new CriLogJoiner.Message(Stream.STDOUT, "one", true));
    assertThat(joiner.flush()).isEmpty();
  }

  @Test
  void joiner_partialPieces_joinedWithTheFollowingFullPiece() {
    CriLogJoiner joiner = new CriLogJoiner();

    assertThat(joiner.accept(CriLogLine.parse(TIME + " stdout P ab"))).isEmpty();
    assertThat(joiner.accept(CriLogLine.parse(TIME + " stdout P c "))).isEmpty();
    Optional<CriLogJoiner.Message> message = joiner.accept(CriLogLine.parse(TIME + " stdout F d"));

    assertThat(message).contains(new CriLogJoiner.Message(Stream.STDOUT, "abc d", true));
  }

  @Test
  void joiner_interleavedStreams_joinEachStreamOnItsOwn() {
    CriLogJoiner joiner = new CriLogJoiner();

    joiner.accept(CriLogLine.parse(TIME + " stdout P out-"));
    Optional<CriLogJoiner.Message> err = joiner.accept(CriLogLine.parse(TIME + " stderr F err"));
    Optional<CriLogJoiner.Message> out = joiner.accept(CriLogLine.parse(TIME + " stdout F end"));

    assertThat(err).contains(new CriLogJoiner.Message(Stream.STDERR, "err", true));
    assertThat(out).contains(new CriLogJoiner.Message(Stream.STDOUT, "out-end", true));
  }

  @Test
  void joiner_flushAtEnd_handsOutIncompletePieces() {
    CriLogJoiner joiner = new CriLogJoiner();
    joiner.accept(CriLogLine.parse(TIME + " stderr P half"));
    joiner.accept(CriLogLine.parse(TIME + " stdout P lost"));

    List<CriLogJoiner.Message> rest = joiner.flush();

    assertThat(rest).containsExactly(
        new CriLogJoiner.Message(Stream.STDOUT, "lost", false),
        new CriLogJoiner.Message(Stream.STDERR, "half", false));
    assertThat(joiner.flush()).isEmpty();
  }
}
