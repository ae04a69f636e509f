package io.jshim.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/** The checks of a call's arguments that every concern's client shares; they fail before anything is sent. */
final class Args {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Args() {}

  static String checkId(String id) {
    Objects.requireNonNull(id, "id");
    if (id.isBlank()) {
      throw new IllegalArgumentException("id: blank (expected: a task id)");
    }
    return id;
  }

  static String checkExecId(String execId) {
    return Objects.requireNonNull(execId, "execId");
  }

  static void checkSignal(int signal) {
    if (signal < Signals.MIN || signal > Signals.MAX) {
      throw new IllegalArgumentException("signal: " + signal + " (expected: 1..64)");
    }
  }

  static void checkDimension(String name, int value) {
    if (value < 1 || value > ShimClient.MAX_PTY_DIMENSION) {
      throw new IllegalArgumentException(
          name + ": " + value + " (expected: 1.." + ShimClient.MAX_PTY_DIMENSION + ")");
    }
  }

  static void checkJsonObject(String json, String name, String what) {
    Objects.requireNonNull(json, name);
    String expected = " (expected: a JSON object, " + what + ")";
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null
          ? ""
          : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw new IllegalArgumentException(
          name + ": not valid JSON" + where + ": " + e.getOriginalMessage() + expected, e);
    }
    if (node.isMissingNode()) {
      throw new IllegalArgumentException(name + ": empty" + expected);
    }
    if (!node.isObject()) {
      String type = node.getNodeType().name().toLowerCase(Locale.ROOT);
      throw new IllegalArgumentException(name + ": a JSON " + type + expected);
    }
  }

  static Duration checkTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "callTimeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("callTimeout: " + timeout + " (expected: >= 0)");
    }
    return timeout;
  }
}
