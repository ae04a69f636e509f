package io.jshim.client.cli;

import io.jshim.client.ShimClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code jshimctl start ID}: starts a created task and prints its pid. */
@Command(name = "start", mixinStandardHelpOptions = true,
    description = "Start a created task and print its pid.")
final class StartCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "Task id.")
  String id;

  @Override
  int call(ShimClient client) {
    out().println(client.tasks().start(id));
    return 0;
  }
}
