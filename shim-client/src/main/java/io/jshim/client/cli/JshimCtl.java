package io.jshim.client.cli;

import io.jshim.client.ShimClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code jshimctl}: drives a jshim daemon from the command line.
 *
 * <p>Exit codes follow docker: a verb's own errors exit {@value #EXIT_ERROR}, usage errors {@value #EXIT_USAGE};
 * {@code wait}, {@code run} and {@code exec} exit with the workload's exit status.
 */
@Command(
    name = "jshimctl",
    mixinStandardHelpOptions = true,
    versionProvider = JshimCtl.Version.class,
    description = "Drive a jshim container shim daemon over its Unix socket.")
public final class JshimCtl implements Runnable {
  /** The socket used when neither {@code --socket} nor {@code JSHIM_SOCKET} names one. */
  public static final Path DEFAULT_SOCKET = Path.of("/run/jshim/jshim.sock");
  /** System property standing in for {@link #DEFAULT_SOCKET}, for tests and for an installation elsewhere. */
  static final String DEFAULT_SOCKET_PROPERTY = "jshim.default.socket";
  /** The environment variable naming the daemon socket. */
  public static final String SOCKET_ENV = "JSHIM_SOCKET";
  /** The exit code of a failed verb (126 and 127 belong to the workload). */
  public static final int EXIT_ERROR = 125;
  /** The exit code of a usage error. */
  public static final int EXIT_USAGE = 2;

  /**
   * The verbs, in the order of the usage text. Added to the command line in code rather than listed in
   * {@code @Command(subcommands)}: picocli builds the model of every listed class by reflection before it parses
   * anything (about 190 ms of one call's 700 ms of CPU in a profile), and a call needs only its own verb's.
   */
  static final Map<String, Supplier<Object>> VERBS = verbs();

  private static Map<String, Supplier<Object>> verbs() {
    Map<String, Supplier<Object>> verbs = new LinkedHashMap<>();
    verbs.put("create", CreateCommand::new);
    verbs.put("start", StartCommand::new);
    verbs.put("wait", WaitCommand::new);
    verbs.put("kill", KillCommand::new);
    verbs.put("delete", DeleteCommand::new);
    verbs.put("state", StateCommand::new);
    verbs.put("ps", PsCommand::new);
    verbs.put("pause", PauseCommand::new);
    verbs.put("resume", ResumeCommand::new);
    verbs.put("update", UpdateCommand::new);
    verbs.put("stats", StatsCommand::new);
    verbs.put("status", StatusCommand::new);
    verbs.put("run", RunCommand::new);
    verbs.put("exec", ExecCommand::new);
    verbs.put("logs", LogsCommand::new);
    return Collections.unmodifiableMap(verbs);
  }

  private final Map<String, String> env;
  private final Properties properties;
  private final CliConsole console;

  @Spec
  private CommandSpec spec;

  @Option(
      names = "--socket",
      paramLabel = "PATH",
      scope = ScopeType.INHERIT,
      description = "Daemon socket (default: $JSHIM_SOCKET, else /run/jshim/jshim.sock; "
          + "'run' without either uses the daemon listening there, or starts a private one).")
  private Path socket;

  /** Creates the command for this process's environment and system properties. */
  public JshimCtl() {
    this(System.getenv(), System.getProperties());
  }

  JshimCtl(Map<String, String> env, Properties properties) {
    this(env, properties, CliConsole.SYSTEM);
  }

  JshimCtl(Map<String, String> env, Properties properties, CliConsole console) {
    this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
    this.properties = Objects.requireNonNull(properties, "properties");
    this.console = Objects.requireNonNull(console, "console");
  }

