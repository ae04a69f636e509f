package io.jshim.bench.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The pure-Java parts of RuntimeBench: its options and percentiles (nothing here needs root). */
class RuntimeBenchOptionsTest {

  @Test
  void defaultsAreTheIssuesSize() {
    RuntimeBenchOptions o = RuntimeBenchOptions.parse();
    assertThat(o.runs()).isEqualTo(50);
    assertThat(o.batches()).isEqualTo(5);
    assertThat(o.levels()).containsExactly(1, 10, 50);
    assertThat(o.paths()).containsExactly("crun", "runc", "jshim");
    assertThat(o.load()).containsExactly(0, 100, 500);
    assertThat(o.keepDaemon()).isFalse();
    assertThat(o.socket()).isNull();
  }

  @Test
  void parsesValuesFlagsAndEqualsForm() {
    RuntimeBenchOptions o = RuntimeBenchOptions.parse("--runs", "10", "--batches=1", "--levels", "10,1", "--paths", "jshim,crun",
        "--load", "20,0", "--daemon-java-opts", "-agentpath:/x.so=start -Xmx64m", "--keep-daemon");
    assertThat(o.runs()).isEqualTo(10);
    assertThat(o.batches()).isEqualTo(1);
    assertThat(o.levels()).containsExactly(10, 1);
    assertThat(o.paths()).containsExactly("jshim", "crun");
    assertThat(o.load()).as("load levels are reached in increasing order").containsExactly(0, 20);
    assertThat(o.daemonJavaOpts()).isEqualTo("-agentpath:/x.so=start -Xmx64m");
    assertThat(o.keepDaemon()).isTrue();
    assertThat(RuntimeBenchOptions.parse("--load", "none").load()).isEmpty();
    assertThat(RuntimeBenchOptions.parse("--socket", "s.sock", "--daemon-pid", "42").socket()).isEqualTo(Path.of("s.sock").toAbsolutePath());
  }

  @Test
  void rejectsWhatItCannotRun() {
    assertThatThrownBy(() -> RuntimeBenchOptions.parse("--paths", "kata")).hasMessageContaining("expected some of crun,runc,jshim");
    assertThatThrownBy(() -> RuntimeBenchOptions.parse("--levels", "0,1")).hasMessageContaining("expected: numbers > 0");
    assertThatThrownBy(() -> RuntimeBenchOptions.parse("--runs")).hasMessageContaining("needs a value");
    assertThatThrownBy(() -> RuntimeBenchOptions.parse("--daemon-pid", "7")).hasMessageContaining("needs --socket");
    assertThatThrownBy(() -> RuntimeBenchOptions.parse("--socket", "s", "--keep-daemon")).hasMessageContaining("never stops it");
  }

  @Test
  void nearestRankPercentiles() {
    double[] v = new double[100];
    for (int i = 0; i < 100; i++) {
      v[i] = 100 - i;
    }
    assertThat(Stats.median(v)).isEqualTo(50);
    assertThat(Stats.percentile(v, 0.99)).isEqualTo(99);
    assertThat(Stats.percentile(new double[] {3}, 0.99)).isEqualTo(3);
    assertThat(Stats.median(new double[0])).isNaN();
  }
}
