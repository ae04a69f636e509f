package io.jshim.client.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;

/**
 * Copies the CLI's input into a process's stdin FIFO on a daemon thread. At the end of the input it closes the FIFO
 * and runs a callback, which delivers the end of file to the process ({@code CloseIO}): the daemon keeps the FIFO
 * open, so closing it alone would not end the process's stdin. {@link #stop()} ends the copy without that callback,
 * for a process that has exited.
 */
final class StdinRelay {
  private final InputStream source;
  private final WritableByteChannel target;
  private final Runnable atEnd;
  private final Thread thread;
  private volatile boolean stopped;

  private StdinRelay(InputStream source, WritableByteChannel target, Runnable atEnd) {
    this.source = source;
    this.target = target;
    this.atEnd = atEnd;
    this.thread = new Thread(this::copy, "jshimctl-stdin");
    thread.setDaemon(true);
  }

  /**
   * Starts copying.
   *
   * @param source the CLI's input (its stdin, or its terminal's input in raw mode)
   * @param target the process's stdin FIFO, open for writing; closing it must unblock a write in progress, as an
   *     interruptible channel's close does
   * @param atEnd runs once after the input ended and the FIFO was closed, unless stopped before
   * @return the running relay
   */
  static StdinRelay start(InputStream source, WritableByteChannel target, Runnable atEnd) {
    StdinRelay relay = new StdinRelay(source, target, atEnd);
    relay.thread.start();
    return relay;
  }

  /**
   * Ends the copy: closes the FIFO and drops the end-of-input callback. A read of the CLI's input in progress cannot
   * be interrupted; the thread ends with the JVM or at the next byte.
   */
  void stop() {
    stopped = true;
    closeTarget();
  }

  /**
   * Waits until the copy has ended, at most {@code timeout}.
   *
   * @param timeout how long to wait
   * @return whether the copy has ended
   * @throws InterruptedException if interrupted while waiting
   */
  boolean await(Duration timeout) throws InterruptedException {
    thread.join(Math.max(1, timeout.toMillis()));
    return !thread.isAlive();
  }

  private void copy() {
    byte[] buffer = new byte[8192];
    try {
      int n;
      while (!stopped && (n = source.read(buffer)) >= 0) {
        ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n);
        while (bytes.hasRemaining()) {
          target.write(bytes);
        }
      }
    } catch (IOException e) {
      // The FIFO was closed under us (stop) or the input failed: either way nothing more can be copied.
      if (stopped) {
        return;
      }
    }
    closeTarget();
    if (!stopped) {
      atEnd.run();
    }
  }

  private void closeTarget() {
    try {
      target.close();
    } catch (IOException e) {
      // Closing a FIFO does not fail in a way that matters here.
    }
  }
}
