package io.jshim.daemon.io;

import io.jshim.daemon.sys.Posix;

/**
 * Opens FIFOs without ever waiting for the other side (containerd's rules, without its blocking opens).
 *
 * <p>An output FIFO is first opened read-only and non-blocking: that handle is kept for the life of the
 * process, so the write open that follows finds a reader at once, the writer never gets EPIPE when the real
 * reader goes away, and what is written meanwhile waits in the pipe for a reader that comes back.
 */
final class FifoOpener {
  private FifoOpener() {}

  /** The write fd and the daemon's extra read handle of an output FIFO. */
  record OutputFifo(int writeFd, int keepFd) {}

  /**
   * Opens an output FIFO.
   *
   * @param blocking true when the write fd goes to the process itself, which expects blocking writes
   */
  static OutputFifo openOutput(Posix posix, String path, boolean blocking) {
    int keep = posix.open(path, Posix.O_RDONLY | Posix.O_NONBLOCK, 0);
    try {
      int write = posix.open(path, Posix.O_WRONLY | Posix.O_NONBLOCK, 0);
      if (blocking) {
        try {
          posix.setNonBlocking(write, false);
        } catch (RuntimeException e) {
          posix.closeQuietly(write);
          throw e;
        }
      }
      return new OutputFifo(write, keep);
    } catch (RuntimeException e) {
      posix.closeQuietly(keep);
      throw e;
    }
  }

  /**
   * Opens an input FIFO read-only and non-blocking. It reads end of file until a writer first comes, and epoll
   * reports nothing until then: read it only when epoll says so.
   */
  static int openInput(Posix posix, String path) {
    return posix.open(path, Posix.O_RDONLY | Posix.O_NONBLOCK, 0);
  }
}
