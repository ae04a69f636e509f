package io.jshim.daemon.task;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The state JSON a hook reads on its stdin: {@code ociVersion, id, status, pid, bundle, annotations} (runtime
 * spec, "State"). {@code annotations} is left out when there are none, as runc does.
 */
final class HookState {
  /** What runc 1.1.5 reports, so that hooks written against it read the same. */
  static final String OCI_VERSION = "1.0.2-dev";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String id;
  private final Path bundle;
  private final Map<String, String> annotations;

  HookState(String id, Path bundle, Map<String, String> annotations) {
    this.id = id;
    this.bundle = bundle;
    this.annotations = Map.copyOf(annotations);
  }

  /** The state with {@code status} and, when given, {@code pid}. */
  String json(String status, OptionalInt pid) {
    ObjectNode node = base();
    node.put("status", status);
    pid.ifPresent(p -> node.put("pid", p));
    return finish(node);
  }

  /** Without status and pid, which the workload adds for the hooks it runs (its pid is its own). */
  String withoutStatusAndPid() {
    return finish(base());
  }

  private ObjectNode base() {
    ObjectNode node = JSON.createObjectNode();
    node.put("ociVersion", OCI_VERSION);
    node.put("id", id);
    return node;
  }

  private String finish(ObjectNode node) {
    node.put("bundle", bundle.toString());
    if (!annotations.isEmpty()) {
      ObjectNode map = node.putObject("annotations");
      annotations.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> map.put(e.getKey(), e.getValue()));
    }
    return node.toString();
  }
}
