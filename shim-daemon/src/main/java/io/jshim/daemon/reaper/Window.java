package io.jshim.daemon.reaper;

/**
 * An early-exit window: while open, the reaper keeps the exits of pids nobody has claimed yet. Open it
 * before spawning and claim the new pids before closing it (try-with-resources), and no exit is lost.
 */
public final class Window implements AutoCloseable {
  private final Reaper reaper;
  private boolean closed;

  Window(Reaper reaper) {
    this.reaper = reaper;
  }

  /** Watches {@code pid}; if it has already been reaped inside this window, the exit future is completed. */
  public Child claim(int pid) {
    if (closed) {
      throw new IllegalStateException("window is closed: claim pid " + pid + " before closing it");
    }
    return reaper.claim(pid);
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      reaper.closeWindow();
    }
  }
}
