package io.jshim.daemon.task;

import com.fasterxml.jackson.databind.JsonNode;
import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.spawn.HookCommand;
import io.jshim.daemon.spawn.HookKind;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Reads config.json's {@code hooks}: for each kind an array of {@code {path, args, env, timeout}}. Like runc, a
 * kind this runtime does not know is ignored; unlike runc, a relative path or a timeout of 0 or less (both against
 * the spec) fails Create instead of failing the hook later.
 */
final class HooksReader {
  private HooksReader() {}

  static OciHooks read(JsonNode hooks) {
    if (hooks == null || hooks.isNull()) {
      return OciHooks.NONE;
    }
    if (!hooks.isObject()) {
      throw ShimException.invalidArgument("hooks: " + hooks.getNodeType() + " (expected: an object of hook arrays)");
    }
    Map<HookKind, List<HookCommand>> byKind = new EnumMap<>(HookKind.class);
    for (HookKind kind : HookKind.values()) {
      JsonNode list = hooks.get(kind.ociName());
      String field = "hooks." + kind.ociName();
      if (list == null || list.isNull()) {
        continue;
      }
      if (!list.isArray()) {
        throw ShimException.invalidArgument(field + ": " + list.getNodeType() + " (expected: an array of hooks)");
      }
      List<HookCommand> commands = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        commands.add(command(kind, list.get(i), field + "[" + i + "]"));
      }
      byKind.put(kind, commands);
    }
    return new OciHooks(byKind);
  }

  private static HookCommand command(HookKind kind, JsonNode hook, String field) {
    if (!hook.isObject()) {
      throw ShimException.invalidArgument(field + ": " + hook.getNodeType() + " (expected: an object with path)");
    }
    JsonNode path = hook.get("path");
    if (path == null || !path.isTextual() || !path.asText().startsWith("/") || path.asText().contains("\0")) {
      throw ShimException.invalidArgument(field + ".path: " + (path == null ? "missing" : path.toString())
          + " (expected: an absolute path)");
    }
    return new HookCommand(kind, path.asText(), strings(hook.get("args"), field + ".args"),
        strings(hook.get("env"), field + ".env"), timeout(hook.get("timeout"), field + ".timeout"));
  }

  private static List<String> strings(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw ShimException.invalidArgument(field + ": " + node.getNodeType() + " (expected: an array of strings)");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode item : node) {
      if (!item.isTextual() || item.asText().contains("\0")) {
        throw ShimException.invalidArgument(field + ": " + item + " (expected: strings without NUL)");
      }
      out.add(item.asText());
    }
    return out;
  }

  private static OptionalInt timeout(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      return OptionalInt.empty();
    }
    // the helper's limit: a day
    if (!node.isIntegralNumber() || !node.canConvertToInt() || node.asInt() <= 0 || node.asInt() > 86400) {
      throw ShimException.invalidArgument(field + ": " + node + " (expected: whole seconds, 1..86400)");
    }
    return OptionalInt.of(node.asInt());
  }
}
