package io.jshim.client.cli;

import io.jshim.client.ExitResult;
import io.jshim.client.ShimClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jshimctl wait ID}: waits for a task to exit and exits with its exit status. */
@Command(name = "wait", mixinStandardHelpOptions = true,
    description = "Wait until a task exits, then exit with its exit status.")
final class WaitCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "Task id.")
  String id;

  @Option(names = {"-v", "--verbose"}, description = "Print 'exit_status exited_at' when the task exits.")
  boolean verbose;

  @Override
  int call(ShimClient client) {
    ExitResult exit = client.tasks().waitFor(id);
    if (verbose) {
      out().println(exit.exitStatus() + " " + exit.exitedAt());
    }
    return exit.exitStatus();
  }
}
