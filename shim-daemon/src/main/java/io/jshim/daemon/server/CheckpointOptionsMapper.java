package io.jshim.daemon.server;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.jshim.daemon.checkpoint.CheckpointOptions;
import io.jshim.daemon.error.ShimException;
import io.jshim.proto.runc.v1.CheckpointOptions.Builder;
import java.nio.file.Path;
import java.util.Optional;

/** containerd's runc CheckpointOptions (CheckpointTaskRequest.options) as the domain's {@link CheckpointOptions}. */
final class CheckpointOptionsMapper {
  static final String TYPE = io.jshim.proto.runc.v1.CheckpointOptions.getDescriptor().getFullName();

  private CheckpointOptionsMapper() {}

  /** The request's options; a missing Any is containerd's defaults. */
  static io.jshim.proto.runc.v1.CheckpointOptions unpack(boolean present, Any options) {
    Builder builder = io.jshim.proto.runc.v1.CheckpointOptions.newBuilder();
    if (!present) {
      return builder.build();
    }
    String typeUrl = options.getTypeUrl();
    if (!typeUrl.equals(TYPE) && !typeUrl.endsWith("/" + TYPE)) {
      throw ShimException.invalidArgument("options: type " + typeUrl + " (expected: " + TYPE + ")");
    }
    try {
      return builder.mergeFrom(options.getValue()).build();
    } catch (InvalidProtocolBufferException e) {
      throw ShimException.invalidArgument("options: not a " + TYPE + ": " + e.getMessage(), e);
    }
  }

  static CheckpointOptions toDomain(io.jshim.proto.runc.v1.CheckpointOptions o) {
    if (o.getTerminal()) {
      throw ShimException.invalidArgument("options.terminal: jshim does not checkpoint terminals (expected: false)");
    }
    if (!o.getParentPath().isEmpty()) {
      throw ShimException.invalidArgument("options.parent_path: " + o.getParentPath() + ": incremental checkpoints "
          + "are not supported (expected: empty)");
    }
    boolean emptyNetwork = false;
    for (String ns : o.getEmptyNamespacesList()) {
      if (!ns.equals("network")) {
        throw ShimException.invalidArgument("options.empty_namespaces: " + ns + " (expected: only \"network\", the "
            + "one namespace CRIU restores empty)");
      }
      emptyNetwork = true;
    }
    Optional<String> mode = o.getCgroupsMode().isEmpty() ? Optional.empty() : Optional.of(o.getCgroupsMode());
    if (mode.isPresent() && !CheckpointOptions.CGROUPS_MODES.contains(mode.get())) {
      throw ShimException.invalidArgument("options.cgroups_mode: " + mode.get() + " (expected: empty or one of "
          + CheckpointOptions.CGROUPS_MODES + ")");
    }
    return new CheckpointOptions(o.getExit(), o.getOpenTcp(), o.getExternalUnixSockets(), o.getFileLocks(),
        emptyNetwork, mode, absolute(o.getWorkPath(), "options.work_path"));
  }

  /** The image directory: the request's path, else the options' image_path. */
  static Path imageDir(String path, io.jshim.proto.runc.v1.CheckpointOptions o) {
    String chosen = path.isEmpty() ? o.getImagePath() : path;
    return absolute(chosen, path.isEmpty() ? "options.image_path" : "path").orElseThrow(() ->
        ShimException.invalidArgument("path: empty (expected: the absolute path of the directory for the images)"));
  }

  static Optional<Path> absolute(String path, String field) {
    if (path.isEmpty()) {
      return Optional.empty();
    }
    Path p = Path.of(path);
    if (!p.isAbsolute()) {
      throw ShimException.invalidArgument(field + ": " + path + " (expected: an absolute path)");
    }
    return Optional.of(p.normalize());
  }
}
