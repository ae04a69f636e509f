package io.jshim.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jshim.client.ExecOptions;
import io.jshim.client.ShimClient;
import io.jshim.client.TaskState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Stack;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.IParameterConsumer;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code jshimctl exec ID CMD…}: runs another process in a running task, as its own process spec: the container's
 * {@code process} from the bundle's config.json with the command, terminal, environment, cwd and user changed. Exec,
 * Start, wait, delete the exec, and exit with its exit status.
 */
@Command(
    name = "exec",
    mixinStandardHelpOptions = true,
    description = {
      "Run a command in a running task, wait for it, delete it and exit with its exit status.",
      "It starts from the container's own process in <bundle>/config.json (user, capabilities, rlimits, env, …)."
    })
final class ExecCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "Task id.")
  String id;

  @Parameters(index = "1..*", paramLabel = "CMD", arity = "0..*", parameterConsumer = RestOfCommandLine.class,
      description = "The command to run and its arguments; everything after it belongs to it.")
  List<String> command;

  @Option(names = "--exec-id", paramLabel = "ID", description = "Exec id (default: exec-<random>).")
  String execId;

  @Option(names = {"-t", "--tty"},
      description = "Give the process a terminal attached to this one, in raw mode until it exits "
          + "(Ctrl-C goes to the process); implies -i.")
  boolean tty;

  @Option(names = {"-i", "--interactive"},
      description = "Pass this command's stdin to the process (end of input closes the process's stdin).")
  boolean interactive;

  @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE",
      description = "Set an environment variable, replacing the container's value (repeatable).")
  List<String> env;

  @Option(names = "--cwd", paramLabel = "DIR", description = "Working directory (default: the container's).")
  String cwd;

  @Option(names = {"-u", "--user"}, paramLabel = "UID[:GID]",
      description = "Run as this uid and gid (default: the container's user; the gid defaults to the container's, "
          + "supplementary groups are dropped).")
  String user;

  @Override
  int call(ShimClient client) throws Exception {
    ExecSpec plan = plan();
    TaskState state = client.tasks().state(id);
    JsonNode config = ExecSpec.readConfig(id, state.bundle());
    ObjectNode process = plan.applyTo(config);
    String exec = execId != null ? execId : "exec-" + UUID.randomUUID().toString().substring(0, 12);
    try (SignalForwarder signals = SignalForwarder.install();
        ProcessStdio stdio = tty
            ? ProcessStdio.terminal(ctl.console().openTerminal())
            : ProcessStdio.plain(interactive, ctl.console().stdin())) {
      // the exec's pty exists only once Start runs it: its first size travels in the spec, as runc's consoleSize
      stdio.windowSize().ifPresent(size -> process.putObject("consoleSize").put("height", size.rows())
          .put("width", size.columns()));
      String specJson = process.toString();
      int early = signals.pending();
      if (early != 0) {
        return 128 + early;
      }
      client.execs().exec(id, exec, ExecOptions.builder(specJson)
          .terminal(stdio.terminal())
          .stdin(stdio.stdin())
          .stdout(stdio.stdout())
          .stderr(stdio.stderr())
          .build());
      return ProcessRunner.startWaitDelete(client, id, exec, stdio, signals, spec.commandLine().getErr());
    }
  }

  /**
   * Checks the flags and builds what to change in the container's process.
   *
   * @return the changes
   * @throws ParameterException for a missing command or a malformed flag
   */
  ExecSpec plan() {
    if (execId != null && execId.isBlank()) {
      throw usage("--exec-id: blank (expected: an id for the new process)");
    }
    try {
      return new ExecSpec(
          command == null ? List.of() : command,
          tty,
          env == null ? List.of() : env,
          Optional.ofNullable(cwd),
          Optional.ofNullable(user).map(ExecSpec.User::parse));
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  /**
   * Takes the command's first word and everything after it, options included, so that {@code exec ID ls -t} runs
   * {@code ls -t} while options before the command ({@code exec -t ID sh}) still belong to {@code exec}.
   */
  static final class RestOfCommandLine implements IParameterConsumer {
    @Override
    public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
      List<String> rest = argSpec.getValue() == null ? new ArrayList<>() : new ArrayList<>(argSpec.getValue());
      while (!args.isEmpty()) {
        rest.add(args.pop());
      }
      argSpec.setValue(rest);
    }
  }
}
