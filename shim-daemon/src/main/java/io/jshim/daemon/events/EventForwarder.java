package io.jshim.daemon.events;

import io.jshim.daemon.task.TaskEvent;
import io.jshim.daemon.task.TaskEvents;
import io.jshim.proto.events.ttrpc.Envelope;
import io.jshim.proto.events.ttrpc.ForwardRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends task events to containerd ({@code Events.Forward} on its ttrpc socket) one at a time, in the order they
 * happened, on one thread. A failed send is retried with a growing pause (1 s, 2 s, … as containerd's own shims
 * do) before the next event goes, so the order holds; after the last retry the event is dropped and logged.
 */
public final class EventForwarder implements TaskEvents, AutoCloseable {
  /** How many events may wait; beyond that the newest is dropped (and logged) rather than block a task. */
  static final int QUEUE_LIMIT = 2048;
  static final int ATTEMPTS = 5;
  private static final Logger log = LoggerFactory.getLogger(EventForwarder.class);
  private static final Queued STOP = new Queued(null, null);

  /** One Forward call; completes normally when containerd accepted the event. */
  @FunctionalInterface
  public interface Transport {
    void forward(byte[] forwardRequest, Duration timeout) throws Exception;
  }

  private record Queued(TaskEvent event, Instant at) {}

  private final Transport transport;
  private final String namespace;
  private final Clock clock;
  private final Duration timeout;
  private final Duration backOff;
  private final BlockingQueue<Queued> queue = new ArrayBlockingQueue<>(QUEUE_LIMIT + 1);
  private final Thread worker;
  private volatile boolean closed;

  /**
   * @param namespace containerd's namespace of the tasks
   * @param timeout how long one Forward may take
   * @param backOff the pause before the first retry; the n-th retry waits n times as long
   */
  public EventForwarder(Transport transport, String namespace, Clock clock, Duration timeout, Duration backOff) {
    this.transport = Objects.requireNonNull(transport, "transport");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.backOff = Objects.requireNonNull(backOff, "backOff");
    this.worker = new Thread(this::run, "jshim-events");
    worker.setDaemon(true);
    worker.start();
  }

  @Override
  public void publish(TaskEvent event) {
    if (closed) {
      return;
    }
    // the time of the event, not of its sending: a retry must not make it look later
    if (queue.size() >= QUEUE_LIMIT || !queue.offer(new Queued(event, clock.instant()))) {
      log.error("event queue full ({} waiting): dropped {}", QUEUE_LIMIT, event);
    }
  }

  /** Stops after the events queued so far, waiting at most {@code wait} for them. */
  public void close(Duration wait) {
    closed = true;
    queue.offer(STOP);
    try {
      worker.join(Math.max(1, wait.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    worker.interrupt();
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }

  private void run() {
    try {
      while (true) {
        Queued next = queue.take();
        if (next == STOP) {
          return;
        }
        send(next);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void send(Queued queued) throws InterruptedException {
    EventMapper.Mapped mapped = EventMapper.map(queued.event());
    byte[] request = ForwardRequest.newBuilder().setEnvelope(Envelope.newBuilder()
        .setTimestamp(EventMapper.timestamp(queued.at()))
        .setNamespace(namespace)
        .setTopic(mapped.topic())
        .setEvent(mapped.event())).build().toByteArray();
    for (int attempt = 1; ; attempt++) {
      try {
        transport.forward(request, timeout);
        return;
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        if (attempt == ATTEMPTS) {
          log.error("event {} {} not delivered after {} attempts: {}", mapped.topic(), queued.event(), attempt,
              e.toString());
          return;
        }
        log.warn("event {} not delivered (attempt {} of {}), retrying: {}", mapped.topic(), attempt, ATTEMPTS,
            e.toString());
        TimeUnit.NANOSECONDS.sleep(backOff.toNanos() * attempt);
      }
    }
  }
}
