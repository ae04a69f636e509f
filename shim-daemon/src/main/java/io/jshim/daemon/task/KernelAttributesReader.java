package io.jshim.daemon.task;

import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.oci.OciSpec;
import io.jshim.daemon.spawn.KernelAttributes;
import io.jshim.daemon.spawn.Namespace;
import io.jshim.daemon.spawn.Namespaces;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Reads {@code linux.personality}, {@code process.ioPriority}, {@code process.scheduler}, {@code domainname},
 * {@code linux.timeOffsets} and {@code process.execCPUAffinity}; every error names the field and the values
 * expected.
 */
final class KernelAttributesReader {
  private static final Map<String, Integer> DOMAINS = Map.of("LINUX", 0x0000, "LINUX32", 0x0008);
  /** The persona flags of linux/personality.h. */
  private static final Map<String, Integer> PERSONA_FLAGS = Map.ofEntries(
      Map.entry("UNAME26", 0x0020000), Map.entry("ADDR_NO_RANDOMIZE", 0x0040000),
      Map.entry("FDPIC_FUNCPTRS", 0x0080000), Map.entry("MMAP_PAGE_ZERO", 0x0100000),
      Map.entry("ADDR_COMPAT_LAYOUT", 0x0200000), Map.entry("READ_IMPLIES_EXEC", 0x0400000),
      Map.entry("ADDR_LIMIT_32BIT", 0x0800000), Map.entry("SHORT_INODE", 0x1000000),
      Map.entry("WHOLE_SECONDS", 0x2000000), Map.entry("STICKY_TIMEOUTS", 0x4000000),
      Map.entry("ADDR_LIMIT_3GB", 0x8000000));
  private static final Map<String, Integer> IO_CLASSES = Map.of("IOPRIO_CLASS_RT", 1, "IOPRIO_CLASS_BE", 2,
      "IOPRIO_CLASS_IDLE", 3);
  private static final Map<String, Integer> POLICIES = Map.of("SCHED_OTHER", 0, "SCHED_FIFO", 1, "SCHED_RR", 2,
      "SCHED_BATCH", 3, "SCHED_IDLE", 5, "SCHED_DEADLINE", 6);
  private static final Map<String, Integer> SCHED_FLAGS = Map.of("SCHED_FLAG_RESET_ON_FORK", 0x01,
      "SCHED_FLAG_RECLAIM", 0x02, "SCHED_FLAG_DL_OVERRUN", 0x04, "SCHED_FLAG_KEEP_POLICY", 0x08,
      "SCHED_FLAG_KEEP_PARAMS", 0x10, "SCHED_FLAG_UTIL_CLAMP_MIN", 0x20, "SCHED_FLAG_UTIL_CLAMP_MAX", 0x40);
  private static final Pattern CPU_LIST = Pattern.compile("\\d{1,4}(-\\d{1,4})?(,\\d{1,4}(-\\d{1,4})?)*");
  private static final int MAX_CPU = 1023;
  /** The kernel's __NEW_UTS_LEN. */
  private static final int MAX_DOMAINNAME = 64;
  private static final BigInteger MAX_U64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  private KernelAttributesReader() {}

  /**
   * The attributes of an exec's (or, through {@link #init}, the init's) {@code process}: I/O priority, scheduler and,
   * for an exec, {@code execCPUAffinity}.
   */
  static KernelAttributes process(OciSpec.Process process) {
    return new KernelAttributes(OptionalInt.empty(), ioPriority(process.ioPriority()), scheduler(process.scheduler()),
        Optional.empty(), List.of(), affinity(process.execCPUAffinity(), true), affinity(process.execCPUAffinity(), false));
  }

