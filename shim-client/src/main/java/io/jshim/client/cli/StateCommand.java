package io.jshim.client.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jshim.client.ShimClient;
import io.jshim.client.TaskState;
import io.jshim.client.TaskStatus;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jshimctl state ID [--json]}: shows a task's state as a table or as JSON. */
@Command(name = "state", mixinStandardHelpOptions = true,
    description = "Show the state of a task.")
final class StateCommand extends ClientCommand {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Parameters(index = "0", paramLabel = "ID", description = "Task id.")
  String id;

  @Option(names = "--json", description = "Print JSON instead of a table.")
  boolean json;

  @Override
  int call(ShimClient client) throws Exception {
    TaskState state = client.tasks().state(id);
    out().println(json ? JSON.writeValueAsString(toJson(state)) : toTable(state));
    return 0;
  }

  static ObjectNode toJson(TaskState state) {
    ObjectNode node = JSON.createObjectNode();
    node.put("id", state.id());
    if (!state.execId().isEmpty()) {
      node.put("exec_id", state.execId());
    }
    node.put("bundle", state.bundle().toString());
    node.put("pid", state.pid());
    node.put("status", lower(state.status()));
    node.put("stdin", state.stdin());
    node.put("stdout", state.stdout());
    node.put("stderr", state.stderr());
    node.put("terminal", state.terminal());
    if (state.status() == TaskStatus.STOPPED) {
      node.put("exit_status", state.exitStatus());
      node.put("exited_at", state.exitedAt().toString());
    } else {
      node.putNull("exit_status");
      node.putNull("exited_at");
    }
    return node;
  }

  static String toTable(TaskState state) {
    boolean stopped = state.status() == TaskStatus.STOPPED;
    List<String> header = List.of("ID", "PID", "STATUS", "EXIT_STATUS", "EXITED_AT", "BUNDLE");
    List<String> row = List.of(
        state.id(),
        Integer.toString(state.pid()),
        lower(state.status()),
        stopped ? Integer.toString(state.exitStatus()) : "-",
        stopped && !state.exitedAt().equals(Instant.EPOCH) ? state.exitedAt().toString() : "-",
        state.bundle().toString());
    StringBuilder table = new StringBuilder();
    appendRow(table, header, row);
    table.append('\n');
    appendRow(table, row, header);
    return table.toString();
  }

  /** Appends {@code cells}, each padded to the wider of itself and the matching cell of {@code other}. */
  private static void appendRow(StringBuilder table, List<String> cells, List<String> other) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String cell = cells.get(i);
      line.append(cell);
      if (i < cells.size() - 1) {
        int width = Math.max(cell.length(), other.get(i).length());
        line.append(" ".repeat(width - cell.length() + 3));
      }
    }
    table.append(line);
  }

  private static String lower(TaskStatus status) {
    return status.name().toLowerCase(Locale.ROOT);
  }
}
