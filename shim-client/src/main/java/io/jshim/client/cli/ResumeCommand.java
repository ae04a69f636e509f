package io.jshim.client.cli;

import io.jshim.client.ShimClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code jshimctl resume ID}: thaws a paused task. */
@Command(name = "resume", mixinStandardHelpOptions = true,
    description = "Thaw a paused task.")
final class ResumeCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "Task id.")
  String id;

  @Override
  int call(ShimClient client) {
    client.tasks().resume(id);
    return 0;
  }
}
