package io.jshim.client.cli;

import io.jshim.client.ShimClient;
import io.jshim.client.ShimClientException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A private jshim daemon for one {@code jshimctl run}: started as a child process on a socket in a fresh 0700
 * directory, asked to shut down on close, and its directory removed.
 */
final class EmbeddedDaemon implements AutoCloseable {
  /** System property with the daemon launcher to run, set by {@code bin/jshimctl}. */
  static final String COMMAND_PROPERTY = "jshim.daemon.command";
  /** System property with a class path holding {@value #MAIN_CLASS}, used when no launcher is set. */
  static final String CLASSPATH_PROPERTY = "jshim.daemon.classpath";
  /** The daemon's main class. */
  static final String MAIN_CLASS = "io.jshim.daemon.ShimMain";

  static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
  /** How long a start may take before the CLI says on stderr what it waits for. */
  static final Duration ANNOUNCE_AFTER = Duration.ofSeconds(1);
  private static final Duration PROBE_INTERVAL = Duration.ofMillis(20);
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration EXIT_GRACE = Duration.ofSeconds(5);
  private static final int LOG_TAIL_LINES = 20;
  private static final List<Path> SETSID = List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"));

  private final PrivateTempDir dir;
  private final Process process;
  private final Path socket;
  private final Path log;

  private EmbeddedDaemon(PrivateTempDir dir, Process process, Path socket, Path log) {
    this.dir = dir;
    this.process = process;
    this.socket = socket;
    this.log = log;
  }

  /**
   * Works out how to launch the daemon: the launcher in {@value #COMMAND_PROPERTY}, else
   * {@code java -cp <jshim.daemon.classpath> io.jshim.daemon.ShimMain}.
   *
   * @param properties the system properties to read
   * @return the command, without the socket and state-dir arguments
   * @throws IllegalStateException if neither property is set
   */
  static List<String> daemonCommand(Properties properties) {
    String launcher = properties.getProperty(COMMAND_PROPERTY);
    if (launcher != null && !launcher.isBlank()) {
      return List.of(launcher);
    }
    String classpath = properties.getProperty(CLASSPATH_PROPERTY);
    if (classpath != null && !classpath.isBlank()) {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      return List.of(java, "-cp", classpath, MAIN_CLASS);
    }
    throw new IllegalStateException("no daemon to start: give --socket or set JSHIM_SOCKET, or run "
        + "bin/jshimctl (which sets -D" + COMMAND_PROPERTY + ")");
  }

  /**
   * Starts the daemon and waits until its socket answers a {@code Connect} call.
   *
   * @param command the launcher, as from {@link #daemonCommand(Properties)}
   * @param readyTimeout how long to wait for the socket to answer
   * @return the running daemon
   * @throws IOException if it cannot be started or does not answer in time; the message ends with its log tail
   * @throws InterruptedException if interrupted while waiting
   */
  static EmbeddedDaemon start(List<String> command, Duration readyTimeout) throws IOException, InterruptedException {
    return start(command, readyTimeout, waited -> { });
  }

  /**
   * Like {@link #start(List, Duration)}, and tells {@code progress} once, after {@link #ANNOUNCE_AFTER}, that it is
   * still waiting (a daemon that answers sooner is not announced).
   *
   * @param command the launcher, as from {@link #daemonCommand(Properties)}
   * @param readyTimeout how long to wait for the socket to answer
   * @param progress told how long it has waited so far
   * @return the running daemon
   * @throws IOException if it cannot be started or does not answer in time; the message ends with its log tail
   * @throws InterruptedException if interrupted while waiting
   */
  static EmbeddedDaemon start(List<String> command, Duration readyTimeout, Consumer<Duration> progress)
      throws IOException, InterruptedException {
    PrivateTempDir dir = PrivateTempDir.create("jshim-");
    Path socket = dir.path().resolve("jshim.sock");
    Path log = dir.path().resolve("daemon.log");
    List<String> argv = new ArrayList<>();
    // Its own session keeps the terminal's Ctrl-C away from the daemon: run forwards signals to the container.
    SETSID.stream().filter(Files::isExecutable).findFirst().ifPresent(setsid -> argv.add(setsid.toString()));
    argv.addAll(command);
    argv.addAll(List.of("--socket", socket.toString(), "--state-dir", dir.path().resolve("state").toString()));
    Process process;
    try {
      process = new ProcessBuilder(argv)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .start();
    } catch (IOException e) {
      dir.close();
      throw new IOException("cannot start jshim daemon " + command + ": " + e.getMessage(), e);
    }
    EmbeddedDaemon daemon = new EmbeddedDaemon(dir, process, socket, log);
    try {
      daemon.awaitReady(readyTimeout, progress);
      return daemon;
    } catch (IOException | InterruptedException | RuntimeException e) {
      String tail = daemon.logTail();
      daemon.destroy();
      dir.close();
      if (e instanceof IOException io) {
        throw new IOException(io.getMessage() + tail, io);
      }
      throw e;
    }
  }

  /**
   * Returns the daemon's socket.
   *
   * @return the socket path inside the private directory
   */
  Path socket() {
    return socket;
  }

  /**
   * Returns the daemon's pid.
   *
   * @return the pid of the launched process
   */
  long pid() {
    return process.pid();
  }

  /**
   * Returns the last lines of the daemon's log, for error messages.
   *
   * @return a block starting with a newline, or empty if there is no log
   */
  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      if (lines.isEmpty()) {
        return "";
      }
      List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
      return "\n--- jshim daemon log (last " + tail.size() + " lines) ---\n" + String.join("\n", tail);
    } catch (IOException e) {
      return "";
    }
  }

  /** Asks the daemon to shut down, waits for it (destroying it after a grace period) and removes its directory. */
  @Override
  public void close() {
    try {
      if (process.isAlive()) {
        try (ShimClient client = ShimClient.connect(socket, EXIT_GRACE)) {
          client.daemon().shutdown();
        } catch (ShimClientException e) {
          // It may be gone already, or exit before it answers.
        }
        if (!process.waitFor(EXIT_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
          destroy();
        }
      }
    } catch (InterruptedException e) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      dir.close();
    }
  }

  private void awaitReady(Duration timeout, Consumer<Duration> progress) throws IOException, InterruptedException {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    boolean announced = false;
    while (true) {
      long waited = System.nanoTime() - start;
      if (!announced && waited >= ANNOUNCE_AFTER.toNanos()) {
        progress.accept(Duration.ofNanos(waited));
        announced = true;
      }
      if (!process.isAlive()) {
        throw new IOException("jshim daemon exited with status " + process.exitValue() + " before it was ready");
      }
      if (Files.exists(socket) && answers()) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IOException("jshim daemon did not answer on " + socket + " within "
            + timeout.toSeconds() + " s");
      }
      Thread.sleep(PROBE_INTERVAL.toMillis());
    }
  }

  /** Any answer counts, even an error: only an unreachable or silent socket means "not yet". */
  private boolean answers() {
    try (ShimClient probe = ShimClient.connect(socket, PROBE_TIMEOUT)) {
      probe.daemon().connectInfo("");
      return true;
    } catch (ShimClientException e) {
      return e.kind() != ShimClientException.Kind.UNAVAILABLE
          && e.kind() != ShimClientException.Kind.DEADLINE_EXCEEDED;
    }
  }

  /** SIGTERM, then SIGKILL to the daemon and whatever it still has running. */
  private void destroy() throws InterruptedException {
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroy();
    if (!process.waitFor(2, TimeUnit.SECONDS)) {
      descendants.forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.waitFor(2, TimeUnit.SECONDS);
    }
  }
}
