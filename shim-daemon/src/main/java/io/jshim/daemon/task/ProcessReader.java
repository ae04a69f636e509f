package io.jshim.daemon.task;

import com.fasterxml.jackson.databind.JsonNode;
import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.oci.OciSpec;
import io.jshim.daemon.spawn.Capability;
import io.jshim.daemon.spawn.CapabilitySets;
import io.jshim.daemon.spawn.ProcessOptions;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads an OCI {@code process} object, of a config.json or of an exec request; every error names the field. */
final class ProcessReader {
  private static final Logger log = LoggerFactory.getLogger(ProcessReader.class);

  private ProcessReader() {}

  static ProcessConfig read(OciSpec.Process process) {
    List<String> args = JsonFields.list(process.args(), "process.args");
    if (args.isEmpty()) {
      throw ShimException.invalidArgument("process.args: empty (expected: at least the program to run)");
    }
    List<String> env = JsonFields.list(process.env(), "process.env");
    String cwd = process.cwd() == null ? "/" : process.cwd();
    if (!cwd.startsWith("/")) {
      throw ShimException.invalidArgument("process.cwd: \"" + cwd + "\" (expected: an absolute path)");
    }
    OciSpec.User user = process.user();
    int uid = user == null ? 0 : JsonFields.id(user.uid(), "process.user.uid");
    int gid = user == null ? 0 : JsonFields.id(user.gid(), "process.user.gid");
    ProcessOptions options = ProcessOptionsReader.read(process);
    return new ProcessConfig(args, env, cwd, uid, gid, withoutUnraisableAmbient(options),
        Boolean.TRUE.equals(process.terminal()), consoleSize(process.consoleSize()),
        KernelAttributesReader.process(process));
  }

  private static Optional<ProcessConfig.ConsoleSize> consoleSize(JsonNode size) {
    if (size == null || size.isNull()) {
      return Optional.empty();
    }
    int width = dimension(size, "width");
    int height = dimension(size, "height");
    // 0x0 is what a client without a terminal size sends: no size rather than an unusable one
    return width == 0 || height == 0 ? Optional.empty() : Optional.of(new ProcessConfig.ConsoleSize(width, height));
  }

  private static int dimension(JsonNode size, String field) {
    JsonNode value = size.get(field);
    if (value == null || !value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 0 || value.asInt() > 0xffff) {
      throw ShimException.invalidArgument("process.consoleSize." + field + ": " + value + " (expected: 0..65535)");
    }
    return value.asInt();
  }

  private static ProcessOptions withoutUnraisableAmbient(ProcessOptions options) {
    if (options.capabilities().isEmpty()) {
      return options;
    }
    CapabilitySets caps = options.capabilities().get();
    Set<Capability> ambient = EnumSet.noneOf(Capability.class);
    ambient.addAll(caps.ambient());
    ambient.removeIf(c -> !caps.inheritable().contains(c) || !caps.permitted().contains(c));
    if (ambient.size() != caps.ambient().size()) {
      Set<Capability> dropped = EnumSet.noneOf(Capability.class);
      dropped.addAll(caps.ambient());
      dropped.removeAll(ambient);
      // the kernel refuses an ambient capability outside permitted and inheritable; runc skips it silently, so do
      // we: runc's own default spec has this shape, and a warning per container would be noise
      log.debug("process.capabilities.ambient: {} not in both inheritable and permitted; not raised", dropped);
    }
    return new ProcessOptions(options.rlimits(), options.additionalGids(), options.umask(), options.noNewPrivileges(),
        options.oomScoreAdj(), Optional.of(new CapabilitySets(caps.bounding(), caps.effective(), caps.permitted(),
            caps.inheritable(), ambient)));
  }
}
