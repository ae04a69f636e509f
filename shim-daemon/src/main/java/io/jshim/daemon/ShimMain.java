package io.jshim.daemon;

import io.jshim.daemon.config.ShimConfig;
import io.jshim.daemon.server.ShimServer;
import io.jshim.daemon.sys.JnrPosix;
import io.jshim.daemon.task.UnappliedPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jshim-daemon}: runs the shim daemon in the foreground, logging to stderr. */
@Command(name = "jshim-daemon", mixinStandardHelpOptions = true, version = ShimDaemon.VERSION,
    description = "Serve containerd's shim task API over gRPC on a Unix socket.")
public final class ShimMain implements Callable<Integer> {

  @Option(names = "--socket", required = true, paramLabel = "PATH", description = "Unix socket to listen on (absolute path).")
  Path socket;

  @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "/run/jshim/state",
      description = "Private state directory, created 0700 (default: ${DEFAULT-VALUE}).")
  Path stateDir;

  @Option(names = "--helper", paramLabel = "PATH", defaultValue = "${sys:jshim.helper:-/usr/libexec/jshim/jshim-spawn}",
      description = "The native spawn helper (default: ${DEFAULT-VALUE}).")
  Path helper;

  @Option(names = "--allow-uid", paramLabel = "UID", split = ",",
      description = "Extra peer uids allowed to call the API (root and the daemon's own uid always are).")
  List<Integer> allowUids = List.of();

  @Option(names = "--spawn-timeout", paramLabel = "MILLIS", defaultValue = "10000",
      description = "How long one spawn step may take (default: ${DEFAULT-VALUE} ms).")
  long spawnTimeoutMillis;

  @Option(names = "--log-root", paramLabel = "DIR", defaultValue = "/var/log/jshim",
      description = "Directory that container log files (annotation io.jshim.log.path) must be inside "
          + "(default: ${DEFAULT-VALUE}).")
  Path logRoot;

  @Option(names = "--ttrpc-socket", paramLabel = "PATH",
      description = "Also serve the task API over ttrpc (for containerd) on this Unix socket (absolute path); "
          + "only peers with the daemon's own uid and gid may connect. Default: no ttrpc endpoint.")
  Path ttrpcSocket;

  @Option(names = "--events-address", paramLabel = "PATH", defaultValue = "${env:TTRPC_ADDRESS}",
      description = "containerd's ttrpc socket, where task events go (default: $TTRPC_ADDRESS, which containerd "
          + "sets for its shims; none: no events).")
  Path eventsAddress;

  @Option(names = "--namespace", paramLabel = "NS", defaultValue = "${env:JSHIM_NAMESPACE}",
      description = "containerd's namespace of the tasks, named in every event (default: $JSHIM_NAMESPACE, which "
          + "containerd-shim-jshim-v2 sets).")
  String namespace;

  @Option(names = "--idle-shutdown-delay", paramLabel = "MILLIS", defaultValue = "0",
      description = "After a Shutdown that found no task, wait this long and stop only if still no task exists "
          + "(default: ${DEFAULT-VALUE}, stop at once; containerd-shim-jshim-v2 starts grouped daemons with 30000).")
  long idleShutdownDelayMillis;

  @Option(names = "--oom-score-adj", paramLabel = "N",
      description = "Write N (-1000..1000) to /proc/self/oom_score_adj at start; containers whose config sets no "
          + "process.oomScoreAdj inherit it. Default: leave it as inherited.")
  Integer oomScoreAdj;

  @Option(names = "--allow-unapplied", paramLabel = "FIELD", split = ",",
      description = "Let containers set these config fields that affect isolation but that jshim cannot apply "
          + "(they run without them; logged at WARN at start and at every Create). Without it such a field fails "
          + "Create, Exec or Update. FIELD: one of process.apparmorProfile, process.selinuxLabel, linux.mountLabel, "
          + "linux.intelRdt, linux.resources (a daemon without cgroup access), "
          + "linux.resources.network, .rdma, .memory.kernelTCP, "
          + ".cpu.realtimeRuntime, .cpu.realtimePeriod, .cpu.idle (with the linux.resources prefix).")
  List<String> allowUnapplied = List.of();

  // not a static field: class initialisation would start logging before main() starts the native loads
  private static Logger log() {
    return LoggerFactory.getLogger(ShimMain.class);
  }

  public static void main(String[] args) {
    // the native parts load on the second core while the command line and logging start on this one
    JnrPosix.startLoading();
    ShimServer.startLoadingTransport();
    System.exit(new CommandLine(new ShimMain()).execute(args));
  }

  private Optional<ShimConfig.EventTarget> events() {
    if (eventsAddress == null || eventsAddress.toString().isEmpty()) {
      return Optional.empty();
    }
    if (namespace == null || namespace.isEmpty()) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--events-address " + eventsAddress
          + " needs --namespace (or $JSHIM_NAMESPACE): every event names containerd's namespace");
    }
    return Optional.of(new ShimConfig.EventTarget(eventsAddress.toAbsolutePath(), namespace));
  }

  @Override
  public Integer call() throws Exception {
    if (oomScoreAdj != null) {
      if (oomScoreAdj < -1000 || oomScoreAdj > 1000) {
        throw new CommandLine.ParameterException(new CommandLine(this),
            "--oom-score-adj " + oomScoreAdj + " is out of range -1000..1000");
      }
      try {
        Files.writeString(Path.of("/proc/self/oom_score_adj"), oomScoreAdj.toString());
      } catch (IOException e) {
        log().error("cannot start: --oom-score-adj {}: cannot write /proc/self/oom_score_adj ({}; lowering it needs "
            + "CAP_SYS_RESOURCE)", oomScoreAdj, e.getMessage());
        return 1;
      }
    }
    for (String field : allowUnapplied) {
      if (!UnappliedPolicy.ALLOWABLE.contains(field)) {
        throw new CommandLine.ParameterException(new CommandLine(this), "--allow-unapplied " + field
            + ": not a field jshim leaves unapplied (expected: one of "
            + String.join(", ", UnappliedPolicy.ALLOWABLE.stream().sorted().toList()) + ")");
      }
    }
    ShimConfig config = new ShimConfig(socket.toAbsolutePath(), stateDir.toAbsolutePath(), helper,
        Set.copyOf(allowUids), Duration.ofMillis(spawnTimeoutMillis), logRoot.toAbsolutePath(),
        Optional.ofNullable(ttrpcSocket).map(Path::toAbsolutePath), events(),
        SystemdNotifier.socketFromEnvironment(System.getenv(), ProcessHandle.current().pid()),
        Duration.ofMillis(idleShutdownDelayMillis), Set.copyOf(allowUnapplied));
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