  /**
   * The init process's attributes: those of its {@code process} (but not {@code execCPUAffinity}, which the spec
   * says is not applicable to the init) and the container's personality, domainname and time offsets.
   */
  static KernelAttributes init(OciSpec spec, OciSpec.Process process, OciSpec.Linux linux, Namespaces namespaces) {
    String domainname = spec.domainname();
    if (domainname != null && !domainname.isEmpty()) {
      if (!namespaces.created().contains(Namespace.UTS)) {
        throw ShimException.invalidArgument("domainname: \"" + domainname
            + "\" needs a new uts namespace (expected: linux.namespaces to contain uts)");
      }
      if (domainname.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_DOMAINNAME
          || domainname.contains("\0")) {
        throw ShimException.invalidArgument("domainname: \"" + domainname + "\" (expected: at most " + MAX_DOMAINNAME
            + " bytes, no NUL)");
      }
    }
    return new KernelAttributes(personality(linux.personality()), ioPriority(process.ioPriority()),
        scheduler(process.scheduler()), Optional.ofNullable(domainname).filter(d -> !d.isEmpty()),
        timeOffsets(linux.timeOffsets(), namespaces), Optional.empty(), Optional.empty());
  }

  private static OptionalInt personality(OciSpec.Personality p) {
    if (p == null) {
      return OptionalInt.empty();
    }
    Integer domain = DOMAINS.get(p.domain());
    if (domain == null) {
      throw ShimException.invalidArgument("linux.personality.domain: " + quoted(p.domain())
          + " (expected: LINUX or LINUX32)");
    }
    int persona = domain;
    for (String flag : JsonFields.list(p.flags(), "linux.personality.flags")) {
      Integer bit = PERSONA_FLAGS.get(flag);
      if (bit == null) {
        throw ShimException.invalidArgument("linux.personality.flags: \"" + flag + "\" (expected: one of "
            + String.join(", ", PERSONA_FLAGS.keySet().stream().sorted().toList()) + ")");
      }
      persona |= bit;
    }
    return OptionalInt.of(persona);
  }

  private static Optional<KernelAttributes.IoPriority> ioPriority(OciSpec.IoPriority p) {
    if (p == null) {
      return Optional.empty();
    }
    Integer ioClass = IO_CLASSES.get(p.ioClass());
    if (ioClass == null) {
      throw ShimException.invalidArgument("process.ioPriority.class: " + quoted(p.ioClass())
          + " (expected: IOPRIO_CLASS_RT, IOPRIO_CLASS_BE or IOPRIO_CLASS_IDLE)");
    }
    int level = p.priority() == null ? 0 : p.priority();
    if (level < 0 || level > 7) {
      throw ShimException.invalidArgument("process.ioPriority.priority: " + level + " (expected: 0..7)");
    }
    return Optional.of(new KernelAttributes.IoPriority(ioClass, level));
  }

  private static Optional<KernelAttributes.Scheduler> scheduler(OciSpec.Scheduler s) {
    if (s == null) {
      return Optional.empty();
    }
    Integer policy = POLICIES.get(s.policy());
    if (policy == null) {
      throw ShimException.invalidArgument("process.scheduler.policy: " + quoted(s.policy())
          + " (expected: SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_IDLE or SCHED_DEADLINE)");
    }
    int nice = s.nice() == null ? 0 : s.nice();
    if (nice < -20 || nice > 19) {
      throw ShimException.invalidArgument("process.scheduler.nice: " + nice + " (expected: -20..19)");
    }
    int priority = s.priority() == null ? 0 : s.priority();
    boolean realtime = s.policy().equals("SCHED_FIFO") || s.policy().equals("SCHED_RR");
    if (realtime ? priority < 1 || priority > 99 : priority != 0) {
      throw ShimException.invalidArgument("process.scheduler.priority: " + priority + " (expected: "
          + (realtime ? "1..99 for " + s.policy() : "0 for " + s.policy() + ": only SCHED_FIFO and SCHED_RR have one")
          + ")");
    }
    long flags = 0;
    for (String flag : JsonFields.list(s.flags(), "process.scheduler.flags")) {
      Integer bit = SCHED_FLAGS.get(flag);
      if (bit == null) {
        throw ShimException.invalidArgument("process.scheduler.flags: \"" + flag + "\" (expected: one of "
            + String.join(", ", SCHED_FLAGS.keySet().stream().sorted().toList()) + ")");
      }
      flags |= bit;
    }
    long runtime = nanos(s.runtime(), "process.scheduler.runtime");
    long deadline = nanos(s.deadline(), "process.scheduler.deadline");
    long period = nanos(s.period(), "process.scheduler.period");
    boolean isDeadline = s.policy().equals("SCHED_DEADLINE");
    if (isDeadline) {
      // the kernel's rule: 0 < runtime <= deadline <= period (a period of 0 means the deadline)
      long effectivePeriod = period == 0 ? deadline : period;
      if (runtime == 0 || Long.compareUnsigned(runtime, deadline) > 0
          || Long.compareUnsigned(deadline, effectivePeriod) > 0) {
        throw ShimException.invalidArgument("process.scheduler: SCHED_DEADLINE with runtime " + Long.toUnsignedString(runtime)
            + ", deadline " + Long.toUnsignedString(deadline) + ", period " + Long.toUnsignedString(period)
            + " (expected: 0 < runtime <= deadline <= period, or period 0)");
      }
    } else if (runtime != 0 || deadline != 0 || period != 0) {
      throw ShimException.invalidArgument("process.scheduler: runtime, deadline and period are for SCHED_DEADLINE only"
          + " (expected: none of them for " + s.policy() + ")");
    }
    return Optional.of(new KernelAttributes.Scheduler(policy, nice, priority, flags, runtime, deadline, period));
  }

