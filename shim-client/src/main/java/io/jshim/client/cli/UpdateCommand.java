package io.jshim.client.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jshim.client.ShimClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code jshimctl update ID [--memory BYTES] … | --resources FILE.json}: sets new resource limits on a task's cgroup.
 * The options build an OCI {@code LinuxResources} JSON object; {@code --resources} sends a whole one from a file.
 */
@Command(name = "update", mixinStandardHelpOptions = true,
    description = {
      "Set new resource limits on a task's cgroup; limits not named keep their values.",
      "Either the limit options or --resources FILE.json (an OCI LinuxResources object), at least one."
    })
final class UpdateCommand extends ClientCommand {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final Pattern CPU_LIST = Pattern.compile("\\d+(-\\d+)?(,\\d+(-\\d+)?)*");
  private static final String EXPECTED_JSON = "(expected: a JSON object, the OCI LinuxResources)";

  @Parameters(index = "0", paramLabel = "ID", description = "Task id.")
  String id;

  @Option(names = "--memory", paramLabel = "BYTES", description = "Memory limit in bytes, -1 for none.")
  Long memory;

  @Option(names = "--memory-swap", paramLabel = "BYTES",
      description = "Memory plus swap limit in bytes, -1 for none.")
  Long memorySwap;

  @Option(names = "--cpu-shares", paramLabel = "N", description = "CPU shares (relative weight).")
  Long cpuShares;

  @Option(names = "--cpu-quota", paramLabel = "N",
      description = "CPU time in microseconds the task may use per period, -1 for none.")
  Long cpuQuota;

  @Option(names = "--cpu-period", paramLabel = "N", description = "CFS period in microseconds.")
  Long cpuPeriod;

  @Option(names = "--cpus", paramLabel = "LIST", description = "CPUs the task may run on, e.g. 0-2,4.")
  String cpus;

  @Option(names = "--pids-limit", paramLabel = "N", description = "Maximum number of processes, -1 for none.")
  Long pidsLimit;

  @Option(names = "--resources", paramLabel = "FILE.json",
      description = "Send this OCI LinuxResources JSON file instead; not with the other options.")
  Path resources;

  @Override
  int call(ShimClient client) throws IOException {
    client.tasks().update(id, resources != null ? fromFile() : fromOptions());
    return 0;
  }

  /**
   * Builds the LinuxResources JSON from the limit options.
   *
   * @return the JSON object, holding only the limits given
   * @throws ParameterException if no limit or a malformed one is given
   */
  private String fromOptions() {
    if (given().isEmpty()) {
      throw usage("missing the limits to set: give at least one of --memory, --memory-swap, --cpu-shares, "
          + "--cpu-quota, --cpu-period, --cpus, --pids-limit, or --resources FILE.json");
    }
    ObjectNode root = JSON.createObjectNode();
    if (memory != null || memorySwap != null) {
      ObjectNode node = root.putObject("memory");
      putIfSet(node, "limit", atLeast("--memory", memory, -1));
      putIfSet(node, "swap", atLeast("--memory-swap", memorySwap, -1));
    }
    if (cpuShares != null || cpuQuota != null || cpuPeriod != null || cpus != null) {
      ObjectNode node = root.putObject("cpu");
      putIfSet(node, "shares", atLeast("--cpu-shares", cpuShares, 0));
      putIfSet(node, "quota", atLeast("--cpu-quota", cpuQuota, -1));
      putIfSet(node, "period", atLeast("--cpu-period", cpuPeriod, 0));
      if (cpus != null) {
        if (!CPU_LIST.matcher(cpus).matches()) {
          throw usage("--cpus: '" + cpus + "' (expected: CPU numbers and ranges, comma-separated, e.g. 0-2,4)");
        }
        node.put("cpus", cpus);
      }
    }
    if (pidsLimit != null) {
      root.putObject("pids").put("limit", atLeast("--pids-limit", pidsLimit, -1));
    }
    return root.toString();
  }

  private String fromFile() throws IOException {
    List<String> given = given();
    if (!given.isEmpty()) {
      throw usage("--resources cannot be combined with " + String.join(", ", given)
          + ": the file gives all of the resources");
    }
    String text;
    try {
      text = Files.readString(resources);
    } catch (NoSuchFileException e) {
      throw new IOException("--resources " + resources + ": no such file " + EXPECTED_JSON, e);
    } catch (IOException e) {
      throw new IOException("--resources " + resources + ": cannot read it: " + e.getMessage(), e);
    }
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null
          ? ""
          : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw new IOException("--resources " + resources + ": not valid JSON" + where + ": " + e.getOriginalMessage()
          + " " + EXPECTED_JSON, e);
    }
    if (!node.isObject()) {
      String what = node.isMissingNode() ? "empty" : "a JSON " + node.getNodeType().name().toLowerCase(Locale.ROOT);
      throw new IOException("--resources " + resources + ": " + what + " " + EXPECTED_JSON);
    }
    return text;
  }

  private List<String> given() {
    List<String> given = new ArrayList<>();
    addIf(given, memory != null, "--memory");
    addIf(given, memorySwap != null, "--memory-swap");
    addIf(given, cpuShares != null, "--cpu-shares");
    addIf(given, cpuQuota != null, "--cpu-quota");
    addIf(given, cpuPeriod != null, "--cpu-period");
    addIf(given, cpus != null, "--cpus");
    addIf(given, pidsLimit != null, "--pids-limit");
    return given;
  }

  private Long atLeast(String option, Long value, long min) {
    if (value != null && value < min) {
      throw usage(option + ": " + value + " (expected: >= " + min + ")");
    }
    return value;
  }

  private static void putIfSet(ObjectNode node, String field, Long value) {
    if (value != null) {
      node.put(field, value);
    }
  }

  private static void addIf(List<String> list, boolean condition, String item) {
    if (condition) {
      list.add(item);
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
