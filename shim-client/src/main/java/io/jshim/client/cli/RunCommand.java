package io.jshim.client.cli;

import io.jshim.client.CreateOptions;
import io.jshim.client.ExitResult;
import io.jshim.client.ShimClient;
import io.jshim.client.ShimClientException;
import io.jshim.client.Signals;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code jshimctl run}: create, start, wait for and delete one container, with its stdout and stderr on the CLI's
 * own, and exit with its exit status. Without {@code --socket} (or {@code JSHIM_SOCKET}) it runs a private daemon.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run a command in a new container, wait for it, delete it and exit with its exit status.",
      "Without --socket or $JSHIM_SOCKET a private daemon is started for the run."
    })
final class RunCommand implements Callable<Integer> {
  private static final long CLEANUP_WAIT_SECONDS = 5;
  private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(2);

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
      description = "Set an environment variable (repeatable); PATH has a default.")
  List<String> env;

  @Option(names = "--cwd", paramLabel = "DIR", description = "Working directory inside the container (default: /).")
  String cwd;

  @Parameters(paramLabel = "CMD", arity = "0..*", description = "The command to run and its arguments.")
  List<String> command;

  @Override
  public Integer call() throws Exception {
    Optional<RunSpec> generated = plan();
    Path bundleDir = bundle == null ? null : bundle.toAbsolutePath().normalize();
    if (bundleDir != null && !Files.isRegularFile(bundleDir.resolve("config.json"))) {
      throw new IOException("--bundle " + bundleDir + ": no config.json in it");
    }
    String taskId = id != null ? id : "run-" + UUID.randomUUID().toString().substring(0, 12);
    try (SignalForwarder signals = SignalForwarder.install();
        EmbeddedDaemon daemon = ctl.explicitSocket().isPresent() ? null : startDaemon();
        PrivateTempDir tempBundle = generated.isPresent() ? PrivateTempDir.create("jshim-bundle-") : null;
        RunStdio stdio = RunStdio.forThisProcess()) {
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
        return execute(client, taskId, bundleDir, signals, stdio);
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
          RunSpec.environment(env == null ? List.of() : env),
          cwd == null ? "/" : cwd,
          Optional.ofNullable(hostname),
          Optional.ofNullable(absoluteRootfs),
          chosen));
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  private int execute(ShimClient client, String taskId, Path bundleDir, SignalForwarder signals, RunStdio stdio)
      throws InterruptedException {
    client.create(CreateOptions.builder(taskId, bundleDir)
        .stdout(stdio.stdout())
        .stderr(stdio.stderr())
        .build());
    boolean deleted = false;
    try {
      int early = signals.pending();
      if (early != 0) {
        return 128 + early;
      }
      client.start(taskId);
      stdio.started();
      signals.attach(signal -> forward(client, taskId, signal));
      ExitResult exit = client.waitFor(taskId);
      signals.detach();
      client.delete(taskId);
      deleted = true;
      stdio.drain(OUTPUT_DRAIN);
      return exit.exitStatus();
    } finally {
      signals.detach();
      if (!deleted) {
        discard(client, taskId);
      }
    }
  }

  private void forward(ShimClient client, String taskId, int signal) {
    client.killAsync(taskId, signal, false).whenComplete((ignored, error) -> {
      if (error != null) {
        spec.commandLine().getErr().println("jshimctl: cannot forward SIG" + Signals.name(signal) + ": "
            + JshimCtl.describe(error));
        spec.commandLine().getErr().flush();
      }
    });
  }

  /** Best-effort removal of a task left behind by a failure or an early signal. */
  private static void discard(ShimClient client, String taskId) {
    try {
      client.kill(taskId, Signals.SIGKILL, true);
    } catch (ShimClientException e) {
      // Not started, already exited or gone: delete decides.
    }
    try {
      client.waitForAsync(taskId).get(CLEANUP_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // Delete below reports nothing either way; the daemon keeps what it cannot delete.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      client.delete(taskId);
    } catch (ShimClientException e) {
      // Best effort.
    }
  }

  private EmbeddedDaemon startDaemon() throws IOException, InterruptedException {
    return EmbeddedDaemon.start(EmbeddedDaemon.daemonCommand(ctl.properties()), EmbeddedDaemon.READY_TIMEOUT);
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