  private static long nanos(BigInteger value, String field) {
    if (value == null) {
      return 0;
    }
    if (value.signum() < 0 || value.compareTo(MAX_U64) > 0) {
      throw ShimException.invalidArgument(field + ": " + value + " (expected: nanoseconds 0.." + MAX_U64 + ")");
    }
    return value.longValue();
  }

  private static List<KernelAttributes.TimeOffset> timeOffsets(Map<String, OciSpec.TimeOffset> offsets,
      Namespaces namespaces) {
    if (offsets == null || offsets.isEmpty()) {
      return List.of();
    }
    if (!namespaces.created().contains(Namespace.TIME)) {
      throw ShimException.invalidArgument("linux.timeOffsets: needs a new time namespace (expected: linux.namespaces to "
          + "contain time without a path: the offsets of a namespace can only be set before any process enters it)");
    }
    List<KernelAttributes.TimeOffset> result = new ArrayList<>();
    offsets.forEach((clock, offset) -> {
      String field = "linux.timeOffsets." + clock;
      if (!clock.equals("monotonic") && !clock.equals("boottime")) {
        throw ShimException.invalidArgument("linux.timeOffsets: clock \"" + clock + "\" (expected: monotonic or boottime)");
      }
      if (offset == null) {
        throw ShimException.invalidArgument(field + ": null (expected: an object with secs and nanosecs)");
      }
      long nanos = offset.nanosecs() == null ? 0 : offset.nanosecs();
      if (nanos < 0 || nanos > 999_999_999L) {
        throw ShimException.invalidArgument(field + ".nanosecs: " + nanos + " (expected: 0..999999999)");
      }
      result.add(new KernelAttributes.TimeOffset(clock, offset.secs() == null ? 0 : offset.secs(), nanos));
    });
    return result;
  }

  private static Optional<String> affinity(OciSpec.ExecCpuAffinity a, boolean initial) {
    if (a == null) {
      return Optional.empty();
    }
    String field = "process.execCPUAffinity." + (initial ? "initial" : "final");
    String list = initial ? a.initial() : a.finalCpus();
    if (list == null || list.isEmpty()) {
      return Optional.empty();
    }
    if (!CPU_LIST.matcher(list).matches()) {
      throw ShimException.invalidArgument(field + ": \"" + list
          + "\" (expected: CPU numbers and ranges separated by commas, such as 0-3,7)");
    }
    for (String part : list.split(",")) {
      String[] ends = part.split("-");
      int low = Integer.parseInt(ends[0]);
      int high = Integer.parseInt(ends[ends.length - 1]);
      if (low > high || high > MAX_CPU) {
        throw ShimException.invalidArgument(field + ": \"" + list + "\": range " + part
            + " (expected: low <= high <= " + MAX_CPU + ")");
      }
    }
    return Optional.of(list);
  }

  private static String quoted(String value) {
    return value == null ? "absent" : "\"" + value + "\"";
  }
}
