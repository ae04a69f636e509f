package io.jshim.client;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A client of one jshim daemon, talking containerd's task API over the daemon's Unix socket. It owns the
 * connection; the calls are grouped by concern, as the daemon's services are:
 *
 * <ul>
 *   <li>{@link #tasks()}: create a task, drive its init process, list, pause, resume, update, stats;
 *   <li>{@link #execs()}: add a process to a task and drive any process by task id and exec id;
 *   <li>{@link #io()}: a process's pty size and end of stdin;
 *   <li>{@link #logs()}: a task's container log;
 *   <li>{@link #daemon()}: the daemon's counters, pid and version, shutdown.
 * </ul>
 *
 * <p>Every operation comes as a blocking method and most also as an {@code …Async} method returning a
 * {@link java.util.concurrent.CompletableFuture}; no thread is parked for an asynchronous call. Failures are
 * {@link ShimClientException}s (thrown, or completing the future exceptionally). Waits have no deadline; every other
 * call fails with {@link ShimClientException.Kind#DEADLINE_EXCEEDED} after the call timeout given at connect
 * (default {@link #DEFAULT_CALL_TIMEOUT}).
 *
 * <p>The connection is made lazily by the first call; if the daemon cannot be reached the call fails with
 * {@link ShimClientException.Kind#UNAVAILABLE}. Instances are thread-safe. {@link #close()} cancels calls still in
 * flight.
 */
public final class ShimClient implements AutoCloseable {
  /** The deadline of every call but {@code wait}, unless {@link #connect(Path, Duration)} says otherwise. */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);

  /** The largest width or height a pty takes (its window size fields are unsigned shorts). */
  public static final int MAX_PTY_DIMENSION = 0xFFFF;

  private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

  private final ManagedChannel channel;
  private final Path socket;
  private final ExecClient execs;
  private final TaskClient tasks;
  private final IoClient io;
  private final LogClient logs;
  private final DaemonClient daemon;

  ShimClient(ManagedChannel channel, Path socket, Duration callTimeout) {
    Rpcs rpcs = new Rpcs(channel, socket, callTimeout);
    this.channel = channel;
    this.socket = socket;
    this.execs = new ExecClient(rpcs);
    this.tasks = new TaskClient(rpcs, execs);
    this.io = new IoClient(rpcs);
    this.logs = new LogClient(rpcs);
    this.daemon = new DaemonClient(rpcs);
  }

  /**
   * Creates a client of the daemon listening on {@code socket}, with the {@linkplain #DEFAULT_CALL_TIMEOUT default
   * call timeout}.
   *
   * @param socket the daemon's Unix socket
   * @return a client; close it when done
   */
  public static ShimClient connect(Path socket) {
    return connect(socket, DEFAULT_CALL_TIMEOUT);
  }

  /**
   * Creates a client of the daemon listening on {@code socket}.
   *
   * @param socket the daemon's Unix socket
   * @param callTimeout the deadline of every call but {@code wait}; {@link Duration#ZERO} means none
   * @return a client; close it when done
   */
  public static ShimClient connect(Path socket, Duration callTimeout) {
    Objects.requireNonNull(socket, "socket");
    Args.checkTimeout(callTimeout);
    Path absolute = socket.toAbsolutePath();
    ManagedChannel channel;
    try {
      channel = Grpc.newChannelBuilder(unixTarget(absolute), InsecureChannelCredentials.create()).build();
    } catch (RuntimeException e) {
      if (Epoll.isAvailable()) {
        throw e;
      }
      throw nativeTransportMissing(absolute, e);
    }
    return new ShimClient(channel, absolute, callTimeout);
  }

  /**
   * gRPC reaches a Unix socket only through Netty's epoll transport, a native library that Netty first unpacks into
   * a temporary directory; when that fails gRPC says only that no channel provider supports the address.
   */
  private static ShimClientException nativeTransportMissing(Path socket, RuntimeException error) {
    Throwable cause = Epoll.unavailabilityCause();
    while (cause != null && cause.getCause() != null && cause.getMessage() == null) {
      cause = cause.getCause();
    }
    String why = cause == null ? error.getMessage() : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    String tmp = System.getProperty("io.grpc.netty.shaded.io.netty.native.workdir",
        System.getProperty("java.io.tmpdir"));
    ShimClientException failure = new ShimClientException(ShimClientException.Kind.UNAVAILABLE,
        "cannot talk to the daemon at " + socket + ": the native transport for Unix sockets (Netty epoll) did not "
            + "load (" + why + "). Netty unpacks it into " + tmp + " first, which must be writable and not mounted "
            + "noexec for this user: give another directory with "
            + "JSHIM_EXTRA_JAVA_OPTS=-Dio.grpc.netty.shaded.io.netty.native.workdir=DIR", error);
    return failure;
  }

  /**
   * Returns the socket this client talks to.
   *
   * @return the daemon's socket path
   */
  public Path socket() {
    return socket;
  }

  /**
   * Tasks as a whole and their init processes.
   *
   * @return the task calls of this connection
   */
  public TaskClient tasks() {
    return tasks;
  }

  /**
   * A task's processes by task id and exec id (empty for the init process).
   *
   * @return the exec calls of this connection
   */
  public ExecClient execs() {
    return execs;
  }

  /**
   * A process's terminal size and end of stdin.
   *
   * @return the I/O calls of this connection
   */
  public IoClient io() {
    return io;
  }

  /**
   * A task's container log.
   *
   * @return the log calls of this connection
   */
  public LogClient logs() {
    return logs;
  }

  /**
   * The daemon's counters, pid, version and shutdown.
   *
   * @return the daemon calls of this connection
   */
  public DaemonClient daemon() {
    return daemon;
  }

  /** Closes the connection; calls still in flight are cancelled. */
  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "ShimClient[" + socket + "]";
  }

  private static String unixTarget(Path socket) {
    try {
      return new URI("unix", null, socket.toString(), null).toString();
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("socket: " + socket + " (expected: a file system path)", e);
    }
  }
}
