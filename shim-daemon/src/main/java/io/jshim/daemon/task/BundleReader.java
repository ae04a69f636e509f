package io.jshim.daemon.task;

import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.oci.OciJson;
import io.jshim.daemon.oci.OciSpec;
import io.jshim.daemon.spawn.Namespace;
import io.jshim.daemon.spawn.Namespaces;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads and checks {@code <bundle>/config.json}; every error names the bad field. */
final class BundleReader {
  BundleConfig read(Path bundle) {
    if (!bundle.isAbsolute()) {
      throw ShimException.invalidArgument("bundle: " + bundle + " (expected: an absolute path)");
    }
    if (!Files.isDirectory(bundle)) {
      throw ShimException.invalidArgument("bundle: " + bundle + " (expected: an existing directory)");
    }
    return parse(bundle, OciJson.readConfig(bundle.resolve("config.json")));
  }

  private BundleConfig parse(Path bundle, OciSpec spec) {
    OciSpec.Process process = JsonFields.required(spec.process(), "process", "an object with args");
    OciSpec.Linux linux = spec.linux() == null ? LinuxSpecs.EMPTY : spec.linux();
    Namespaces namespaces = NamespacesReader.read(linux);
    ProcessConfig processConfig = ProcessReader.read(process)
        .withAttributes(KernelAttributesReader.init(spec, process, linux, namespaces));
    Optional<String> hostname = Optional.ofNullable(spec.hostname()).filter(h -> !h.isEmpty());
    if (hostname.isPresent() && !namespaces.created().contains(Namespace.UTS)) {
      throw ShimException.invalidArgument("hostname: \"" + hostname.get() + "\" needs a new uts namespace (expected: linux.namespaces to contain uts)");
    }
    Optional<String> rootfs = rootfs(bundle, spec.root());
    Optional<String> cgroupsPath = Optional.ofNullable(linux.cgroupsPath()).filter(p -> !p.isEmpty());
    return new BundleConfig(processConfig.withEnv(HomeDirectory.withHome(processConfig.env(), rootfs, processConfig.uid())),
        hostname, namespaces, rootfs, LinuxSetupReader.read(spec, namespaces),
        FilesystemReader.read(bundle, spec, rootfs, namespaces), cgroupsPath, Optional.ofNullable(linux.resources()),
        spec.annotations() == null ? Map.of() : spec.annotations(), UnappliedPolicy.present(process, linux),
        SeccompReader.read(linux.seccomp()), HooksReader.read(spec.hooks()));
  }

  private static Optional<String> rootfs(Path bundle, OciSpec.Root root) {
    if (root == null) {
      return Optional.empty();
    }
    String path = root.path() == null ? "" : root.path();
    if (path.isEmpty()) {
      throw ShimException.invalidArgument("root.path: empty (expected: the root filesystem, absolute or relative to the bundle)");
    }
    Path resolved = bundle.resolve(path).normalize();
    if (!Files.isDirectory(resolved, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(resolved)) {
      throw ShimException.invalidArgument("root.path: " + resolved + " (expected: an existing directory)");
    }
    return Optional.of(resolved.toString());
  }
}
