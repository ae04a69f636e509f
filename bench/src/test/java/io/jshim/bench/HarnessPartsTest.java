package io.jshim.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure-Java parts of the harness: histogram, percentiles, fdlinks parsing, options. */
class HarnessPartsTest {

  @Test
  void histogramBucketsAreContiguousAndTight() {
    for (long v = 0; v < 1_000_000; v += 1 + v / 50) {
      int i = Histogram.index(v);
      assertThat(Histogram.lowerBound(i)).isLessThanOrEqualTo(v);
      assertThat(Histogram.index(Histogram.lowerBound(i))).isEqualTo(i);
      assertThat(v - Histogram.lowerBound(i)).isLessThanOrEqualTo(Math.max(0, v / 128));
    }
  }

  @Test
  void histogramPercentilesAndMax() {
    Histogram h = new Histogram();
    for (int i = 1; i <= 1000; i++) {
      h.record(i * 1000L);
    }
    assertThat(h.count()).isEqualTo(1000);
    assertThat(h.max()).isEqualTo(1_000_000);
    assertThat((double) h.percentile(0.5)).isCloseTo(500_000, within(5_000.0));
    assertThat((double) h.percentile(0.99)).isCloseTo(990_000, within(8_000.0));
    assertThat(h.percentile(1.0)).isEqualTo(1_000_000);
    assertThat(new Histogram().percentile(0.99)).isZero();
  }

  @Test
  void percentileInterpolatesBetweenRanks() {
    double[] sorted = {1, 2, 3, 4, 5};
    assertThat(CellSummary.percentile(sorted, 0.5)).isEqualTo(3);
    assertThat(CellSummary.percentile(sorted, 1.0)).isEqualTo(5);
    assertThat(CellSummary.percentile(sorted, 0.99)).isCloseTo(4.96, within(1e-9));
    assertThat(CellSummary.medianOf(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
  }

  @Test
  void fdLinksParsesTargetsAndPipeInodes() {
    FdLinks links = FdLinks.parse("0 -> /dev/null\n1 -> /memfd:jshim-bench-out (deleted)\n2 -> /dev/null\n"
        + "7 -> pipe:[4242]\n12 -> socket:[99]\n");
    assertThat(links.links()).hasSize(5);
    assertThat(links.beyondStdio()).extracting(FdLinks.Link::fd).containsExactly(7, 12);
    assertThat(links.beyondStdio().get(0).pipeInode()).hasValue(4242);
    assertThat(links.beyondStdio().get(1).pipeInode()).isEmpty();
    assertThatThrownBy(() -> FdLinks.parse("garbage\n")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void optionsParseBothSpellings() {
    BenchOptions o = BenchOptions.parse("--spawners=7", "--fd-threads", "1,3", "--variants", "c,x,AF",
        "--fd-interval-us", "250");
    assertThat(o.spawners()).isEqualTo(7);
    assertThat(o.fdThreads()).containsExactly(1, 3);
    assertThat(o.variants()).containsExactly(Variant.C, Variant.X, Variant.AF);
    assertThat(o.fdIntervalMicros()).isEqualTo(250);
    assertThat(o.reps()).isEqualTo(5);
    assertThat(BenchOptions.parse().fdThreads()).isEqualTo(List.of(0, 4, 8));
    assertThatThrownBy(() -> BenchOptions.parse("--bogus", "1")).hasMessageContaining("unknown option");
    assertThatThrownBy(() -> BenchOptions.parse("--reps", "0")).hasMessageContaining("expected: > 0");
    assertThatThrownBy(() -> BenchOptions.parse("--variants", "q")).hasMessageContaining("expected one of");
  }
}
