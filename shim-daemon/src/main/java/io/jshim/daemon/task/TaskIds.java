package io.jshim.daemon.task;

import io.jshim.daemon.error.ShimException;
import java.util.regex.Pattern;

/** containerd's identifier rule, applied to task ids. */
final class TaskIds {
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*");
  static final int MAX_LENGTH = 76;

  private TaskIds() {}

  static String validate(String id) {
    return validate(id, "id");
  }

  /** Checks {@code id}; {@code field} names it in errors ("id", "exec_id"). */
  static String validate(String id, String field) {
    if (id.isEmpty()) {
      throw ShimException.invalidArgument(field + ": empty (expected: [A-Za-z0-9]+([._-][A-Za-z0-9]+)*, at most 76 characters)");
    }
    if (id.length() > MAX_LENGTH) {
      throw ShimException.invalidArgument(field + ": " + id.length() + " characters (expected: at most " + MAX_LENGTH + ")");
    }
    if (!VALID.matcher(id).matches()) {
      throw ShimException.invalidArgument(field + ": \"" + id + "\" (expected: [A-Za-z0-9]+([._-][A-Za-z0-9]+)*)");
    }
    return id;
  }
}
