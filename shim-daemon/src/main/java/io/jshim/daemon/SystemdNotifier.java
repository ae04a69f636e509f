package io.jshim.daemon;

import io.jshim.daemon.sys.Posix;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells systemd how the daemon's start and stop go, by the {@code sd_notify} protocol: one datagram of
 * {@code KEY=VALUE} lines to the AF_UNIX socket systemd names in {@code $NOTIFY_SOCKET} (units with
 * {@code Type=notify}). Without a socket every call does nothing. Sending is best effort: a failure is
 * logged and never stops the daemon.
 */
public final class SystemdNotifier {
  /** The environment variable systemd sets for a {@code Type=notify} service. */
  public static final String ENV = "NOTIFY_SOCKET";
  /** The pid systemd started, set beside {@link #ENV}. */
  public static final String EXEC_PID_ENV = "SYSTEMD_EXEC_PID";
  private static final Logger log = LoggerFactory.getLogger(SystemdNotifier.class);

  private final Posix posix;
  private final Optional<String> socket;

  /**
   * @param socket the notification socket: an absolute path, or {@code '@'} and an abstract name; empty when
   *     the daemon does not run under systemd's notify protocol
   */
  public SystemdNotifier(Posix posix, Optional<String> socket) {
    this.posix = Objects.requireNonNull(posix, "posix");
    this.socket = Objects.requireNonNull(socket, "socket").filter(s -> !s.isEmpty());
  }

  /**
   * The socket named by {@code $NOTIFY_SOCKET}, if it is set, not empty and meant for this process. systemd
   * also sets {@code $SYSTEMD_EXEC_PID} to the pid it started; when that is another pid, the variables were
   * inherited from an ancestor service (containerd-shim-jshim-v2 passes containerd's environment on), and a
   * READY from here would be refused, or worse taken as that service's. Without {@code $SYSTEMD_EXEC_PID}
   * (systemd before 248) the socket is used.
   */
  public static Optional<String> socketFromEnvironment(Map<String, String> env, long pid) {
    Optional<String> socket = Optional.ofNullable(env.get(ENV)).filter(s -> !s.isEmpty());
    String execPid = env.get(EXEC_PID_ENV);
    if (socket.isPresent() && execPid != null && !execPid.equals(Long.toString(pid))) {
      log.info("not notifying systemd at {}: {}={} is not this process ({}), the variables were inherited",
          socket.get(), EXEC_PID_ENV, execPid, pid);
      return Optional.empty();
    }
    return socket;
  }

  /**
   * Reports that the daemon serves: {@code READY=1} with {@code MAINPID}, the pid systemd is to watch (the
   * pid it started, since the launcher execs the JVM).
   *
   * @return whether the message was sent (false without a socket, or after a logged failure)
   */
  public boolean ready(int pid) {
    return send("READY=1\nMAINPID=" + pid);
  }

  /**
   * Reports that the daemon is stopping ({@code STOPPING=1}).
   *
   * @return whether the message was sent
   */
  public boolean stopping() {
    return send("STOPPING=1");
  }

  private boolean send(String message) {
    if (socket.isEmpty()) {
      return false;
    }
    String address = socket.get();
    int fd = -1;
    try {
      fd = posix.datagramSocket();
      posix.sendTo(fd, address, message.getBytes(StandardCharsets.UTF_8));
      log.debug("told systemd at {}: {}", address, message.replace('\n', ' '));
      return true;
    } catch (RuntimeException e) {
      log.warn("cannot notify systemd at {} of '{}': {}", address, message.replace('\n', ' '), e.getMessage());
      return false;
    } finally {
      posix.closeQuietly(fd);
    }
  }
}
