package io.jshim.client.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jshim.client.ShimClient;
import picocli.CommandLine.Command;

/** {@code jshimctl status}: the daemon's counters (tasks, reaping, OOM kills, fork gate) as JSON. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Show the daemon's counters (tasks, reaped processes, OOM kills, fork gate) as JSON.")
final class StatusCommand extends ClientCommand {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  @Override
  int call(ShimClient client) throws Exception {
    out().println(JSON.writeValueAsString(client.daemon().status()));
    return 0;
  }
}
