package io.jshim.daemon.io;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits until output pumps are drained: every one at end of file, or none of them has moved a byte for the idle
 * time, counted from the start of the wait at the earliest. The check runs as a timer on the {@link IoLoop}.
 */
final class Drain {
  private static final Logger log = LoggerFactory.getLogger(Drain.class);

  private final IoLoop loop;
  private final List<Pump> pumps;
  private final long since;
  private final long idleNanos;
  private final CompletableFuture<Void> drained = new CompletableFuture<>();

  private Drain(IoLoop loop, List<Pump> pumps, Duration idle) {
    this.loop = loop;
    this.pumps = List.copyOf(pumps);
    this.since = System.nanoTime();
    this.idleNanos = idle.toNanos();
  }

  /** Completes on a pool thread, never on the I/O thread; at once when there is no pump. */
  static CompletableFuture<Void> await(IoLoop loop, List<Pump> pumps, Duration idle) {
    if (pumps.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    Drain drain = new Drain(loop, pumps, idle);
    CompletableFuture.allOf(drain.pumps.stream().map(Pump::done).toArray(CompletableFuture[]::new))
        .whenComplete((ignored, e) -> drain.drained.complete(null));
    loop.execute(drain::check);
    // dependents of the caller must not run on the I/O thread
    return drain.drained.thenApplyAsync(ignored -> null);
  }

  private void check() {
    if (drained.isDone()) {
      return;
    }
    long last = since;
    for (Pump pump : pumps) {
      if (!pump.done().isDone() && pump.lastProgressNanos() - last > 0) {
        last = pump.lastProgressNanos();
      }
    }
    long left = last + idleNanos - System.nanoTime();
    if (left <= 0) {
      log.debug("output idle for {} ms with a writer still open: taken as drained", idleNanos / 1_000_000);
      drained.complete(null);
    } else {
      loop.schedule(Duration.ofNanos(left), this::check);
    }
  }
}
