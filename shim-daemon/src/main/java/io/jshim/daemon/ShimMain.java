package io.jshim.daemon;

import io.jshim.daemon.config.ShimConfig;
import io.jshim.daemon.server.ShimServer;
import io.jshim.daemon.sys.JnrPosix;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code jshim-daemon}: runs the shim daemon in the foreground, logging to stderr ({@code --help} lists the
 * options, {@link DaemonArgs} reads them). Exit status 0 after a shutdown, 1 when the daemon cannot start, 2 for a
 * command line it cannot run with.
 */
public final class ShimMain {
  private ShimMain() {}

  // not a static field: class initialisation would start logging before main() starts the native loads
  private static Logger log() {
    return LoggerFactory.getLogger(ShimMain.class);
  }

  public static void main(String[] args) {
    // the native parts load on the second core while the command line and logging start on this one
    JnrPosix.startLoading();
    ShimServer.startLoadingTransport();
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the daemon the command line {@code args} describes, until it shuts down; returns the exit status. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    String defaultHelper = System.getProperty("jshim.helper", DaemonArgs.DEFAULT_HELPER);
    DaemonArgs.Parsed parsed;
    try {
      parsed = DaemonArgs.parse(args, System.getenv(), defaultHelper);
    } catch (DaemonArgs.UsageException e) {
      err.println(e.getMessage());
      err.print(DaemonArgs.usage(defaultHelper));
      err.flush();
      return 2;
    }
    if (parsed instanceof DaemonArgs.Help) {
      out.print(DaemonArgs.usage(defaultHelper));
      out.flush();
      return 0;
    }
    if (parsed instanceof DaemonArgs.Version) {
      out.println(ShimDaemon.VERSION);
      out.flush();
      return 0;
    }
    try {
      return serve((DaemonArgs.Run) parsed);
    } catch (Exception e) {
      e.printStackTrace(err);
      return 1;
    }
  }

  private static int serve(DaemonArgs.Run run) throws Exception {
    if (run.oomScoreAdj().isPresent()) {
      int adj = run.oomScoreAdj().getAsInt();
      try {
        Files.writeString(Path.of("/proc/self/oom_score_adj"), Integer.toString(adj));
      } catch (IOException e) {
        log().error("cannot start: --oom-score-adj {}: cannot write /proc/self/oom_score_adj ({}; lowering it needs "
            + "CAP_SYS_RESOURCE)", adj, e.getMessage());
        return 1;
      }
    }
    ShimConfig config = new ShimConfig(run.socket().toAbsolutePath(), run.stateDir().toAbsolutePath(), run.helper(),
        Set.copyOf(run.allowUids()), Duration.ofMillis(run.spawnTimeoutMillis()), run.logRoot().toAbsolutePath(),
        run.ttrpcSocket().map(Path::toAbsolutePath),
        run.eventsAddress().map(a -> new ShimConfig.EventTarget(a.toAbsolutePath(), run.namespace().orElseThrow())),
        SystemdNotifier.socketFromEnvironment(System.getenv(), ProcessHandle.current().pid()),
        Duration.ofMillis(run.idleShutdownDelayMillis()), Set.copyOf(run.allowUnapplied()));
    ShimDaemon daemon;
    try {
      daemon = ShimDaemon.start(config);
    } catch (IllegalStateException | IllegalArgumentException e) {
      log().error("cannot start: {}", e.getMessage());
      return 1;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "jshim-shutdown"));
    daemon.awaitShutdown();
    daemon.close();
    return 0;
  }
}
