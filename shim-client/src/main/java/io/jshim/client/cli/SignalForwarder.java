package io.jshim.client.cli;

import io.jshim.client.Signals;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Catches SIGINT, SIGTERM and SIGHUP for {@code jshimctl run} and forwards them to the container, docker-style: the
 * JVM does not exit on them while installed. A second SIGINT is forwarded as SIGKILL. Signals that arrive before a
 * target is {@linkplain #attach(IntConsumer) attached} are kept as {@linkplain #pending() pending}.
 */
final class SignalForwarder implements AutoCloseable {
  private static final List<String> CAUGHT = List.of("INT", "TERM", "HUP");

  private final Map<Signal, SignalHandler> previous = new HashMap<>();
  private final Object lock = new Object();
  private int interrupts;
  private int pending;
  private IntConsumer target;

  private SignalForwarder() {
  }

  /**
   * Installs the handlers; {@link #close()} restores the previous ones.
   *
   * @return the forwarder
   */
  static SignalForwarder install() {
    SignalForwarder forwarder = new SignalForwarder();
    for (String name : CAUGHT) {
      Signal signal = new Signal(name);
      try {
        forwarder.previous.put(signal, Signal.handle(signal, caught -> forwarder.deliver(caught.getNumber())));
      } catch (IllegalArgumentException e) {
        // The JVM reserves this signal (for example under -Xrs): leave it alone.
      }
    }
    return forwarder;
  }

  /** A forwarder without OS handlers, driven through {@link #deliver(int)}; for tests. */
  static SignalForwarder detached() {
    return new SignalForwarder();
  }

  /**
   * Handles a caught signal: forwards it to the target, or keeps it pending until one is attached.
   *
   * @param signal the signal number caught
   */
  void deliver(int signal) {
    synchronized (lock) {
      int forwarded = signal;
      if (signal == Signals.SIGINT && ++interrupts >= 2) {
        forwarded = Signals.SIGKILL;
      }
      if (target != null) {
        target.accept(forwarded);
      } else if (pending != Signals.SIGKILL) {
        pending = forwarded;
      }
    }
  }

  /**
   * Returns the last signal caught while no target was attached.
   *
   * @return the signal number, or 0 if none
   */
  int pending() {
    synchronized (lock) {
      return pending;
    }
  }

  /**
   * Forwards every later signal to {@code target}, and a pending one right away. {@code target} is called while a
   * lock is held, so it must not block (send the kill asynchronously).
   *
   * @param target receives signal numbers
   */
  void attach(IntConsumer target) {
    synchronized (lock) {
      this.target = target;
      if (pending != 0) {
        int signal = pending;
        pending = 0;
        target.accept(signal);
      }
    }
  }

  /** Stops forwarding; signals caught from now on are only kept as pending. */
  void detach() {
    synchronized (lock) {
      target = null;
    }
  }

  /** Stops forwarding and restores the previous handlers. */
  @Override
  public void close() {
    synchronized (lock) {
      target = null;
    }
    previous.forEach(Signal::handle);
  }
}
