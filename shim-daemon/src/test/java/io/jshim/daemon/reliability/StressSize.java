package io.jshim.daemon.reliability;

/**
 * How big the reliability suites run: bounded by default (CI's {@code mvn -B verify}), full size under
 * {@code -Pstress}, which sets the system properties below.
 */
final class StressSize {
  private StressSize() {}

  /** Container lifecycles of the load suite after its warm-up ({@code jshim.stress.lifecycles}). */
  static int lifecycles() {
    return Integer.getInteger("jshim.stress.lifecycles", 500);
  }

  /** Lifecycles before the load suite's first sample ({@code jshim.stress.warmup}). */
  static int warmUp() {
    return Integer.getInteger("jshim.stress.warmup", 200);
  }

  /** Fuzzed messages per RPC method and per kind of input ({@code jshim.stress.fuzz}). */
  static int fuzzPerMethod() {
    return Integer.getInteger("jshim.stress.fuzz", 40);
  }

  /** The fixed seed to replay ({@code jshim.stress.seed}), or a fresh one. */
  static long seed() {
    return Long.getLong("jshim.stress.seed", System.nanoTime());
  }
}
