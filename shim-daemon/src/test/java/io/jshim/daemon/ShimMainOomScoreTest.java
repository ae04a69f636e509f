package io.jshim.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code --oom-score-adj} out of range is a usage error before anything starts (the in-range case: DetachLauncherTest). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ShimMainOomScoreTest {
  @Test
  void oomScoreAdj_outOfRange_usageErrorNamingTheRange() {
    for (String value : new String[] {"-1001", "1001"}) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int exit = ShimMain.run(new String[] {"--socket", "/nonexistent/jshim.sock", "--oom-score-adj", value},
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8));
      assertThat(exit).isEqualTo(2);
      assertThat(err.toString(StandardCharsets.UTF_8)).contains("--oom-score-adj " + value + " is out of range -1000..1000")
          .contains("Usage: jshim-daemon");
    }
  }
}
