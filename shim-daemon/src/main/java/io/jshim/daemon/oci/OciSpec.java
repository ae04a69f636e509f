package io.jshim.daemon.oci;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
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
      IoPriority ioPriority,
      Scheduler scheduler,
      ExecCpuAffinity execCPUAffinity) {}

  /** {@code process.ioPriority}: an I/O scheduling class ({@code IOPRIO_CLASS_RT}, {@code _BE}, {@code _IDLE}) and level. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record IoPriority(@JsonProperty("class") String ioClass, Integer priority) {}

  /** {@code process.scheduler}: sched_setattr(2) values; times in nanoseconds. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Scheduler(String policy, Integer nice, Integer priority, List<String> flags, BigInteger runtime,
      BigInteger deadline, BigInteger period) {}

  /** {@code process.execCPUAffinity}: CPU lists such as {@code 0-3,7}, before and after joining the cgroup. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ExecCpuAffinity(String initial, @JsonProperty("final") String finalCpus) {}

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
      Personality personality,
      Map<String, TimeOffset> timeOffsets) {}

  /** {@code linux.personality}: an execution domain ({@code LINUX}, {@code LINUX32}) and flags. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Personality(String domain, List<String> flags) {}

  /** {@code linux.timeOffsets.<clock>}: the clock's offset in a new time namespace. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record TimeOffset(Long secs, Long nanosecs) {}

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
