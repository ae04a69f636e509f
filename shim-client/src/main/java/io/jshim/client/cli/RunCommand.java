package io.jshim.client.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jshim.client.CreateOptions;
import io.jshim.client.ShimClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code jshimctl run}: create, start, wait for and delete one container, with its stdout and stderr on the CLI's
 * own (or its pty on the CLI's terminal with {@code -t}), and exit with its exit status. It uses the daemon on
 * {@code --socket}, else on {@code JSHIM_SOCKET}, else the one listening on the default socket, and only when none
 * listens there starts a private daemon for the run.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run a command in a new container, wait for it, delete it and exit with its exit status.",
      "Uses the daemon on --socket, else on $JSHIM_SOCKET, else the one listening on /run/jshim/jshim.sock; "
          + "only when none listens there is a private daemon started for the run (and stopped after it)."
    })
final class RunCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParentCommand
  JshimCtl ctl;

  @Spec
  CommandSpec spec;

  @Option(names = "--ns", split = ",", paramLabel = "NS",
      description = "Namespaces to create, comma-separated: pid, uts, ipc, mnt, net (default: pid,uts,ipc,mnt; "
          + "\"\" for none).")
  List<String> namespaces;

  @Option(names = "--hostname", paramLabel = "NAME", description = "Hostname inside the container (needs uts).")
  String hostname;

  @Option(names = "--rootfs", paramLabel = "DIR",
      description = "Root file system directory (default: the host's file system).")
  Path rootfs;

  @Option(names = "--bundle", paramLabel = "DIR",
      description = "Use this OCI bundle as is instead of generating one from the other options.")
  Path bundle;

  @Option(names = "--id", paramLabel = "ID", description = "Task id (default: run-<random>).")
  String id;

  @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE",
      description = "Set an environment variable (repeatable); PATH has a default, with -t TERM too.")
  List<String> env;

  @Option(names = "--cwd", paramLabel = "DIR", description = "Working directory inside the container (default: /).")
  String cwd;

  @Option(names = {"-t", "--tty"},
      description = "Give the container a terminal attached to this one, in raw mode until it exits "
          + "(Ctrl-C goes to the container); implies -i.")
  boolean tty;

  @Option(names = {"-i", "--interactive"},
      description = "Pass this command's stdin to the container (end of input closes the container's stdin).")
  boolean interactive;

  @Parameters(paramLabel = "CMD", arity = "0..*", description = "The command to run and its arguments.")
  List<String> command;

  @Override
  public Integer call() throws Exception {
    Optional<RunSpec> generated = plan();
    Path bundleDir = bundle == null ? null : bundle.toAbsolutePath().normalize();
    if (bundleDir != null) {
      checkBundleTerminal(bundleDir, tty);
    }
    String taskId = id != null ? id : "run-" + UUID.randomUUID().toString().substring(0, 12);
    try (SignalForwarder signals = SignalForwarder.install();
        ProcessStdio stdio = tty
            ? ProcessStdio.terminal(ctl.console().openTerminal())
            : ProcessStdio.plain(interactive, ctl.console().stdin());
        EmbeddedDaemon daemon = useListeningDaemon() ? null : startDaemon();
        PrivateTempDir tempBundle = generated.isPresent() ? PrivateTempDir.create("jshim-bundle-") : null) {
      if (tempBundle != null) {
        OciConfig.write(generated.get(), tempBundle.path());
        bundleDir = tempBundle.path();
      }
      int early = signals.pending();
      if (early != 0) {
        return 128 + early;
      }
      Path socket = daemon != null ? daemon.socket() : ctl.socket();
      try (ShimClient client = ShimClient.connect(socket)) {
        client.tasks().create(CreateOptions.builder(taskId, bundleDir)
            .terminal(stdio.terminal())
            .stdin(stdio.stdin())
            .stdout(stdio.stdout())
            .stderr(stdio.stderr())
            .build());
        return ProcessRunner.startWaitDelete(client, taskId, "", stdio, signals, spec.commandLine().getErr());
      }
    }
  }

  /**
   * Checks the flags and builds the generated config's contents, or nothing when {@code --bundle} is used.
   *
   * @return what to write into config.json, or empty for {@code --bundle}
   * @throws ParameterException for conflicting or malformed flags
   */
  Optional<RunSpec> plan() throws IOException {
    if (bundle != null) {
      List<String> conflicts = new ArrayList<>();
      addIf(conflicts, namespaces != null, "--ns");
      addIf(conflicts, hostname != null, "--hostname");
      addIf(conflicts, rootfs != null, "--rootfs");
      addIf(conflicts, env != null, "--env");
      addIf(conflicts, cwd != null, "--cwd");
      addIf(conflicts, command != null && !command.isEmpty(), "a command");
      if (!conflicts.isEmpty()) {
        throw usage("--bundle cannot be combined with " + String.join(", ", conflicts)
            + ": the bundle's config.json says what to run");
      }
      return Optional.empty();
    }
    if (command == null || command.isEmpty()) {
      throw usage("missing the command to run: jshimctl run [OPTIONS] [--] CMD [ARGS...]");
    }
    Path absoluteRootfs = rootfs == null ? null : rootfs.toAbsolutePath().normalize();
    if (absoluteRootfs != null && !Files.isDirectory(absoluteRootfs)) {
      throw new IOException("--rootfs " + absoluteRootfs + ": not a directory");
    }
    try {
      Set<Namespace> chosen = namespaces == null ? Namespace.DEFAULT : Namespace.parse(namespaces);
      return Optional.of(new RunSpec(
          command,
          RunSpec.environment(env == null ? List.of() : env, tty),
          cwd == null ? "/" : cwd,
          Optional.ofNullable(hostname),
          Optional.ofNullable(absoluteRootfs),
          chosen,
          tty));
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  /**
   * Checks that a given bundle's {@code process.terminal} agrees with {@code -t}: the daemon gives the process a pty
   * only when both say so, and a process expecting one would otherwise run without it.
   *
   * @param bundleDir the absolute bundle directory
   * @param tty whether {@code -t} was given
   * @throws IOException if config.json is missing, unreadable or disagrees
   */
  static void checkBundleTerminal(Path bundleDir, boolean tty) throws IOException {
    Path config = bundleDir.resolve("config.json");
    if (!Files.isRegularFile(config)) {
      throw new IOException("--bundle " + bundleDir + ": no config.json in it");
    }
    JsonNode root;
    try {
      root = JSON.readTree(config.toFile());
    } catch (JsonProcessingException e) {
      throw new IOException("--bundle " + bundleDir + ": config.json is not valid JSON: " + e.getOriginalMessage()
          + " (expected: an OCI runtime spec)", e);
    } catch (NoSuchFileException e) {
      throw new IOException("--bundle " + bundleDir + ": no config.json in it", e);
    }
    boolean configTerminal = root.path("process").path("terminal").asBoolean(false);
    if (configTerminal != tty) {
      throw new IOException("--bundle " + bundleDir + ": config.json has process.terminal " + configTerminal
          + (tty ? " (expected: true with -t)" : " (expected: false without -t; add -t to attach a terminal)"));
    }
  }

  /** An explicit socket is always used; the default one when a daemon listens there. */
  private boolean useListeningDaemon() {
    return ctl.explicitSocket().isPresent() || DaemonProbe.listens(ctl.socket());
  }

  private EmbeddedDaemon startDaemon() throws IOException, InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    return EmbeddedDaemon.start(EmbeddedDaemon.daemonCommand(ctl.properties()), EmbeddedDaemon.READY_TIMEOUT,
        waited -> {
          err.println("jshimctl: no daemon listens on " + ctl.socket() + "; waiting for a private one to start ("
              + waited.toMillis() + " ms so far)...");
          err.flush();
        });
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  private static void addIf(List<String> list, boolean condition, String item) {
    if (condition) {
      list.add(item);
    }
  }
}
