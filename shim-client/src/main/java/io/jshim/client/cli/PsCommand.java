package io.jshim.client.cli;

import io.jshim.client.ProcessEntry;
import io.jshim.client.ShimClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code jshimctl ps ID}: prints a task's pids, one per line. */
@Command(name = "ps", mixinStandardHelpOptions = true,
    description = "List the pids of a task's processes, one per line.")
final class PsCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "Task id.")
  String id;

  @Override
  int call(ShimClient client) {
    for (ProcessEntry process : client.tasks().pids(id)) {
      out().println(process.pid());
    }
    return 0;
  }
}
