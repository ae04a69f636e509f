package io.jshim.daemon.oci;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * An OCI runtime config ({@code config.json}, runtime-spec 1.0 - 1.2) as typed values. Absent fields are
 * {@code null}; unknown properties are ignored, as the spec requires. Fields jshim does not act on are
 * kept as {@link JsonNode} so that their presence can be reported.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record OciSpec(
    String ociVersion,
    Process process,
    Root root,
    String hostname,
    String domainname,
    List<Mount> mounts,
    JsonNode hooks,
    Linux linux,
    Map<String, String> annotations) {

  /** {@code root}: the container's root filesystem. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Root(String path, Boolean readonly) {}

  /** {@code process}: what runs and with which attributes. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Process(
      Boolean terminal,
      JsonNode consoleSize,
      User user,
      List<String> args,
      String commandLine,
      List<String> env,
      String cwd,
      Capabilities capabilities,
      List<Rlimit> rlimits,
      Boolean noNewPrivileges,
      String apparmorProfile,
      Integer oomScoreAdj,
      String selinuxLabel,
      JsonNode ioPriority,
      JsonNode scheduler,
      JsonNode execCPUAffinity) {}

  /** {@code process.user}: ids inside the container. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record User(Long uid, Long gid, Long umask, List<Long> additionalGids, String username) {}

  /** {@code process.capabilities}: capability names per set; a set left out is empty. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Capabilities(List<String> bounding, List<String> effective, List<String> inheritable,
      List<String> permitted, List<String> ambient) {}

  /** {@code process.rlimits[]}: limits are unsigned 64-bit numbers. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Rlimit(String type, BigInteger hard, BigInteger soft) {}

  /** {@code mounts[]}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Mount(String destination, String type, String source, List<String> options,
      List<IdMapping> uidMappings, List<IdMapping> gidMappings) {}

  /** {@code linux}: the Linux-specific part. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Linux(
      List<IdMapping> uidMappings,
      List<IdMapping> gidMappings,
      Map<String, String> sysctl,
      LinuxResources resources,
      String cgroupsPath,
      List<Namespace> namespaces,
      List<Device> devices,
      Seccomp seccomp,
      String rootfsPropagation,
      List<String> maskedPaths,
      List<String> readonlyPaths,
      String mountLabel,
      JsonNode intelRdt,
      JsonNode personality,
      JsonNode timeOffsets) {}

  /** {@code linux.namespaces[]}: a type to create, or with {@code path} one to join. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Namespace(String type, String path) {}

  /** {@code linux.uidMappings[]} and {@code gidMappings[]}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record IdMapping(Long containerID, Long hostID, Long size) {}

  /** {@code linux.devices[]}: a node to create in the container. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Device(String type, String path, Long major, Long minor, Long fileMode, Long uid, Long gid) {}

  /** {@code linux.seccomp}: the syscall filter. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Seccomp(String defaultAction, BigInteger defaultErrnoRet, List<String> architectures,
      List<String> flags, String listenerPath, String listenerMetadata, List<Syscall> syscalls) {}

  /** {@code linux.seccomp.syscalls[]}: an action for syscalls by name, with argument comparisons. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Syscall(List<String> names, String action, BigInteger errnoRet, List<SyscallArg> args) {}

  /** {@code linux.seccomp.syscalls[].args[]}: values are unsigned 64-bit numbers. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record SyscallArg(BigInteger index, BigInteger value, BigInteger valueTwo, String op) {}
}
