package io.jshim.daemon;

import io.jshim.daemon.task.UnappliedPolicy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.MissingArgumentException;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.apache.commons.cli.UnrecognizedOptionException;

/**
 * The command line of {@code jshim-daemon}, parsed by Apache Commons CLI: {@code --name VALUE} or
 * {@code --name=VALUE}, the list options split at commas and repeatable, {@code -h/--help}, {@code -V/--version}.
 *
 * <p>Commons CLI rather than picocli (which jshimctl uses): picocli's classes are Java 5 class files, which the
 * class-data archive cannot hold, so its 170 classes were parsed and verified from the jar at every daemon start
 * (about a tenth of the time to the first RPC); Commons CLI's are Java 8 and come from the archive.
 */
final class DaemonArgs {
  static final String DEFAULT_HELPER = "/usr/libexec/jshim/jshim-spawn";
  private static final Options OPTIONS = options(DEFAULT_HELPER);

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
    CommandLine line;
    try {
      line = DefaultParser.builder().setStripLeadingAndTrailingQuotes(false).get().parse(OPTIONS, args);
    } catch (UnrecognizedOptionException e) {
      String name = e.getOption().contains("=") ? e.getOption().substring(0, e.getOption().indexOf('=')) : e.getOption();
      throw new UsageException("Unknown option " + quote(name) + " (expected one of: "
          + String.join(" ", OPTIONS.getOptions().stream().filter(Option::hasArg).map(o -> "--" + o.getLongOpt())
              .sorted().toList()) + " -h -V)");
    } catch (MissingArgumentException e) {
      String name = "--" + e.getOption().getLongOpt();
      throw new UsageException("Missing value for option " + name + " (expected: " + name + " " + label(name) + ")");
    } catch (ParseException e) {
      throw new UsageException(e.getMessage());
    }
    if (line.hasOption("help")) {
      return new Help();
    }
    if (line.hasOption("version")) {
      return new Version();
    }
    if (!line.getArgList().isEmpty()) {
      String extra = line.getArgList().get(0);
      throw new UsageException("Unexpected argument " + quote(extra) + " at index " + List.of(args).indexOf(extra)
          + " (expected: options only, each --NAME VALUE or --NAME=VALUE)");
    }
    if (!line.hasOption("socket")) {
      throw new UsageException("Missing required option --socket PATH");
    }
    List<Integer> allowUids = new ArrayList<>();
    for (String uid : listValues(line, "allow-uid")) {
      allowUids.add((int) number("--allow-uid", uid, 0, Integer.MAX_VALUE));
    }
    List<String> allowUnapplied = new ArrayList<>();
    for (String field : listValues(line, "allow-unapplied")) {
      if (!UnappliedPolicy.ALLOWABLE.contains(field)) {
        throw new UsageException("--allow-unapplied " + field + ": not a field jshim leaves unapplied (expected: "
            + "one of " + String.join(", ", UnappliedPolicy.ALLOWABLE.stream().sorted().toList()) + ")");
      }
      allowUnapplied.add(field);
    }
    OptionalInt oomScoreAdj = OptionalInt.empty();
    if (line.hasOption("oom-score-adj")) {
      String value = line.getOptionValue("oom-score-adj");
      long n = number("--oom-score-adj", value, Long.MIN_VALUE, Long.MAX_VALUE);
      if (n < -1000 || n > 1000) {
        throw new UsageException("--oom-score-adj " + value + " is out of range -1000..1000");
      }
      oomScoreAdj = OptionalInt.of((int) n);
    }
    String eventsAddress = line.getOptionValue("events-address", env.get("TTRPC_ADDRESS"));
    Optional<Path> events = eventsAddress == null || eventsAddress.isEmpty() ? Optional.empty()
        : Optional.of(path("--events-address", eventsAddress));
    Optional<String> ns = Optional.ofNullable(line.getOptionValue("namespace", env.get("JSHIM_NAMESPACE")))
        .filter(s -> !s.isEmpty());
    if (events.isPresent() && ns.isEmpty()) {
      throw new UsageException("--events-address " + eventsAddress + " needs --namespace (or $JSHIM_NAMESPACE): every "
          + "event names containerd's namespace");
    }
    return new Run(path("--socket", line.getOptionValue("socket")),
        path("--state-dir", line.getOptionValue("state-dir", "/run/jshim/state")),
        path("--helper", line.getOptionValue("helper", defaultHelper)), List.copyOf(allowUids),
        line.hasOption("spawn-timeout") ? number("--spawn-timeout", line.getOptionValue("spawn-timeout"), 1,
            Long.MAX_VALUE) : 10_000,
        path("--log-root", line.getOptionValue("log-root", "/var/log/jshim")),
        line.hasOption("ttrpc-socket") ? Optional.of(path("--ttrpc-socket", line.getOptionValue("ttrpc-socket")))
            : Optional.empty(),
        events, ns,
        line.hasOption("idle-shutdown-delay") ? number("--idle-shutdown-delay",
            line.getOptionValue("idle-shutdown-delay"), 0, Long.MAX_VALUE) : 0,
        oomScoreAdj, List.copyOf(allowUnapplied));
  }

  /** Every value of a repeatable option, each split at commas. */
  private static List<String> listValues(CommandLine line, String name) {
    String[] values = line.getOptionValues(name);
    List<String> items = new ArrayList<>();
    for (String value : values == null ? new String[0] : values) {
      items.addAll(List.of(value.split(",", -1)));
    }
    return items;
  }

  private static Options options(String defaultHelper) {
    Options options = new Options();
    options.addOption(Option.builder("h").longOpt("help").desc("Show this help message and exit.").get());
    options.addOption(Option.builder("V").longOpt("version").desc("Print version information and exit.").get());
    valued(options, "--socket", "Unix socket to listen on (absolute path). Required.");
    valued(options, "--state-dir", "Private state directory, created 0700 (default: /run/jshim/state).");
    valued(options, "--helper", "The native spawn helper (default: " + defaultHelper + ").");
    valued(options, "--allow-uid", "Extra peer uids allowed to call the API (root and the daemon's own uid always"
        + " are); repeatable.");
    valued(options, "--spawn-timeout", "How long one spawn step may take (default: 10000 ms).");
    valued(options, "--log-root", "Directory that container log files (annotation io.jshim.log.path) must be inside"
        + " (default: /var/log/jshim).");
    valued(options, "--ttrpc-socket", "Also serve the task API over ttrpc (for containerd) on this Unix socket"
        + " (absolute path); only peers with the daemon's own uid and gid may connect. Default: no ttrpc endpoint.");
    valued(options, "--events-address", "containerd's ttrpc socket, where task events go (default: $TTRPC_ADDRESS,"
        + " which containerd sets for its shims; none: no events).");
    valued(options, "--namespace", "containerd's namespace of the tasks, named in every event (default:"
        + " $JSHIM_NAMESPACE, which containerd-shim-jshim-v2 sets).");
    valued(options, "--idle-shutdown-delay", "After a Shutdown that found no task, wait this long and stop only if"
        + " still no task exists (default: 0, stop at once; containerd-shim-jshim-v2 starts grouped daemons with"
        + " 30000).");
    valued(options, "--oom-score-adj", "Write N (-1000..1000) to /proc/self/oom_score_adj at start; containers"
        + " whose config sets no process.oomScoreAdj inherit it. Default: leave it as inherited.");
    valued(options, "--allow-unapplied", "Let containers set these config fields that affect isolation but that"
        + " jshim cannot apply (they run without them; logged at WARN at start and at every Create). Without it such"
        + " a field fails Create, Exec or Update. FIELD: one of " + String.join(", ",
            UnappliedPolicy.ALLOWABLE.stream().sorted().toList()) + "; repeatable.");
    return options;
  }

  private static void valued(Options options, String name, String description) {
    options.addOption(Option.builder().longOpt(name.substring(2)).hasArg().argName(label(name)).desc(description)
        .get());
  }

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
  @SuppressWarnings("deprecation") // the classic formatter: the newer one prints a table with a "Since" column
  static String usage(String defaultHelper) {
    StringWriter text = new StringWriter();
    HelpFormatter formatter = HelpFormatter.builder().setShowDeprecated(false).get();
    formatter.setLongOptSeparator("=");
    formatter.setSyntaxPrefix("Usage: ");
    try (PrintWriter out = new PrintWriter(text)) {
      formatter.printHelp(out, 118, "jshim-daemon --socket=PATH [OPTION]...",
          "Serve containerd's shim task API over gRPC on a Unix socket.", options(defaultHelper), 2, 2, "", false);
    }
    return text.toString();
  }
}
