package io.jshim.daemon.task;

import io.jshim.daemon.error.ShimException;
import io.jshim.daemon.oci.OciSpec;
import io.jshim.daemon.spawn.Seccomp;
import io.jshim.daemon.spawn.Seccomp.Action;
import io.jshim.daemon.spawn.Seccomp.ActionKind;
import io.jshim.daemon.spawn.Seccomp.Comparison;
import io.jshim.daemon.spawn.Seccomp.Operator;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads {@code linux.seccomp} as runc 1.1.5 does: the same action, architecture and operator names, errno
 * {@code EPERM} when an ERRNO or TRACE action has no {@code errnoRet}, no filter when neither a default action
 * nor syscalls are given. Unlike runc 1.1.5, which refuses every flag, SECCOMP_FILTER_FLAG_LOG and
 * SECCOMP_FILTER_FLAG_SPEC_ALLOW are applied and SECCOMP_FILTER_FLAG_TSYNC is ignored (the workload has one
 * thread when it loads the filter). SCMP_ACT_NOTIFY and {@code listenerPath} are refused: no seccomp agent
 * support is built.
 */
final class SeccompReader {
  private static final int EPERM = 1;
  private static final Pattern SYSCALL_NAME = Pattern.compile("[A-Za-z0-9_]+");

  private static final Map<String, ActionKind> ACTIONS = new TreeMap<>(Map.of(
      "SCMP_ACT_ALLOW", ActionKind.ALLOW,
      "SCMP_ACT_ERRNO", ActionKind.ERRNO,
      "SCMP_ACT_KILL", ActionKind.KILL_THREAD,
      "SCMP_ACT_KILL_THREAD", ActionKind.KILL_THREAD,
      "SCMP_ACT_KILL_PROCESS", ActionKind.KILL_PROCESS,
      "SCMP_ACT_TRAP", ActionKind.TRAP,
      "SCMP_ACT_TRACE", ActionKind.TRACE,
      "SCMP_ACT_LOG", ActionKind.LOG));

  /** runc's architecture names, as libseccomp names them. */
  private static final Map<String, String> ARCHES = new TreeMap<>(Map.ofEntries(
      Map.entry("SCMP_ARCH_X86", "x86"),
      Map.entry("SCMP_ARCH_X86_64", "x86_64"),
      Map.entry("SCMP_ARCH_X32", "x32"),
      Map.entry("SCMP_ARCH_ARM", "arm"),
      Map.entry("SCMP_ARCH_AARCH64", "aarch64"),
      Map.entry("SCMP_ARCH_MIPS", "mips"),
      Map.entry("SCMP_ARCH_MIPS64", "mips64"),
      Map.entry("SCMP_ARCH_MIPS64N32", "mips64n32"),
      Map.entry("SCMP_ARCH_MIPSEL", "mipsel"),
      Map.entry("SCMP_ARCH_MIPSEL64", "mipsel64"),
      Map.entry("SCMP_ARCH_MIPSEL64N32", "mipsel64n32"),
      Map.entry("SCMP_ARCH_PPC", "ppc"),
      Map.entry("SCMP_ARCH_PPC64", "ppc64"),
      Map.entry("SCMP_ARCH_PPC64LE", "ppc64le"),
      Map.entry("SCMP_ARCH_S390", "s390"),
      Map.entry("SCMP_ARCH_S390X", "s390x")));

  private static final Map<String, Operator> OPERATORS = new TreeMap<>(Map.of(
      "SCMP_CMP_NE", Operator.NE,
      "SCMP_CMP_LT", Operator.LT,
      "SCMP_CMP_LE", Operator.LE,
      "SCMP_CMP_EQ", Operator.EQ,
      "SCMP_CMP_GE", Operator.GE,
      "SCMP_CMP_GT", Operator.GT,
      "SCMP_CMP_MASKED_EQ", Operator.MASKED_EQ));

  private static final String FLAGS = "SECCOMP_FILTER_FLAG_LOG, SECCOMP_FILTER_FLAG_SPEC_ALLOW or "
      + "SECCOMP_FILTER_FLAG_TSYNC";

  private SeccompReader() {}