  /**
   * Runs {@code jshimctl} and exits the JVM with its exit code.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    System.exit(new JshimCtl().commandLine(args).execute(args));
  }

  /**
   * Builds the picocli command line with every verb and jshimctl's error handling: {@code jshimctl: <message>} on
   * stderr, exit code {@value #EXIT_ERROR} for failures and {@value #EXIT_USAGE} for usage errors.
   *
   * @return a command line ready to {@link CommandLine#execute(String...) execute}
   */
  public CommandLine commandLine() {
    return commandLine(VERBS.keySet());
  }

  /**
   * {@link #commandLine()} for one command line: with only the verb {@code args} name, when they name one (the
   * same parse, help and errors as with every verb, for less start-up work); with every verb otherwise.
   *
   * @param args the command line to be executed
   * @return a command line ready to {@link CommandLine#execute(String...) execute} {@code args}
   */
  public CommandLine commandLine(String... args) {
    return commandLine(verbOf(args).map(Set::of).orElse(VERBS.keySet()));
  }

  /**
   * The verb of {@code args}: the first argument that is not an option of jshimctl itself (only {@code --socket}
   * takes a value), if it names one. Anything else before it (a help or version flag, an unknown option) gets the
   * whole command line, which answers it as before.
   */
  static Optional<String> verbOf(String... args) {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--socket")) {
        i++;
      } else if (!arg.startsWith("--socket=")) {
        return VERBS.containsKey(arg) ? Optional.of(arg) : Optional.empty();
      }
    }
    return Optional.empty();
  }

  private CommandLine commandLine(Set<String> verbs) {
    CommandLine commandLine = new CommandLine(this);
    VERBS.forEach((name, verb) -> {
      if (verbs.contains(name)) {
        commandLine.addSubcommand(name, verb.get());
      }
    });
    commandLine.setExecutionExceptionHandler((error, failed, parseResult) -> {
      failed.getErr().println("jshimctl: " + describe(error));
      failed.getErr().flush();
      return EXIT_ERROR;
    });
    commandLine.setParameterExceptionHandler(JshimCtl::usageError);
    // Everything after run's first positional parameter belongs to the container's command.
    Optional.ofNullable(commandLine.getSubcommands().get("run")).ifPresent(run -> run.setStopAtPositional(true));
    return commandLine;
  }

  /** Without a verb, print the usage and fail as a usage error. */
  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing a command");
  }

  /**
   * Returns the socket named by {@code --socket} or {@code JSHIM_SOCKET}, if either is set.
   *
   * @return the explicitly chosen socket
   */
  Optional<Path> explicitSocket() {
    if (socket != null) {
      return Optional.of(socket);
    }
    String fromEnv = env.get(SOCKET_ENV);
    return fromEnv == null || fromEnv.isBlank() ? Optional.empty() : Optional.of(Path.of(fromEnv));
  }

  /**
   * Returns the socket to talk to: the explicit one, else the default one ({@link #DEFAULT_SOCKET}, unless
   * {@value #DEFAULT_SOCKET_PROPERTY} names another).
   *
   * @return the daemon socket
   */
  Path socket() {
    return explicitSocket().orElseGet(() -> {
      String other = properties.getProperty(DEFAULT_SOCKET_PROPERTY);
      return other == null || other.isBlank() ? DEFAULT_SOCKET : Path.of(other);
    });
  }

  /**
   * Opens a client of the daemon at {@link #socket()}.
   *
   * @return a client; the caller closes it
   */
  ShimClient connect() {
    return ShimClient.connect(socket());
  }

  Properties properties() {
    return properties;
  }

  CliConsole console() {
    return console;
  }

  private static int usageError(ParameterException error, String[] args) {
    CommandLine failed = error.getCommandLine();
    PrintWriter err = failed.getErr();
    err.println("jshimctl: " + error.getMessage());
    err.println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for more information.");
    err.flush();
    return EXIT_USAGE;
  }

  static String describe(Throwable error) {
    String message = error.getMessage();
    return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
  }

  /** Reports the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = JshimCtl.class.getPackage().getImplementationVersion();
      return new String[] {"jshimctl " + (version == null ? "(development build)" : version)};
    }
  }
}
