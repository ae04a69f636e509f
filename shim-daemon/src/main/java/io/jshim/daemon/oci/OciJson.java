package io.jshim.daemon.oci;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.jshim.daemon.error.ShimException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * Reads OCI JSON documents into the typed records. Type mismatches become INVALID_ARGUMENT errors that
 * name the field by its JSON path (e.g. {@code process.user.uid}).
 */
public final class OciJson {
  private static final JsonMapper JSON = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .withCoercionConfig(LogicalType.Textual, config -> config
          .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
      .build();

  private OciJson() {}

  /** Reads {@code config.json} of a bundle; a missing, symlinked or malformed file is INVALID_ARGUMENT. */
  public static OciSpec readConfig(Path file) {
    if (Files.isSymbolicLink(file)) {
      throw ShimException.invalidArgument(file + " is a symbolic link (expected: a regular file inside the bundle)");
    }
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw ShimException.invalidArgument(file + " is not a regular file (expected: an OCI runtime config)");
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw ShimException.invalidArgument("bundle " + file.getParent() + " has no config.json (expected: an OCI runtime config)");
    } catch (IOException e) {
      throw ShimException.invalidArgument("cannot read " + file + ": " + e.getMessage() + " (expected: a readable OCI runtime config)", e);
    }
    OciSpec spec = read(bytes, OciSpec.class, file.toString());
    if (spec == null) {
      throw ShimException.invalidArgument(file + ": null (expected: an OCI runtime config object)");
    }
    return spec;
  }

  /** Reads a {@code LinuxResources} JSON document, e.g. the payload of an Update request. */
  public static LinuxResources readResources(byte[] json, String what) {
    LinuxResources resources = read(json, LinuxResources.class, what);
    if (resources == null) {
      throw ShimException.invalidArgument(what + ": null (expected: a LinuxResources object)");
    }
    return resources;
  }

  /**
   * Reads an OCI {@code process} object, e.g. the spec of an Exec request.
   *
   * @param what names the document in error messages
   */
  public static OciSpec.Process readProcess(byte[] json, String what) {
    OciSpec.Process process = read(json, OciSpec.Process.class, what);
    if (process == null) {
      throw ShimException.invalidArgument(what + ": null (expected: an OCI process object)");
    }
    return process;
  }

  private static <T> T read(byte[] json, Class<T> type, String what) {
    try {
      return JSON.readValue(json, type);
    } catch (JsonMappingException e) {
      String field = e.getPath().stream()
          .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
          .collect(Collectors.joining(".")).replace(".[", "[");
      throw ShimException.invalidArgument(what + ": " + (field.isEmpty() ? "" : field + ": ") + e.getOriginalMessage()
          + " (expected: a value of the type the OCI runtime spec gives this field)", e);
    } catch (JsonProcessingException e) {
      throw ShimException.invalidArgument(what + ": not valid JSON: " + e.getOriginalMessage()
          + " (expected: an OCI runtime config in JSON)", e);
    } catch (IOException e) {
      throw ShimException.invalidArgument(what + ": " + e.getMessage(), e);
    }
  }
}
