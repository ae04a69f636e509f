package io.jshim.client.cli;

import com.google.protobuf.TextFormat;
import io.jshim.client.ShimClient;
import io.jshim.client.TaskStats;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code jshimctl stats ID}: prints a task's cgroup metrics in protobuf text format. */
@Command(name = "stats", mixinStandardHelpOptions = true,
    description = {
      "Show a task's cgroup statistics in protobuf text format,",
      "after a line 'type: <type URL>' naming the cgroup v1 or v2 Metrics message."
    })
final class StatsCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "Task id.")
  String id;

  @Override
  int call(ShimClient client) {
    TaskStats stats = client.tasks().stats(id);
    PrintWriter out = out();
    out.println("type: " + stats.typeUrl());
    out.print(TextFormat.printer().printToString(stats.metrics()));
    out.flush();
    return 0;
  }
}
