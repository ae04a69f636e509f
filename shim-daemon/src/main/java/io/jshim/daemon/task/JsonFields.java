package io.jshim.daemon.task;

import com.fasterxml.jackson.databind.JsonNode;
import io.jshim.daemon.error.ShimException;
import java.util.ArrayList;
import java.util.List;

/** Typed reads of config.json values; every error names the field and says what was expected. */
final class JsonFields {
  private JsonFields() {}

  static List<String> strings(JsonNode node, String field) {
    List<String> result = new ArrayList<>();
    if (node.isMissingNode() || node.isNull()) {
      return result;
    }
    if (!node.isArray()) {
      throw ShimException.invalidArgument(field + ": " + node.getNodeType() + " (expected: an array of strings)");
    }
    for (JsonNode item : node) {
      if (!item.isTextual()) {
        throw ShimException.invalidArgument(field + ": element " + item + " (expected: a string)");
      }
      result.add(item.textValue());
    }
    return result;
  }

  static int id(JsonNode node, String field) {
    if (node.isMissingNode() || node.isNull()) {
      return 0;
    }
    if (!node.canConvertToInt() || !node.isIntegralNumber() || node.intValue() < 0) {
      throw ShimException.invalidArgument(field + ": " + node + " (expected: an integer >= 0)");
    }
    return node.intValue();
  }

  static long unsigned64(JsonNode node, String field) {
    if (!node.isIntegralNumber() || node.bigIntegerValue().signum() < 0 || node.bigIntegerValue().bitLength() > 64) {
      throw ShimException.invalidArgument(field + ": " + node + " (expected: an integer 0..18446744073709551615)");
    }
    return node.bigIntegerValue().longValue();
  }

  static List<String> absolutePaths(JsonNode node, String field) {
    List<String> paths = strings(node, field);
    for (String path : paths) {
      if (!path.startsWith("/") || path.contains("\0")) {
        throw ShimException.invalidArgument(field + ": \"" + path + "\" (expected: an absolute path)");
      }
    }
    return paths;
  }
}
