package io.jshim.daemon.task;

import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.oci.OciSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to a config field jshim does not apply. A field that affects isolation (a security label, a
 * syscall filter, a resource limit) is never dropped with only a warning: Create, Exec or Update fails with
 * FAILED_PRECONDITION naming it, unless the operator allowed that field when starting the daemon
 * ({@code --allow-unapplied}); then it is dropped with a warning. An advisory field (one whose absence can only
 * constrain the container more, or a tuning knob) is dropped with a warning.
 */
public final class UnappliedPolicy {
  private static final Logger log = LoggerFactory.getLogger(UnappliedPolicy.class);
  private static final Path LSM_LIST = Path.of("/sys/kernel/security/lsm");
  private static final Path RESCTRL = Path.of("/sys/fs/resctrl/schemata");

  /**
   * Fields whose absence never gives a container more than it asked for, and why; every other unapplied field
   * affects isolation.
   */
  private static final Map<String, String> ADVISORY = Map.of(
      "linux.resources.memory.swappiness", "a reclaim tuning knob, not a limit",
      "linux.resources.memory.kernel", "deprecated by the kernel (5.4); kernel memory counts towards memory.limit",
      "linux.resources.memory.disableOOMKiller", "without it the OOM killer acts: the limit holds either way",
      "linux.resources.cpu.burst", "without it the CPU quota is only stricter",
      "process.execCPUAffinity", "the runtime spec: not applicable to the container's init process");

  /** The fields {@code --allow-unapplied} takes, in config.json's spelling. */
  public static final Set<String> ALLOWABLE = Set.of("process.apparmorProfile", "process.selinuxLabel",
      "linux.mountLabel", "linux.intelRdt", "linux.resources.network", "linux.resources.rdma",
      "linux.resources.memory.kernelTCP", "linux.resources.cpu.realtimeRuntime", "linux.resources.cpu.realtimePeriod",
      "linux.resources.cpu.idle", "linux.resources");

  private final Set<String> allowed;
  private final Map<String, String> reasons;

  /**
   * @param allowed fields the operator lets through (names from {@link #ALLOWABLE})
   * @param lsms the host's security modules ({@code /sys/kernel/security/lsm})
   * @param resctrl whether the host has a mounted resctrl file system (Intel RDT)
   */
  UnappliedPolicy(Set<String> allowed, Set<String> lsms, boolean resctrl) {
    for (String field : allowed) {
      if (!ALLOWABLE.contains(field)) {
        throw new IllegalArgumentException("allow-unapplied: \"" + field + "\" (expected: one of "
            + ALLOWABLE.stream().sorted().collect(Collectors.joining(", ")) + ")");
      }
    }
    this.allowed = Set.copyOf(allowed);
    Map<String, String> r = new LinkedHashMap<>();
    r.put("process.apparmorProfile", lsms.contains("apparmor") ? "jshim does not load AppArmor profiles"
        : "this host has no AppArmor (no apparmor in " + LSM_LIST + ")");
    r.put("process.selinuxLabel", lsms.contains("selinux") ? "jshim does not set SELinux labels"
        : "this host has no SELinux (no selinux in " + LSM_LIST + ")");
    r.put("linux.mountLabel", lsms.contains("selinux") ? "jshim does not set SELinux mount labels"
        : "this host has no SELinux (no selinux in " + LSM_LIST + ")");
    r.put("linux.intelRdt", resctrl ? "jshim does not manage resctrl groups"
        : "this host has no Intel RDT (no resctrl file system at /sys/fs/resctrl)");
    r.put("linux.resources", "the daemon has no cgroup access (it is not root), so no limit would hold");
    this.reasons = Map.copyOf(r);
  }

  /** The policy on this host. */
  public static UnappliedPolicy forHost(Set<String> allowed) {
    Set<String> lsms;
    try {
      lsms = Arrays.stream(Files.readString(LSM_LIST).trim().split(",")).collect(Collectors.toSet());
    } catch (IOException e) {
      lsms = Set.of();
    }
    return new UnappliedPolicy(allowed, lsms, Files.exists(RESCTRL));
  }

  /** The security fields of a {@code process} that jshim cannot apply, present in {@code process}. */
  static List<String> present(OciSpec.Process process) {
    List<String> fields = new ArrayList<>();
    if (JsonFields.isSet(process.apparmorProfile())) {
      fields.add("process.apparmorProfile");
    }
    if (JsonFields.isSet(process.selinuxLabel())) {
      fields.add("process.selinuxLabel");
    }
    return fields;
  }

  /** Likewise for the init's {@code process} and {@code linux}; {@code execCPUAffinity} is not for the init. */
  static List<String> present(OciSpec.Process process, OciSpec.Linux linux) {
    List<String> fields = present(process);
    if (JsonFields.isSet(linux.mountLabel())) {
      fields.add("linux.mountLabel");
    }
    if (JsonFields.isSet(linux.intelRdt())) {
      fields.add("linux.intelRdt");
    }
    if (process.execCPUAffinity() != null) {
      fields.add("process.execCPUAffinity");
    }
    return fields;
  }

  /**
   * Refuses {@code fields} that affect isolation and are not allowed; logs the others at WARN.
   *
   * @param what the request, for messages: {@code task web1}, {@code task web1: exec e1}
   * @param fields unapplied fields by name ({@code resources.X} of an Update stands for {@code linux.resources.X})
   * @return the fields dropped with a warning
   * @throws ShimException FAILED_PRECONDITION naming every refused field
   */
  List<String> check(String what, List<String> fields) {
    List<String> refused = new ArrayList<>();
    List<String> dropped = new ArrayList<>();
    for (String field : fields) {
      String name = canonical(field);
      if (ADVISORY.containsKey(name)) {
        dropped.add(field + " (" + ADVISORY.get(name) + ")");
      } else if (allowed.contains(name)) {
        dropped.add(field + " (allowed by --allow-unapplied)");
      } else {
        refused.add(field + ": " + reasons.getOrDefault(name, "jshim does not apply it"));
      }
    }
    if (!refused.isEmpty()) {
      throw ShimException.failedPrecondition(what + ": config sets fields that affect isolation and cannot be applied: "
          + String.join("; ", refused) + " (expected: a config without them, or a daemon started with "
          + "--allow-unapplied " + fields.stream().map(UnappliedPolicy::canonical).filter(f -> !ADVISORY.containsKey(f))
              .distinct().collect(Collectors.joining(",")) + " to run without them)");
    }
    if (!dropped.isEmpty()) {
      log.warn("{}: running without fields jshim does not apply: {}", what, String.join(", ", dropped));
    }
    return dropped;
  }

  private static String canonical(String field) {
    // the part after a parenthesis is a note, such as "(the daemon has no cgroup access)"
    String name = field.contains(" (") ? field.substring(0, field.indexOf(" (")) : field;
    return name.startsWith("resources.") ? "linux." + name : name;
  }
}
