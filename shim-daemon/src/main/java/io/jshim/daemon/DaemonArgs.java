package io.jshim.daemon;

import io.jshim.daemon.task.UnappliedPolicy;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The command line of {@code jshim-daemon}: {@code --name VALUE} or {@code --name=VALUE}, the list options split at
 * commas and repeatable, {@code -h/--help}, {@code -V/--version}. Written out instead of a command-line library:
 * picocli's classes are Java 5 class files, which the class-data archive cannot hold, so its 170 classes were
 * parsed and verified at every daemon start (about a tenth of the time to the first RPC).
 */
final class DaemonArgs {
  static final String DEFAULT_HELPER = "/usr/libexec/jshim/jshim-spawn";

  private DaemonArgs() {}

  /** What the command line asks for. */
  sealed interface Parsed permits Run, Help, Version {}

  /** Print {@link #usage()} on stdout and exit 0. */
  record Help() implements Parsed {}

  /** Print the version on stdout and exit 0. */
  record Version() implements Parsed {}

  /** Run the daemon with these options (paths as given, not yet made absolute). */
  record Run(Path socket, Path stateDir, Path helper, List<Integer> allowUids, long spawnTimeoutMillis, Path logRoot,
      Optional<Path> ttrpcSocket, Optional<Path> eventsAddress, Optional<String> namespace,
      long idleShutdownDelayMillis, OptionalInt oomScoreAdj, List<String> allowUnapplied) implements Parsed {}

