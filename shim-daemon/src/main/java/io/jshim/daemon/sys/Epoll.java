package io.jshim.daemon.sys;

/**
 * An epoll instance with a built-in wake-up, for one event loop thread. Level-triggered: a ready fd is
 * reported on every {@link #wait} until it is no longer ready or is removed.
 *
 * <p>{@link #add}, {@link #modify}, {@link #remove} and {@link #wakeUp} may be called from any thread;
 * {@link #wait}, {@link #token} and {@link #events} only from the loop thread.
 */
public interface Epoll extends AutoCloseable {
  /** The fd is readable (or, for a listening socket or a FIFO, has a peer). */
  int IN = 0x001;
  /** The fd is writable. */
  int OUT = 0x004;
  /** An error condition; always reported, whether asked for or not. */
  int ERR = 0x008;
  /** The peer hung up; always reported, whether asked for or not. */
  int HUP = 0x010;

  /**
   * Watches {@code fd} for {@code events}; {@link #wait} reports it with {@code token}.
   *
   * @param token any value but {@link Long#MIN_VALUE}, which the wake-up uses
   */
  void add(int fd, int events, long token);

  /** Changes what {@code fd} is watched for. */
  void modify(int fd, int events, long token);

  /** Stops watching {@code fd}; must come before the fd is closed, since dups of it keep it watched. */
  void remove(int fd);

  /**
   * Waits for ready fds.
   *
   * @param timeoutMillis -1 waits until an fd is ready or {@link #wakeUp} is called
   * @return how many fds are ready, read with {@link #token} and {@link #events}; 0 after a timeout, a
   *     wake-up or a signal
   */
  int wait(int timeoutMillis);

  /** The token of the {@code i}th ready fd of the last {@link #wait}. */
  long token(int i);

  /** The ready events ({@link #IN}, {@link #OUT}, {@link #ERR}, {@link #HUP}) of the {@code i}th ready fd. */
  int events(int i);

  /** Makes the current or next {@link #wait} return; any thread. Wake-ups before a wait coalesce. */
  void wakeUp();

  /** Closes the epoll fd and the wake-up fd; idempotent. */
  @Override
  void close();
}
