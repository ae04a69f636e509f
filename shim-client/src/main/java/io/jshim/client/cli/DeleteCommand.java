package io.jshim.client.cli;

import io.jshim.client.ExitResult;
import io.jshim.client.ShimClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code jshimctl delete ID}: deletes an exited task and prints {@code pid exit_status exited_at}. */
@Command(name = "delete", mixinStandardHelpOptions = true,
    description = "Delete an exited task and print 'pid exit_status exited_at'.")
final class DeleteCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "Task id.")
  String id;

  @Override
  int call(ShimClient client) {
    ExitResult result = client.tasks().delete(id);
    out().println(result.pid() + " " + result.exitStatus() + " " + result.exitedAt());
    return 0;
  }
}
