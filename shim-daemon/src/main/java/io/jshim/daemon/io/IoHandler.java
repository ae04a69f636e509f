package io.jshim.daemon.io;

/** Called by an {@link IoLoop} on its thread when a registered fd is ready. */
public interface IoHandler {
  /**
   * The fd is ready.
   *
   * @param events the ready events: {@link io.jshim.daemon.sys.Epoll#IN}, {@code OUT}, {@code ERR}, {@code HUP}
   */
  void ready(int events);

  /**
   * {@link #ready} threw {@code cause}; the loop has logged it and cancelled this registration. Release what the
   * handler holds. The loop goes on with its other fds.
   */
  void failed(RuntimeException cause);
}