  /** The filter of {@code linux.seccomp}; empty when the config has none. */
  static Optional<Seccomp> read(OciSpec.Seccomp spec) {
    if (spec == null) {
      return Optional.empty();
    }
    List<OciSpec.Syscall> syscalls = JsonFields.list(spec.syscalls(), "linux.seccomp.syscalls");
    String defaultAction = spec.defaultAction() == null ? "" : spec.defaultAction();
    if (defaultAction.isEmpty() && syscalls.isEmpty()) {
      return Optional.empty();
    }
    if (spec.listenerPath() != null && !spec.listenerPath().isEmpty()) {
      throw ShimException.invalidArgument("linux.seccomp.listenerPath: \"" + spec.listenerPath()
          + "\" (not supported: jshim has no seccomp notify support; expected: no listenerPath and no "
          + "SCMP_ACT_NOTIFY)");
    }
    Action fallback = action(defaultAction, spec.defaultErrnoRet(), "linux.seccomp.defaultAction",
        "linux.seccomp.defaultErrnoRet");
    List<String> arches = new ArrayList<>();
    for (String arch : JsonFields.list(spec.architectures(), "linux.seccomp.architectures")) {
      String name = ARCHES.get(arch);
      if (name == null) {
        throw ShimException.invalidArgument("linux.seccomp.architectures: \"" + arch + "\" (expected: one of "
            + String.join(", ", ARCHES.keySet()) + ")");
      }
      arches.add(name);
    }
    Set<Seccomp.Flag> flags = EnumSet.noneOf(Seccomp.Flag.class);
    for (String flag : JsonFields.list(spec.flags(), "linux.seccomp.flags")) {
      switch (flag) {
        case "SECCOMP_FILTER_FLAG_LOG" -> flags.add(Seccomp.Flag.LOG);
        case "SECCOMP_FILTER_FLAG_SPEC_ALLOW" -> flags.add(Seccomp.Flag.SPEC_ALLOW);
        case "SECCOMP_FILTER_FLAG_TSYNC" -> { } // one thread: nothing to synchronize
        default -> throw ShimException.invalidArgument("linux.seccomp.flags: \"" + flag + "\" (expected: " + FLAGS
            + ")");
      }
    }
    List<Seccomp.Rule> rules = new ArrayList<>();
    for (int i = 0; i < syscalls.size(); i++) {
      rule(syscalls.get(i), "linux.seccomp.syscalls[" + i + "]").ifPresent(rules::add);
    }
    return Optional.of(new Seccomp(fallback, arches, flags, rules));
  }

  private static Optional<Seccomp.Rule> rule(OciSpec.Syscall syscall, String field) {
    Action action = action(syscall.action() == null ? "" : syscall.action(), syscall.errnoRet(), field + ".action",
        field + ".errnoRet");
    List<String> names = new ArrayList<>();
    for (String name : JsonFields.list(syscall.names(), field + ".names")) {
      if (name.isEmpty()) {
        throw ShimException.invalidArgument(field + ".names: \"\" (expected: syscall names)");
      }
      // libseccomp knows no such name; runc skips names it does not know
      if (SYSCALL_NAME.matcher(name).matches()) {
        names.add(name);
      }
    }
    List<Comparison> args = new ArrayList<>();
    List<OciSpec.SyscallArg> specArgs = JsonFields.list(syscall.args(), field + ".args");
    for (int j = 0; j < specArgs.size(); j++) {
      args.add(comparison(specArgs.get(j), field + ".args[" + j + "]"));
    }
    return names.isEmpty() ? Optional.empty() : Optional.of(new Seccomp.Rule(action, names, args));
  }

  private static Comparison comparison(OciSpec.SyscallArg arg, String field) {
    BigInteger index = arg.index() == null ? BigInteger.ZERO : arg.index();
    if (index.signum() < 0 || index.compareTo(BigInteger.valueOf(5)) > 0) {
      throw ShimException.invalidArgument(field + ".index: " + index + " (expected: 0..5)");
    }
    Operator op = OPERATORS.get(arg.op() == null ? "" : arg.op());
    if (op == null) {
      throw ShimException.invalidArgument(field + ".op: \"" + (arg.op() == null ? "" : arg.op())
          + "\" (expected: one of " + String.join(", ", OPERATORS.keySet()) + ")");
    }
    return new Comparison(index.intValue(), op, unsigned(arg.value(), field + ".value"),
        unsigned(arg.valueTwo(), field + ".valueTwo"));
  }

  private static long unsigned(BigInteger value, String field) {
    return value == null ? 0 : JsonFields.unsigned64(value, field);
  }

  private static Action action(String name, BigInteger errnoRet, String field, String errnoField) {
    if (name.equals("SCMP_ACT_NOTIFY")) {
      throw ShimException.invalidArgument(field + ": \"SCMP_ACT_NOTIFY\" (not supported: it needs "
          + "linux.seccomp.listenerPath, and jshim has no seccomp notify support)");
    }
    ActionKind kind = ACTIONS.get(name);
    if (kind == null) {
      throw ShimException.invalidArgument(field + ": \"" + name + "\" (expected: one of "
          + String.join(", ", ACTIONS.keySet()) + ")");
    }
    if (!kind.hasValue()) {
      return Action.of(kind);
    }
    if (errnoRet == null) {
      return new Action(kind, EPERM);
    }
    if (errnoRet.signum() < 0 || errnoRet.compareTo(BigInteger.valueOf(Seccomp.MAX_ERRNO)) > 0) {
      throw ShimException.invalidArgument(errnoField + ": " + errnoRet + " (expected: 0.." + Seccomp.MAX_ERRNO + ")");
    }
    return new Action(kind, errnoRet.intValue());
  }
}