  /** A command line that is not one the daemon runs with: exit status 2, the message and the usage on stderr. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /**
   * Parses {@code args}; {@code env} supplies the defaults of {@code --events-address} ({@code TTRPC_ADDRESS}) and
   * {@code --namespace} ({@code JSHIM_NAMESPACE}), {@code defaultHelper} that of {@code --helper}.
   */
  static Parsed parse(String[] args, Map<String, String> env, String defaultHelper) throws UsageException {
    Path socket = null;
    Path stateDir = Path.of("/run/jshim/state");
    Path helper = null;
    List<Integer> allowUids = new ArrayList<>();
    long spawnTimeout = 10_000;
    Path logRoot = Path.of("/var/log/jshim");
    Path ttrpcSocket = null;
    String eventsAddress = env.get("TTRPC_ADDRESS");
    String namespace = env.get("JSHIM_NAMESPACE");
    long idleShutdownDelay = 0;
    Integer oomScoreAdj = null;
    List<String> allowUnapplied = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "-h", "--help" -> {
          return new Help();
        }
        case "-V", "--version" -> {
          return new Version();
        }
        default -> { }
      }
      if (!arg.startsWith("--")) {
        throw new UsageException("Unexpected argument " + quote(arg) + " at index " + i
            + " (expected: options only, each --NAME VALUE or --NAME=VALUE)");
      }
      int eq = arg.indexOf('=');
      String name = eq < 0 ? arg : arg.substring(0, eq);
      String value;
      if (eq >= 0) {
        value = arg.substring(eq + 1);
      } else if (KNOWN.contains(name)) {
        if (i + 1 >= args.length) {
          throw new UsageException("Missing value for option " + name + " (expected: " + name + " " + label(name) + ")");
        }
        value = args[++i];
      } else {
        value = null;
      }
      switch (name) {
        case "--socket" -> socket = path(name, value);
        case "--state-dir" -> stateDir = path(name, value);
        case "--helper" -> helper = path(name, value);
        case "--allow-uid" -> {
          for (String uid : value.split(",", -1)) {
            allowUids.add((int) number(name, uid, 0, Integer.MAX_VALUE));
          }
        }
        case "--spawn-timeout" -> spawnTimeout = number(name, value, 1, Long.MAX_VALUE);
        case "--log-root" -> logRoot = path(name, value);
        case "--ttrpc-socket" -> ttrpcSocket = path(name, value);
        case "--events-address" -> eventsAddress = value;
        case "--namespace" -> namespace = value;
        case "--idle-shutdown-delay" -> idleShutdownDelay = number(name, value, 0, Long.MAX_VALUE);
        case "--oom-score-adj" -> {
          long n = number(name, value, Long.MIN_VALUE, Long.MAX_VALUE);
          if (n < -1000 || n > 1000) {
            throw new UsageException("--oom-score-adj " + value + " is out of range -1000..1000");
          }
          oomScoreAdj = (int) n;
        }
        case "--allow-unapplied" -> {
          for (String field : value.split(",", -1)) {
            if (!UnappliedPolicy.ALLOWABLE.contains(field)) {
              throw new UsageException("--allow-unapplied " + field + ": not a field jshim leaves unapplied (expected: "
                  + "one of " + String.join(", ", UnappliedPolicy.ALLOWABLE.stream().sorted().toList()) + ")");
            }
            allowUnapplied.add(field);
          }
        }
        default -> throw new UsageException("Unknown option " + quote(name) + " (expected one of: "
            + String.join(" ", KNOWN) + " -h -V)");
      }
    }
    if (socket == null) {
      throw new UsageException("Missing required option --socket PATH");
    }
    Optional<Path> events = eventsAddress == null || eventsAddress.isEmpty() ? Optional.empty()
        : Optional.of(path("--events-address", eventsAddress));
    Optional<String> ns = Optional.ofNullable(namespace).filter(s -> !s.isEmpty());
    if (events.isPresent() && ns.isEmpty()) {
      throw new UsageException("--events-address " + eventsAddress + " needs --namespace (or $JSHIM_NAMESPACE): every "
          + "event names containerd's namespace");
    }
    return new Run(socket, stateDir, helper != null ? helper : path("--helper", defaultHelper), List.copyOf(allowUids),
        spawnTimeout, logRoot, Optional.ofNullable(ttrpcSocket), events, ns, idleShutdownDelay,
        oomScoreAdj == null ? OptionalInt.empty() : OptionalInt.of(oomScoreAdj), List.copyOf(allowUnapplied));
  }

  private static final List<String> KNOWN = List.of("--allow-uid", "--allow-unapplied", "--events-address", "--helper",
      "--idle-shutdown-delay", "--log-root", "--namespace", "--oom-score-adj", "--socket", "--spawn-timeout",
      "--state-dir", "--ttrpc-socket");

  private static String label(String name) {
    return switch (name) {
      case "--state-dir", "--log-root" -> "DIR";
      case "--allow-uid" -> "UID[,UID...]";
      case "--allow-unapplied" -> "FIELD[,FIELD...]";
      case "--spawn-timeout", "--idle-shutdown-delay" -> "MILLIS";
      case "--namespace" -> "NS";
      case "--oom-score-adj" -> "N";
      default -> "PATH";
    };
  }

  private static Path path(String name, String value) throws UsageException {
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      throw new UsageException("Invalid value for option " + name + ": " + quote(value) + " is not a path ("
          + e.getReason() + ")");
    }
  }

  private static long number(String name, String value, long min, long max) throws UsageException {
    long n;
    try {
      n = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new UsageException("Invalid value for option " + name + ": " + quote(value) + " is not a whole number"
          + " (expected: " + name + " " + label(name) + ")");
    }
    if (n < min || n > max) {
      throw new UsageException("Invalid value for option " + name + ": " + value + " (expected: " + min + ".."
          + max + ")");
    }
    return n;
  }

  private static String quote(String s) {
    return "'" + s + "'";
  }

  /** The help text ({@code --help}, and after a usage error). */
  static String usage(String defaultHelper) {
    return """
        Usage: jshim-daemon [-hV] --socket=PATH [--state-dir=DIR] [--helper=PATH] [--allow-uid=UID[,UID...]]...
                            [--spawn-timeout=MILLIS] [--log-root=DIR] [--ttrpc-socket=PATH] [--events-address=PATH]
                            [--namespace=NS] [--idle-shutdown-delay=MILLIS] [--oom-score-adj=N]
                            [--allow-unapplied=FIELD[,FIELD...]]...
        Serve containerd's shim task API over gRPC on a Unix socket.
              --allow-uid=UID[,UID...]
                                    Extra peer uids allowed to call the API (root and the daemon's own uid always are).
              --allow-unapplied=FIELD[,FIELD...]
                                    Let containers set these config fields that affect isolation but that jshim cannot
                                      apply (they run without them; logged at WARN at start and at every Create).
                                      Without it such a field fails Create, Exec or Update. FIELD: one of
                                      process.apparmorProfile, process.selinuxLabel, linux.mountLabel, linux.intelRdt,
                                      linux.resources (a daemon without cgroup access), linux.resources.blockIO,
                                      .hugepageLimits, .network, .rdma, .unified, .memory.kernelTCP,
                                      .cpu.realtimeRuntime, .cpu.realtimePeriod, .cpu.idle (with the linux.resources
                                      prefix).
              --events-address=PATH containerd's ttrpc socket, where task events go (default: $TTRPC_ADDRESS, which
                                      containerd sets for its shims; none: no events).
          -h, --help                Show this help message and exit.
              --helper=PATH         The native spawn helper (default: %s).
              --idle-shutdown-delay=MILLIS
                                    After a Shutdown that found no task, wait this long and stop only if still no task
                                      exists (default: 0, stop at once; containerd-shim-jshim-v2 starts grouped daemons
                                      with 30000).
              --log-root=DIR        Directory that container log files (annotation io.jshim.log.path) must be inside
                                      (default: /var/log/jshim).
              --namespace=NS        containerd's namespace of the tasks, named in every event (default:
                                      $JSHIM_NAMESPACE, which containerd-shim-jshim-v2 sets).
              --oom-score-adj=N     Write N (-1000..1000) to /proc/self/oom_score_adj at start; containers whose config
                                      sets no process.oomScoreAdj inherit it. Default: leave it as inherited.
              --socket=PATH         Unix socket to listen on (absolute path).
              --spawn-timeout=MILLIS
                                    How long one spawn step may take (default: 10000 ms).
              --state-dir=DIR       Private state directory, created 0700 (default: /run/jshim/state).
              --ttrpc-socket=PATH   Also serve the task API over ttrpc (for containerd) on this Unix socket (absolute
                                      path); only peers with the daemon's own uid and gid may connect. Default: no
                                      ttrpc endpoint.
          -V, --version             Print version information and exit.
        """.formatted(defaultHelper);
  }
}
