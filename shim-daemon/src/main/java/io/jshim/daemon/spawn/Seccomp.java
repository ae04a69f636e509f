package io.jshim.daemon.spawn;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A syscall filter ({@code linux.seccomp}) as the workload builds it with libseccomp and loads it before
 * execve: the default action, extra architectures besides the native one, filter flags and the rules in
 * order. {@link #helperArgument()} is the text of the helper's {@code --seccomp} option (native/README.md).
 *
 * @param architectures libseccomp architecture names ({@code x86_64}, {@code x86}, {@code aarch64}, ...)
 */
public record Seccomp(Action defaultAction, List<String> architectures, Set<Flag> flags, List<Rule> rules) {

  public Seccomp {
    Objects.requireNonNull(defaultAction, "defaultAction");
    architectures = List.copyOf(architectures);
    flags = Set.copyOf(flags);
    rules = List.copyOf(rules);
    for (String arch : architectures) {
      requireWord(arch, "architecture");
    }
  }

  /** The largest errno (and trace value) the kernel passes on: MAX_ERRNO. */
  public static final int MAX_ERRNO = 4095;

  /** What the filter does with a matching syscall. */
  public enum ActionKind {
    ALLOW, ERRNO, KILL_THREAD, KILL_PROCESS, TRAP, TRACE, LOG;

    /** Whether the action carries a number (errno or trace message). */
    public boolean hasValue() {
      return this == ERRNO || this == TRACE;
    }
  }

  /**
   * An action with its number.
   *
   * @param value the errno for {@link ActionKind#ERRNO}, the tracer's message for {@link ActionKind#TRACE}
   *     (0..{@value #MAX_ERRNO}); 0 otherwise
   */
  public record Action(ActionKind kind, int value) {
    public Action {
      Objects.requireNonNull(kind, "kind");
      if (value < 0 || value > MAX_ERRNO || (!kind.hasValue() && value != 0)) {
        throw new IllegalArgumentException("action " + kind + " value " + value + " (expected: 0.." + MAX_ERRNO
            + " for ERRNO and TRACE, 0 otherwise)");
      }
    }

    public static Action of(ActionKind kind) {
      return new Action(kind, 0);
    }

    String helperText() {
      String name = kind.name().toLowerCase(Locale.ROOT);
      return kind.hasValue() ? name + ":" + value : name;
    }
  }

  /** {@code linux.seccomp.flags} the filter is loaded with. */
  public enum Flag {
    LOG("log"), SPEC_ALLOW("spec_allow");

    private final String helperName;

    Flag(String helperName) {
      this.helperName = helperName;
    }
  }

  /** An argument comparison operator (libseccomp's {@code SCMP_CMP_*}). */
  public enum Operator {
    NE, LT, LE, EQ, GE, GT, MASKED_EQ
  }

  /**
   * One comparison of a syscall argument.
   *
   * @param index the argument, 0..5
   * @param value unsigned 64-bit (the bits of a Java long)
   * @param valueTwo the second value (for {@link Operator#MASKED_EQ}: the value compared after the mask)
   */
  public record Comparison(int index, Operator op, long value, long valueTwo) {
    public Comparison {
      Objects.requireNonNull(op, "op");
      if (index < 0 || index > 5) {
        throw new IllegalArgumentException("argument index " + index + " (expected: 0..5)");
      }
    }

    String helperText() {
      return index + ":" + op.name().toLowerCase(Locale.ROOT) + ":" + Long.toUnsignedString(value) + ":"
          + Long.toUnsignedString(valueTwo);
    }
  }

  /**
   * The action for syscalls by name. Several comparisons of the same argument make separate rules (any one
   * matches), otherwise all must hold, as in runc.
   */
  public record Rule(Action action, List<String> names, List<Comparison> args) {
    public Rule {
      Objects.requireNonNull(action, "action");
      names = List.copyOf(names);
      args = List.copyOf(args);
      if (names.isEmpty()) {
        throw new IllegalArgumentException("rule without syscall names");
      }
      names.forEach(name -> requireWord(name, "syscall name"));
    }
  }

  /** The helper's {@code --seccomp} text. */
  public String helperArgument() {
    StringBuilder text = new StringBuilder("default ").append(defaultAction.helperText());
    architectures.forEach(arch -> text.append(";arch ").append(arch));
    flags.stream().sorted().forEach(flag -> text.append(";flag ").append(flag.helperName));
    for (Rule rule : rules) {
      text.append(";syscall ").append(rule.action().helperText()).append(' ').append(String.join(",", rule.names()));
      text.append(rule.args().stream().map(c -> " " + c.helperText()).collect(Collectors.joining()));
    }
    return text.toString();
  }

  private static void requireWord(String word, String what) {
    if (word.isEmpty() || !word.chars().allMatch(c -> c == '_' || Character.isLetterOrDigit(c) && c < 128)) {
      throw new IllegalArgumentException(what + " \"" + word + "\" (expected: letters, digits and _)");
    }
  }
}
