package io.jshim.client.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What {@code jshimctl exec} changes in the container's own OCI {@code process} to get the exec's: the command, the
 * terminal flag, environment entries, and the working directory and user when given. Everything else (capabilities,
 * rlimits, noNewPrivileges, apparmor, …) stays as the container has it.
 *
 * @param args the command and its arguments
 * @param terminal whether the exec gets a pty
 * @param env {@code KEY=VALUE} entries that replace or extend the container's environment
 * @param cwd the absolute working directory, or empty to keep the container's
 * @param user the user, or empty to keep the container's
 */
record ExecSpec(List<String> args, boolean terminal, List<String> env, Optional<String> cwd, Optional<User> user) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Copies the lists and checks what the daemon would refuse later. */
  ExecSpec {
    args = List.copyOf(args);
    env = List.copyOf(env);
    Objects.requireNonNull(cwd, "cwd");
    Objects.requireNonNull(user, "user");
    if (args.isEmpty()) {
      throw new IllegalArgumentException("missing the command to run: jshimctl exec [OPTIONS] ID [--] CMD [ARGS...]");
    }
    cwd.ifPresent(dir -> {
      if (!dir.startsWith("/")) {
        throw new IllegalArgumentException("--cwd: " + dir + " (expected: an absolute path)");
      }
    });
    EnvList.merge(List.of(), env);
  }

  /**
   * A user given as {@code --user UID[:GID]}.
   *
   * @param uid the user id
   * @param gid the group id, or empty to keep the container's
   */
  record User(long uid, OptionalLong gid) {
    private static final long MAX_ID = 0xFFFF_FFFFL;

    /**
     * Parses {@code UID} or {@code UID:GID}.
     *
     * @param text the option's value
     * @return the user
     * @throws IllegalArgumentException for anything but one or two numbers from 0 to 4294967295
     */
    static User parse(String text) {
      int colon = text.indexOf(':');
      String uid = colon < 0 ? text : text.substring(0, colon);
      String gid = colon < 0 ? null : text.substring(colon + 1);
      try {
        return new User(id(uid), gid == null ? OptionalLong.empty() : OptionalLong.of(id(gid)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--user: " + text
            + " (expected: UID or UID:GID, numbers from 0 to " + MAX_ID + "; names are not looked up)", e);
      }
    }

    private static long id(String text) {
      if (text.isEmpty() || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new NumberFormatException(text);
      }
      long value = Long.parseLong(text);
      if (value > MAX_ID) {
        throw new NumberFormatException(text);
      }
      return value;
    }
  }

  /**
   * Reads a task's {@code config.json} from its bundle.
   *
   * @param taskId the task, for messages
   * @param bundle the task's bundle directory as the daemon reports it
   * @return the config's root object
   * @throws IOException if the file is missing, unreadable or not a JSON object with a {@code process} object
   */
  static JsonNode readConfig(String taskId, Path bundle) throws IOException {
    Path file = bundle.resolve("config.json");
    String prefix = "task " + taskId + ": cannot read its process from " + file + ": ";
    JsonNode root;
    try {
      root = JSON.readTree(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      throw new IOException(prefix + "no such file (expected: the task's bundle, readable where jshimctl runs)", e);
    } catch (AccessDeniedException e) {
      throw new IOException(prefix + "permission denied (expected: a config.json jshimctl's user may read)", e);
    } catch (JsonProcessingException e) {
      throw new IOException(prefix + "not valid JSON: " + e.getOriginalMessage() + " (expected: an OCI runtime spec)",
          e);
    }
    if (root == null || !root.path("process").isObject()) {
      throw new IOException(prefix + "no \"process\" object (expected: an OCI runtime spec with a process)");
    }
    return root;
  }

  /**
   * Builds the exec's process from the container's.
   *
   * @param config the container's config.json root, with a {@code process} object
   * @return a new {@code process} object; {@code config} is not changed
   */
  ObjectNode applyTo(JsonNode config) {
    ObjectNode process = config.path("process").deepCopy();
    ArrayNode argsNode = process.putArray("args");
    args.forEach(argsNode::add);
    process.put("terminal", terminal);
    // The init process's console size and command line do not describe the exec's.
    process.remove("consoleSize");
    process.remove("commandLine");
    if (!env.isEmpty()) {
      List<String> base = new ArrayList<>();
      process.path("env").forEach(entry -> base.add(entry.asText()));
      ArrayNode envNode = process.putArray("env");
      EnvList.merge(base, env).forEach(envNode::add);
    }
    cwd.ifPresent(dir -> process.put("cwd", dir));
    user.ifPresent(chosen -> {
      ObjectNode userNode = process.path("user") instanceof ObjectNode existing ? existing : process.putObject("user");
      userNode.put("uid", chosen.uid());
      chosen.gid().ifPresent(gid -> userNode.put("gid", gid));
      if (!userNode.has("gid")) {
        userNode.put("gid", 0);
      }
      // The container's supplementary groups and name belong to the container's user, not to this one.
      userNode.remove("additionalGids");
      userNode.remove("username");
    });
    return process;
  }
}
