package io.jshim.client.cli;

import io.jshim.client.ShimClient;
import io.jshim.client.Signals;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jshimctl kill ID [--signal SIG] [--all]}: signals a task. */
@Command(name = "kill", mixinStandardHelpOptions = true,
    description = "Send a signal to a task's process.")
final class KillCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "Task id.")
  String id;

  @Option(names = {"-s", "--signal"}, paramLabel = "SIG", defaultValue = "TERM",
      converter = SignalConverter.class,
      description = "Signal name (TERM, SIGKILL, …) or number (default: ${DEFAULT-VALUE}).")
  int signal = Signals.SIGTERM;

  @Option(names = {"-a", "--all"}, description = "Signal every process of the task.")
  boolean all;

  @Override
  int call(ShimClient client) {
    client.tasks().kill(id, signal, all);
    return 0;
  }
}
