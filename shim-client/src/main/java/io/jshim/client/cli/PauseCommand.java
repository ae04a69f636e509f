package io.jshim.client.cli;

import io.jshim.client.ShimClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code jshimctl pause ID}: freezes a task. */
@Command(name = "pause", mixinStandardHelpOptions = true,
    description = "Freeze every process of a running task.")
final class PauseCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "Task id.")
  String id;

  @Override
  int call(ShimClient client) {
    client.tasks().pause(id);
    return 0;
  }
}
