package io.jshim.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SignalsTest {

  @ParameterizedTest
  @CsvSource({
    "TERM, 15", "SIGTERM, 15", "term, 15", "SigKill, 9", "KILL, 9", "SIGKILL, 9", "INT, 2", "HUP, 1",
    "USR1, 10", "USR2, 12", "CHLD, 17", "IOT, 6", "9, 9", "15, 15", "1, 1", "64, 64", "RTMIN, 34",
    "SIGRTMIN+3, 37", "RTMAX-1, 63", "RTMAX, 64"
  })
  void parse_knownNameOrNumber_returnsSignalNumber(String text, int expected) {
    assertThat(Signals.parse(text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "BOGUS", "SIG", "0", "65", "-9", "9x", "RTMIN-1", "RTMAX+1", "RTMIN+31", "99999999999"})
  void parse_unknownSignal_throwsIllegalArgument(String text) {
    assertThatThrownBy(() -> Signals.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("signal: ");
  }

  @Test
  void name_standardAndRealTimeSignals_returnsConventionalNames() {
    assertThat(Signals.name(15)).isEqualTo("TERM");
    assertThat(Signals.name(9)).isEqualTo("KILL");
    assertThat(Signals.name(35)).isEqualTo("RTMIN+1");
    assertThat(Signals.name(63)).isEqualTo("RTMAX-1");
    assertThat(Signals.name(99)).isEqualTo("99");
  }

  @Test
  void name_everySignal_parsesBack() {
    for (int signal = Signals.MIN; signal <= Signals.MAX; signal++) {
      assertThat(Signals.parse(Signals.name(signal))).as("signal %d", signal).isEqualTo(signal);
    }
  }
}
