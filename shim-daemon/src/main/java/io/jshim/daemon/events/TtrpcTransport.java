package io.jshim.daemon.events;

import io.jshim.daemon.ttrpc.TtrpcClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Forwards events over ttrpc to containerd ({@code containerd.services.events.ttrpc.v1.Events/Forward} on
 * {@code TTRPC_ADDRESS}), connecting on first use and again after a failure (containerd may restart).
 */
public final class TtrpcTransport implements EventForwarder.Transport, AutoCloseable {
  static final String SERVICE = "containerd.services.events.ttrpc.v1.Events";
  static final String METHOD = "Forward";

  private final Path address;
  private TtrpcClient client;

  public TtrpcTransport(Path address) {
    this.address = address;
  }

  @Override
  public synchronized void forward(byte[] forwardRequest, Duration timeout) throws Exception {
    if (client != null && !client.isOpen()) {
      // containerd restarted since the last event: dial the new one now rather than fail and wait for a retry
      client.close();
      client = null;
    }
    if (client == null) {
      client = TtrpcClient.connect(address);
    }
    try {
      client.call(SERVICE, METHOD, forwardRequest, timeout).get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | RuntimeException | java.util.concurrent.TimeoutException e) {
      // a broken or stuck connection is not reused: the retry dials again
      client.close();
      client = null;
      throw e instanceof ExecutionException ee && ee.getCause() instanceof Exception cause ? cause : e;
    }
  }

  @Override
  public synchronized void close() {
    if (client != null) {
      client.close();
      client = null;
    }
  }
}
