package io.jshim.client.cli;

import io.jshim.client.ShimClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
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
    description = "Drive a jshim container shim daemon over its Unix socket.",
    subcommands = {
      CreateCommand.class,
      StartCommand.class,
      WaitCommand.class,
      KillCommand.class,
      DeleteCommand.class,
      StateCommand.class,
      PsCommand.class,
      PauseCommand.class,
      ResumeCommand.class,
      UpdateCommand.class,
      StatsCommand.class,
      StatusCommand.class,
      RunCommand.class,
      ExecCommand.class,
      LogsCommand.class
    })
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

  private static final String LOGBACK_CONFIG = "io/jshim/client/cli/jshimctl-logback.xml";

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
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", LOGBACK_CONFIG);
    }
    System.exit(new JshimCtl().commandLine().execute(args));
  }

  /**
   * Builds the picocli command line with jshimctl's error handling: {@code jshimctl: <message>} on stderr, exit
   * code {@value #EXIT_ERROR} for failures and {@value #EXIT_USAGE} for usage errors.
   *
   * @return a command line ready to {@link CommandLine#execute(String...) execute}
   */
  public CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(this);
    commandLine.setExecutionExceptionHandler((error, failed, parseResult) -> {
      failed.getErr().println("jshimctl: " + describe(error));
      failed.getErr().flush();
      return EXIT_ERROR;
    });
    commandLine.setParameterExceptionHandler(JshimCtl::usageError);
    // Everything after run's first positional parameter belongs to the container's command.
    commandLine.getSubcommands().get("run").setStopAtPositional(true);
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
