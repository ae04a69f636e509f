package io.jshim.daemon.io;

import io.jshim.daemon.sys.Epoll;
import io.jshim.daemon.sys.Errnos;
import io.jshim.daemon.sys.Posix;
import io.jshim.daemon.sys.SysException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies one non-blocking source fd to its sinks through one fixed buffer, on the {@link IoLoop} thread.
 *
 * <p>Backpressure: a chunk is read only once every sink has taken the one before. While a sink cannot take it
 * (EAGAIN), the source is not watched and the pump waits for that sink to become writable, so a slow or absent
 * reader stalls the writer of the source instead of growing memory. A sink that fails is dropped and the others
 * go on. End of file on the source (or EIO on a pty master) closes the source and every sink.
 *
 * <p>All methods but {@link #done()} and the counters run on the loop thread.
 */
final class Pump {
  private static final Logger log = LoggerFactory.getLogger(Pump.class);
  /** Chunks copied per callback before other fds get their turn. */
  private static final int ROUNDS = 16;

  private final String name;
  private final IoLoop loop;
  private final Posix posix;
  private final int source;
  private final IoLoop.Registration sourceWatch;
  private final Out[] outs;
  private final byte[] buf;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private int filled;
  private boolean started;
  private boolean finished;
  private boolean runQueued;
  private boolean endWhenEmpty;
  private volatile long lastProgress = System.nanoTime();
  private volatile long bytesIn;
  private volatile long bytesOut;

  /**
   * Takes ownership of {@code source} and of every sink.
   *
   * @param pollable false for a regular file, which epoll refuses and which is always readable
   */
  Pump(String name, IoLoop loop, Posix posix, int source, boolean pollable, List<Sink> sinks, int bufferSize) {
    this.name = name;
    this.loop = loop;
    this.posix = posix;
    this.source = source;
    this.sourceWatch = pollable ? loop.register(source, new SourceHandler()) : null;
    this.outs = sinks.stream().map(Out::new).toArray(Out[]::new);
    this.buf = new byte[bufferSize];
  }

  /** Starts copying; does nothing once stopped. */
  void start() {
    if (started || finished) {
      return;
    }
    started = true;
    watchSource(true);
  }

  /** Stops copying and closes the source and every sink, dropping what is buffered; idempotent. */
  void stop() {
    finish();
  }

  /**
   * Ends the copy once everything readable now has been handed on: what is buffered and what the source holds,
   * up to the first read that would wait. For CloseIO, whose client has written its last bytes just before.
   */
  void finishWhenEmpty() {
    if (finished) {
      return;
    }
    endWhenEmpty = true;
    if (!started) {
      finish();
    } else if (filled == 0) {
      run();
    }
  }

  /** Completes once the pump has stopped: end of file with every byte handed to the sinks, or {@link #stop()}. */
  CompletableFuture<Void> done() {
    return done;
  }

  /** {@link System#nanoTime()} of the last byte read or written. */
  long lastProgressNanos() {
    return lastProgress;
  }

  /** Bytes read from the source. */
  long bytesIn() {
    return bytesIn;
  }

  /** Bytes every remaining sink has taken. */
  long bytesOut() {
    return bytesOut;
  }

  /** The buffer's capacity. */
  int bufferSize() {
    return buf.length;
  }

  private void run() {
    runQueued = false;
    if (finished || !started || !flush()) {
      return;
    }
    for (int round = 0; round < ROUNDS; round++) {
      int n;
      try {
        n = posix.readNonBlocking(source, buf, 0, buf.length);
      } catch (SysException e) {
        log.warn("{}: reading failed; copying stops: {}", name, e.getMessage());
        finish();
        return;
      }
      if (n < 0) {
        if (endWhenEmpty) {
          finish();
        } else {
          watchSource(true);
        }
        return;
      }
      if (n == 0) {
        log.debug("{}: end of file after {} bytes", name, bytesIn);
        finish();
        return;
      }
      filled = n;
      bytesIn += n;
      lastProgress = System.nanoTime();
      if (!flush()) {
        return;
      }
    }
    // more may be waiting: level-triggered epoll (or the queued run of a file) comes back after the others
    watchSource(true);
  }

  /** Hands the buffered chunk to every sink; false while one of them still has to take its rest. */
  private boolean flush() {
    if (filled == 0) {
      return true;
    }
    boolean complete = true;
    for (Out out : outs) {
      if (out.dropped || out.taken == filled) {
        continue;
      }
      if (out.blocked) {
        complete = false;
        continue;
      }
      while (out.taken < filled) {
        int n;
        try {
          n = out.sink.write(buf, out.taken, filled - out.taken);
        } catch (RuntimeException e) {
          drop(out, e);
          break;
        }
        if (n < 0) {
          block(out);
          complete = complete && !out.blocked;
          break;
        }
        out.taken += n;
        lastProgress = System.nanoTime();
      }
    }
    if (!complete) {
      watchSource(false);
      return false;
    }
    bytesOut += filled;
    filled = 0;
    for (Out out : outs) {
      out.taken = 0;
    }
    return true;
  }

  private void block(Out out) {
    if (!(out.sink instanceof Sink.Stream stream)) {
      drop(out, new IllegalStateException("it cannot take bytes now and cannot be waited for"));
      return;
    }
    try {
      if (out.watch == null) {
        out.watch = loop.register(stream.fd(), out);
      }
      out.watch.interest(Epoll.OUT);
      out.blocked = true;
    } catch (RuntimeException e) {
      drop(out, e);
    }
  }

  private void writable(Out out) {
    if (finished || !out.blocked) {
      return;
    }
    out.blocked = false;
    run();
    if (!out.blocked && !out.dropped && !finished) {
      // kept until now: a sink that blocks again at once needs no second epoll_ctl
      out.watch.interest(0);
    }
  }

  private void drop(Out out, RuntimeException cause) {
    out.dropped = true;
    out.blocked = false;
    if (out.watch != null) {
      out.watch.cancel();
    }
    out.sink.close();
    if (cause instanceof SysException e && e.errno() == Errnos.EPIPE) {
      log.info("{}: {} has no reader any more; copying goes on without it", name, out.sink.describe());
    } else {
      log.warn("{}: dropping {}; copying goes on without it: {}", name, out.sink.describe(), cause.toString());
    }
  }

  private void watchSource(boolean on) {
    if (sourceWatch != null) {
      sourceWatch.interest(on ? Epoll.IN : 0);
    } else if (on && !runQueued) {
      runQueued = true;
      loop.execute(this::run);
    }
  }

  private void finish() {
    if (finished) {
      return;
    }
    finished = true;
    if (sourceWatch != null) {
      sourceWatch.cancel();
    }
    posix.closeQuietly(source);
    for (Out out : outs) {
      if (out.watch != null) {
        out.watch.cancel();
      }
      if (!out.dropped) {
        out.sink.close();
      }
    }
    done.complete(null);
  }

  private final class SourceHandler implements IoHandler {
    @Override
    public void ready(int events) {
      run();
    }

    @Override
    public void failed(RuntimeException cause) {
      finish();
    }
  }

  /** One sink and how much of the buffered chunk it has taken. */
  private final class Out implements IoHandler {
    private final Sink sink;
    private int taken;
    private boolean blocked;
    private boolean dropped;
    private IoLoop.Registration watch;

    private Out(Sink sink) {
      this.sink = sink;
    }

    @Override
    public void ready(int events) {
      writable(this);
    }

    @Override
    public void failed(RuntimeException cause) {
      finish();
    }
  }
}
