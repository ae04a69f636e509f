package io.jshim.daemon.io;

import io.jshim.daemon.sys.Posix;

/** The three open fds of a process's stdio, owned by the daemon until closed. */
public final class OpenStdio implements AutoCloseable {
  private final Posix posix;
  private final int[] fds;

  OpenStdio(Posix posix, int[] fds) {
    this.posix = posix;
    this.fds = fds.clone();
  }

  /** fds for the process's 0, 1 and 2. */
  public int[] fds() {
    return fds.clone();
  }

  @Override
  public void close() {
    for (int fd : fds) {
      posix.closeQuietly(fd);
    }
  }
}
